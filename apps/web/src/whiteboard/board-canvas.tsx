import type { BoardItem, Shape } from '@tandem/documents';
import { whiteboard } from '@tandem/documents';
import type { DocHandle } from '@tandem/sdk';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { colourOf, Workspace } from '../lib/workspace';
import { BoardItemView, SelectionView } from './board-item';
import { BoardToolbar, COLOURS, Tool, TOOLS } from './board-toolbar';
import { BOARD, Box, boundsOf, boxOf, Corner, hasText, isLine, LineEnd, MIN_SIZE, Point, resizeTo, snapAngle, styleFor } from './geometry';
import { TextEditor } from './text-editor';
import './whiteboard.css';

type Gesture =
  | { kind: 'draw'; id: string; origin: Point; last: Point }
  | { kind: 'box' | 'line'; id: string; from: Point; moved: boolean }
  | { kind: 'move'; id: string; dx: number; dy: number }
  | { kind: 'resize'; id: string; corner: Corner; start: Box }
  | { kind: 'end'; id: string; which: LineEnd }
  | { kind: 'pan'; x: number; y: number; left: number; top: number };

/** Zoom levels; a phone starts zoomed in (the whole board at its width would be too small to read) and pans by dragging the paper. */
export const ZOOMS = [1, 1.5, 2, 3] as const;
const startZoom = () => (typeof matchMedia === 'function' && matchMedia('(max-width: 760px)').matches ? 2 : 1);

/** Sizes a click (or Enter) gives a new item. */
const DEFAULT_BOX: Record<string, { width: number; height: number }> = { line: { width: 160, height: 0 }, arrow: { width: 160, height: 0 }, rectangle: { width: 160, height: 100 }, ellipse: { width: 140, height: 100 }, text: { width: 240, height: 36 }, sticky: { width: 160, height: 160 } };
const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/** The board: drawing and the tools, selection, in-place text editing, keyboard shortcuts, and everyone's cursors. */
export function BoardCanvas({ ws, handle }: { ws: Workspace; handle: DocHandle<'whiteboard'> }) {
  const svg = useRef<SVGSVGElement>(null);
  const section = useRef<HTMLElement>(null);
  const [tool, setTool] = useState<Tool>('pen');
  const [colour, setColour] = useState(COLOURS[2]![0]);
  const [width, setWidth] = useState(4);
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [unit, setUnit] = useState(1);
  const [zoom, setZoom] = useState<number>(startZoom);
  const viewport = useRef<HTMLDivElement>(null);
  const gesture = useRef<Gesture | null>(null);
  const lastTap = useRef({ id: '', at: 0 });
  const [cursors, setCursors] = useState<Map<string, { name: string; x: number; y: number }>>(new Map());
  const editable = !handle.kicked && handle.role !== 'viewer' && handle.role !== 'commenter';
  const items = whiteboard.itemsInOrder(handle.doc);
  const sel = selected ? (handle.doc.items[selected] ?? null) : null;
  const editItem = editing ? (handle.doc.items[editing] as Shape | undefined) : undefined;
  const edit = (mutate: Parameters<typeof handle.change>[0]) => {
    try {
      handle.change(mutate);
      return true;
    } catch (e) {
      ws.toast('Not changed', (e as Error).message);
      return false;
    }
  };
  // Someone else deleted the selected or edited item.
  if (selected && !sel) queueMicrotask(() => setSelected(null));
  if (editing && !editItem) queueMicrotask(() => setEditing(null));

  useEffect(() => {
    const el = svg.current!;
    const measure = () => el.clientWidth && setUnit(BOARD.width / el.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  useEffect(
    () =>
      ws.client.presence.onCursor(handle.docId, ({ userId, name, cursor }) => {
        if (userId === ws.session.userId || cursor.x === undefined || cursor.y === undefined) return;
        setCursors((m) => new Map(m).set(userId, { name, x: cursor.x!, y: cursor.y! }));
      }),
    [handle],
  );

  /** Adds an item of the current tool at `p` (a click or Enter: default size); returns its id. */
  const create = (type: Exclude<Tool, 'select' | 'pen'>, p: Point, size?: { width: number; height: number }): string => {
    let id = '';
    const box = size ?? DEFAULT_BOX[type] ?? { width: 0, height: 0 };
    const centred = type === 'sticky' || !size;
    const x = clamp(Math.round(centred && type !== 'text' ? p.x - box.width / 2 : p.x), 0, BOARD.width - Math.min(box.width, BOARD.width));
    const y = clamp(Math.round(centred ? p.y - box.height / 2 : p.y), 0, BOARD.height - Math.min(box.height, BOARD.height));
    edit((d) => (id = whiteboard.addShape(d, { type, x, y, ...box, style: styleFor(type, colour, width), createdBy: ws.session.userId })));
    return id;
  };
  const startEditing = (id: string) => {
    setSelected(id);
    setEditing(id);
    setTool('select');
  };
  const finishEditing = (id: string) => {
    setEditing((current) => (current === id ? null : current));
    const item = handle.doc.items[id];
    // An empty text shape is no shape (a sticky note stays: it is visible paper).
    if (item?.type === 'text' && !item.text.trim()) {
      edit((d) => whiteboard.deleteItem(d, id));
      setSelected(null);
    }
  };
  const remove = (id: string) => {
    edit((d) => whiteboard.deleteItem(d, id));
    setSelected(null);
  };

  const point = (e: PointerEvent): Point => {
    const box = svg.current!.getBoundingClientRect();
    const scale = BOARD.width / box.width;
    return { x: Math.round((e.clientX - box.left) * scale), y: Math.round((e.clientY - box.top) * scale) };
  };
  const down = (e: PointerEvent) => {
    const target = e.target as Element;
    if (target.closest('.wb-editor-host') || (e.pointerType === 'mouse' && e.button !== 0)) return;
    const p = point(e);
    svg.current!.setPointerCapture(e.pointerId);
    if (editing) finishEditing(editing);
    const creatingText = editable && (tool === 'text' || tool === 'sticky');
    // The board takes the keyboard (its shortcuts); a new text keeps it in its own field instead.
    if (!creatingText) svg.current!.focus({ preventScroll: true });
    const handleName = target.closest('[data-handle]')?.getAttribute('data-handle');
    if (handleName && sel && editable) {
      gesture.current = isLine(sel) ? { kind: 'end', id: sel.id, which: handleName as LineEnd } : { kind: 'resize', id: sel.id, corner: handleName as Corner, start: boundsOf(sel) };
      return;
    }
    if (tool === 'select' || !editable) {
      const id = target.closest<SVGElement>('[data-item]')?.dataset.item ?? null;
      const item = id ? handle.doc.items[id] : undefined;
      const now = Date.now();
      // A second tap on a text or note edits it (dblclick does not fire for touch everywhere).
      if (item && editable && hasText(item) && lastTap.current.id === id && now - lastTap.current.at < 450) {
        lastTap.current = { id: '', at: 0 };
        gesture.current = null;
        return startEditing(item.id);
      }
      lastTap.current = { id: id ?? '', at: now };
      setSelected(item ? item.id : null);
      const v = viewport.current!;
      gesture.current = item && editable ? { kind: 'move', id: item.id, dx: p.x - item.x, dy: p.y - item.y } : item ? null : { kind: 'pan', x: e.clientX, y: e.clientY, left: v.scrollLeft, top: v.scrollTop };
      return;
    }
    if (tool === 'pen') {
      let id = '';
      if (edit((d) => (id = whiteboard.addStroke(d, { x: p.x, y: p.y, points: [0, 0], style: { color: colour, width }, createdBy: ws.session.userId })))) gesture.current = { kind: 'draw', id, origin: p, last: p };
      return;
    }
    if (tool === 'text' || tool === 'sticky') {
      const id = create(tool, p);
      if (id) startEditing(id);
      return;
    }
    const id = create(tool, p, { width: 0, height: 0 });
    if (id) gesture.current = { kind: tool === 'line' || tool === 'arrow' ? 'line' : 'box', id, from: p, moved: false };
  };
  // Focus is the board's to move (see `down`): a press must not blur a note being written, touch's late mouse events included.
  const keepFocus = (e: MouseEvent) => {
    if (!(e.target as Element).closest('.wb-editor-host')) e.preventDefault();
  };
  const move = (e: PointerEvent) => {
    const p = point(e);
    ws.client.presence.moveCursor(handle.docId, p);
    const g = gesture.current;
    if (!g) return;
    if (g.kind === 'pan') {
      viewport.current!.scrollLeft = g.left - (e.clientX - g.x);
      viewport.current!.scrollTop = g.top - (e.clientY - g.y);
    } else if (g.kind === 'draw') {
      if (Math.hypot(p.x - g.last.x, p.y - g.last.y) < 2) return;
      g.last = p;
      edit((d) => whiteboard.appendPoints(d, g.id, [p.x - g.origin.x, p.y - g.origin.y]));
    } else if (g.kind === 'box') {
      g.moved = true;
      edit((d) => whiteboard.resizeItem(d, g.id, boxOf(g.from, p)));
    } else if (g.kind === 'line') {
      g.moved = true;
      edit((d) => whiteboard.setLineEnds(d, g.id, g.from, e.shiftKey ? snapAngle(g.from, p) : p));
    } else if (g.kind === 'move') edit((d) => whiteboard.moveItem(d, g.id, p.x - g.dx, p.y - g.dy));
    else if (g.kind === 'resize') {
      const item = handle.doc.items[g.id];
      if (item) edit((d) => whiteboard.resizeItem(d, g.id, resizeTo(item, g.start, g.corner, p)));
    } else if (g.kind === 'end') {
      const item = handle.doc.items[g.id] as Shape | undefined;
      if (!item) return;
      const ends = whiteboard.lineEnds(item);
      const other = g.which === 'start' ? ends.end : ends.start;
      const to = e.shiftKey ? snapAngle(other, p) : p;
      edit((d) => (g.which === 'start' ? whiteboard.setLineEnds(d, g.id, to, ends.end) : whiteboard.setLineEnds(d, g.id, ends.start, to)));
    }
  };
  const up = () => {
    const g = gesture.current;
    gesture.current = null;
    if (!g || (g.kind !== 'box' && g.kind !== 'line')) return;
    const item = handle.doc.items[g.id];
    if (!item) return;
    const b = boundsOf(item);
    // A click without a drag: a shape of the default size rather than an invisible dot.
    if (g.kind === 'box' && b.width < MIN_SIZE && b.height < MIN_SIZE) edit((d) => whiteboard.resizeItem(d, g.id, { ...DEFAULT_BOX[item.type]!, x: g.from.x, y: g.from.y }));
    if (g.kind === 'line' && Math.hypot(b.width, b.height) < MIN_SIZE) edit((d) => whiteboard.setLineEnds(d, g.id, g.from, { x: g.from.x + DEFAULT_BOX.line!.width, y: g.from.y }));
    setSelected(g.id);
  };

  // A layout effect: the listener must hold the new selection as soon as the page shows it (with
  // useEffect, a key pressed between the paint and the effect went to the previous closure, and
  // Delete right after Tab selected an item did nothing).
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.closest?.('input, textarea, select, [contenteditable="true"]') || e.ctrlKey || e.metaKey || e.altKey) return;
      if (t !== document.body && !section.current?.contains(t)) return; // a dialog or another panel has the keyboard
      const item = selected ? handle.doc.items[selected] : undefined;
      const key = e.key.length === 1 ? e.key.toUpperCase() : e.key;
      const shortcut = TOOLS.find((x) => x.key === key);
      if (shortcut && editable && !e.shiftKey) {
        setTool(shortcut.tool);
        if (shortcut.tool !== 'select') setSelected(null);
      } else if (key === 'Escape') setSelected(null);
      else if (key === '+' || key === '=' || key === '-') zoomBy(key === '-' ? -1 : 1);
      else if (item && editable && (key === 'Delete' || key === 'Backspace')) remove(item.id);
      else if (item && editable && key.startsWith('Arrow')) {
        const step = e.shiftKey ? 20 : 2;
        const [dx, dy] = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[key] ?? [0, 0];
        edit((d) => whiteboard.nudgeItem(d, item.id, dx!, dy!));
      } else if (item && editable && key === ']') edit((d) => whiteboard.bringToFront(d, item.id));
      else if (item && editable && key === '[') edit((d) => whiteboard.sendToBack(d, item.id));
      else if (item && editable && key === 'Enter' && hasText(item)) startEditing(item.id);
      else if (!item && editable && key === 'Enter' && (t as Element) === svg.current && tool !== 'select' && tool !== 'pen') {
        const id = create(tool, { x: BOARD.width / 2, y: BOARD.height / 2 });
        if (id && (tool === 'text' || tool === 'sticky')) startEditing(id);
        else if (id) setSelected(id);
      } else return;
      e.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  });

  const zoomBy = (step: number) => setZoom((z) => ZOOMS[Math.min(ZOOMS.length - 1, Math.max(0, ZOOMS.indexOf(z as (typeof ZOOMS)[number]) + step))] ?? 1);
  const restyle = (patch: { colour?: string; width?: number }) => {
    if (patch.colour) setColour(patch.colour);
    if (patch.width) setWidth(patch.width);
    if (!sel || !editable) return;
    const s = styleFor(sel.type, patch.colour ?? sel.style.color, patch.width ?? sel.style.width);
    if (patch.colour) edit((d) => whiteboard.restyleItem(d, sel.id, sel.type === 'sticky' || sel.type === 'rectangle' || sel.type === 'ellipse' ? { color: s.color, fill: s.fill } : { color: s.color }));
    else if (!hasText(sel)) edit((d) => whiteboard.restyleItem(d, sel.id, { width: s.width }));
  };
  return (
    <section ref={section} class="card flush whiteboard">
      <BoardToolbar
        tool={tool}
        onTool={(t) => (setTool(t), t !== 'select' && setSelected(null))}
        colour={colour}
        onColour={(c) => restyle({ colour: c })}
        width={width}
        onWidth={(w) => restyle({ width: w })}
        selected={sel}
        editable={editable}
        count={items.length}
        onEditText={() => sel && startEditing(sel.id)}
        onFront={() => sel && edit((d) => whiteboard.bringToFront(d, sel.id))}
        onBack={() => sel && edit((d) => whiteboard.sendToBack(d, sel.id))}
        onDelete={() => sel && remove(sel.id)}
        zoom={zoom}
        onZoom={zoomBy}
      />
      <div ref={viewport} class="wb-viewport" data-zoom={zoom}>
        <svg
          ref={svg}
          class="wb-canvas"
          style={{ width: `${zoom * 100}%` }}
          viewBox={`0 0 ${BOARD.width} ${BOARD.height}`}
          data-tool={editable ? tool : 'select'}
          tabindex={0}
          role="group"
          aria-roledescription="whiteboard"
          aria-label={`Whiteboard, ${items.length} item${items.length === 1 ? '' : 's'}. Tab to an item to select it; arrow keys move it, Delete removes it, Enter edits its text; with a shape tool, Enter adds one in the middle.`}
          onPointerDown={down}
          onPointerMove={move}
          onPointerUp={up}
          onPointerCancel={up}
          onMouseDown={keepFocus}
          onFocusIn={(e) => {
            // Tabbing onto an item selects it; a pointer selects on press instead.
            const id = (e.target as Element).closest<SVGElement>('[data-item]')?.dataset.item;
            if (id && (e.target as Element).matches(':focus-visible') && !gesture.current) setSelected(id);
          }}
        >
          <defs>
            <pattern id="wb-dots" width="20" height="20" patternUnits="userSpaceOnUse">
              <circle cx="1" cy="1" r="1" fill="#d5d7e6" />
            </pattern>
            <filter id="wb-shadow" x="-10%" y="-10%" width="130%" height="140%">
              <feDropShadow dx="0" dy="3" stdDeviation="4" flood-color="#101828" flood-opacity="0.16" />
            </filter>
          </defs>
          <rect class="wb-paper" width={BOARD.width} height={BOARD.height} fill="url(#wb-dots)" />
          {items.map((item: BoardItem) => (
            <BoardItemView key={item.id} item={item} editing={item.id === editing} />
          ))}
          {sel && sel.id !== editing && <SelectionView item={sel} unit={unit} editable={editable} />}
          {editItem && hasText(editItem) && (
            <TextEditor
              key={editItem.id}
              item={editItem}
              currentText={() => (handle.doc.items[editItem.id] as Shape | undefined)?.text ?? ''}
              unit={unit}
              onText={(text) => edit((d) => whiteboard.setShapeText(d, editItem.id, text))}
              onGrow={(height) => edit((d) => whiteboard.resizeItem(d, editItem.id, { width: editItem.width, height }))}
              onDone={() => finishEditing(editItem.id)}
            />
          )}
          {[...cursors.entries()].map(([userId, c]) => (
            <g key={userId} class="wb-cursor" data-user={userId} transform={`translate(${c.x} ${c.y}) scale(${unit})`}>
              <path d="M0 0 L0 16 L4.5 12 L8 19 L10.5 18 L7 11 L13 11 Z" fill={colourOf(userId)} stroke="white" stroke-width="1" />
              <text x="14" y="24" fill={colourOf(userId)}>
                {c.name}
              </text>
            </g>
          ))}
        </svg>
      </div>
      <p class="wb-hint muted small">
        <kbd>V</kbd> select · <kbd>P</kbd> pen · <kbd>R</kbd> <kbd>O</kbd> <kbd>L</kbd> <kbd>A</kbd> shapes, lines, arrows · <kbd>T</kbd> text · <kbd>S</kbd> sticky note · <kbd>Delete</kbd> · arrows move (<kbd>Shift</kbd> ×10) ·{' '}
        <kbd>[</kbd> <kbd>]</kbd> back / front · <kbd>+</kbd> <kbd>−</kbd> zoom · double-click or <kbd>Enter</kbd> edits text
      </p>
    </section>
  );
}
