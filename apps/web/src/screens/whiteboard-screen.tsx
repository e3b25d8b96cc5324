import type { BoardItem } from '@tandem/documents';
import { whiteboard } from '@tandem/documents';
import type { DocHandle } from '@tandem/sdk';
import { useEffect, useRef, useState } from 'preact/hooks';
import { DocHeader } from '../components/doc-header';
import { useDocument } from '../lib/open-doc';
import { colourOf, Workspace } from '../lib/workspace';
import { HistoryPanel } from './history-panel';

type Tool = 'select' | 'pen' | 'rectangle' | 'ellipse';
const TOOLS: Array<[Tool, string]> = [
  ['select', 'Select'],
  ['pen', 'Pen'],
  ['rectangle', 'Rectangle'],
  ['ellipse', 'Ellipse'],
];
const COLOURS = ['#1e1e1e', '#e5484d', '#5b5bd6', '#12a594', '#f76b15'];

/** A whiteboard: draw, add shapes, select, move, resize and delete, with everyone's cursors live. */
export function WhiteboardScreen({ ws, docId, title }: { ws: Workspace; docId: string; title: string }) {
  const { handle, error, roster } = useDocument(ws, docId, 'whiteboard');
  const [history, setHistory] = useState(false);
  return (
    <div class="screen wide">
      <DocHeader ws={ws} docId={docId} kind="Whiteboard" title={title} roster={roster} status={handle?.status} pending={handle?.pending} ready={!!handle} onHistory={() => setHistory(!history)} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class={history ? 'with-panel' : ''}>
        {handle ? <Canvas ws={ws} handle={handle} /> : <p class="muted">Opening…</p>}
        {history && handle && <HistoryPanel handle={handle} onClose={() => setHistory(false)} />}
      </div>
    </div>
  );
}

type Gesture = { kind: 'draw'; id: string; x: number; y: number } | { kind: 'shape'; id: string; x: number; y: number } | { kind: 'move'; id: string; dx: number; dy: number } | { kind: 'resize'; id: string };

function Canvas({ ws, handle }: { ws: Workspace; handle: DocHandle<'whiteboard'> }) {
  const svg = useRef<SVGSVGElement>(null);
  const [tool, setTool] = useState<Tool>('pen');
  const [colour, setColour] = useState(COLOURS[2]!);
  const [selected, setSelected] = useState<string | null>(null);
  const gesture = useRef<Gesture | null>(null);
  const [cursors, setCursors] = useState<Map<string, { name: string; x: number; y: number }>>(new Map());
  const items = whiteboard.itemsInOrder(handle.doc);
  const edit = (mutate: Parameters<typeof handle.change>[0]) => {
    try {
      handle.change(mutate);
    } catch (e) {
      ws.toast('Not changed', (e as Error).message);
    }
  };
  useEffect(
    () =>
      ws.client.presence.onCursor(handle.docId, ({ userId, name, cursor }) => {
        if (userId === ws.session.userId || cursor.x === undefined || cursor.y === undefined) return;
        setCursors((m) => new Map(m).set(userId, { name, x: cursor.x!, y: cursor.y! }));
      }),
    [handle],
  );
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!selected || (e.key !== 'Delete' && e.key !== 'Backspace') || (e.target as HTMLElement).tagName === 'INPUT') return;
      edit((d) => whiteboard.deleteItem(d, selected));
      setSelected(null);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [selected]);

  const point = (e: PointerEvent) => {
    const box = svg.current!.getBoundingClientRect();
    return { x: Math.round(((e.clientX - box.left) / box.width) * 1000), y: Math.round(((e.clientY - box.top) / box.width) * 1000) };
  };
  const down = (e: PointerEvent) => {
    const p = point(e);
    const target = (e.target as Element).closest<SVGElement>('[data-item]');
    (e.currentTarget as Element).setPointerCapture(e.pointerId);
    if ((e.target as Element).classList.contains('handle') && selected) gesture.current = { kind: 'resize', id: selected };
    else if (tool === 'select') {
      const id = target?.dataset.item ?? null;
      setSelected(id);
      const item = id ? handle.doc.items[id] : null;
      gesture.current = item ? { kind: 'move', id: id!, dx: p.x - item.x, dy: p.y - item.y } : null;
    } else if (tool === 'pen') {
      let id = '';
      edit((d) => (id = whiteboard.addStroke(d, { x: p.x, y: p.y, points: [0, 0], style: { color: colour, width: 4 }, createdBy: ws.session.userId })));
      gesture.current = { kind: 'draw', id, x: p.x, y: p.y };
    } else {
      let id = '';
      edit((d) => (id = whiteboard.addShape(d, { type: tool, x: p.x, y: p.y, width: 1, height: 1, style: { color: colour, fill: `${colour}22`, width: 3 }, createdBy: ws.session.userId })));
      gesture.current = { kind: 'shape', id, x: p.x, y: p.y };
    }
  };
  const move = (e: PointerEvent) => {
    const p = point(e);
    ws.client.presence.moveCursor(handle.docId, p);
    const g = gesture.current;
    if (!g) return;
    if (g.kind === 'draw') edit((d) => whiteboard.appendPoints(d, g.id, [p.x - g.x, p.y - g.y]));
    else if (g.kind === 'shape') edit((d) => whiteboard.resizeItem(d, g.id, { x: Math.min(g.x, p.x), y: Math.min(g.y, p.y), width: Math.max(1, Math.abs(p.x - g.x)), height: Math.max(1, Math.abs(p.y - g.y)) }));
    else if (g.kind === 'move') edit((d) => whiteboard.moveItem(d, g.id, p.x - g.dx, p.y - g.dy));
    else {
      const item = handle.doc.items[g.id];
      if (item && item.type !== 'stroke') edit((d) => whiteboard.resizeItem(d, g.id, { width: Math.max(4, p.x - item.x), height: Math.max(4, p.y - item.y) }));
    }
  };
  const up = () => {
    if (gesture.current?.kind === 'shape') setSelected(gesture.current.id);
    gesture.current = null;
  };
  const sel = selected ? handle.doc.items[selected] : undefined;
  return (
    <section class="card flush whiteboard">
      <div class="wb-toolbar" role="toolbar" aria-label="Drawing tools">
        {TOOLS.map(([t, label]) => (
          <button key={t} aria-pressed={tool === t} onClick={() => setTool(t)}>
            {label}
          </button>
        ))}
        <span class="wb-sep" />
        {COLOURS.map((c) => (
          <button key={c} class="swatch" aria-label={`Colour ${c}`} aria-pressed={colour === c} style={{ background: c }} onClick={() => setColour(c)} />
        ))}
        <span class="wb-sep" />
        <button disabled={!selected} onClick={() => selected && (edit((d) => whiteboard.deleteItem(d, selected)), setSelected(null))}>
          Delete
        </button>
        <span class="muted small wb-count">{items.length} item{items.length === 1 ? '' : 's'}</span>
      </div>
      <svg ref={svg} class="wb-canvas" viewBox="0 0 1000 600" data-tool={tool} onPointerDown={down} onPointerMove={move} onPointerUp={up} role="img" aria-label="Whiteboard">
        <defs>
          <pattern id="wb-dots" width="20" height="20" patternUnits="userSpaceOnUse">
            <circle cx="1" cy="1" r="1" fill="#d5d7e6" />
          </pattern>
        </defs>
        <rect width="1000" height="600" fill="url(#wb-dots)" />
        {items.map((item) => (
          <Item key={item.id} item={item} />
        ))}
        {sel && sel.type !== 'stroke' && (
          <g class="selection">
            <rect x={sel.x - 4} y={sel.y - 4} width={sel.width + 8} height={sel.height + 8} />
            <rect class="handle" x={sel.x + sel.width - 5} y={sel.y + sel.height - 5} width="10" height="10" aria-label="Resize" />
          </g>
        )}
        {[...cursors.entries()].map(([userId, c]) => (
          <g key={userId} class="wb-cursor" data-user={userId} transform={`translate(${c.x} ${c.y})`}>
            <path d="M0 0 L0 16 L4.5 12 L8 19 L10.5 18 L7 11 L13 11 Z" fill={colourOf(userId)} stroke="white" stroke-width="1" />
            <text x="14" y="24" fill={colourOf(userId)}>
              {c.name}
            </text>
          </g>
        ))}
      </svg>
    </section>
  );
}

function Item({ item }: { item: BoardItem }) {
  const s = item.style;
  if (item.type === 'stroke') {
    const pts = item.points;
    let d = '';
    for (let i = 0; i + 1 < pts.length; i += 2) d += `${i ? 'L' : 'M'}${item.x + pts[i]! * item.scaleX},${item.y + pts[i + 1]! * item.scaleY}`;
    return <path data-item={item.id} data-type="stroke" d={d} stroke={s.color} stroke-width={s.width} fill="none" stroke-linecap="round" stroke-linejoin="round" opacity={s.opacity} />;
  }
  if (item.type === 'ellipse') return <ellipse data-item={item.id} data-type="ellipse" cx={item.x + item.width / 2} cy={item.y + item.height / 2} rx={Math.abs(item.width / 2)} ry={Math.abs(item.height / 2)} stroke={s.color} stroke-width={s.width} fill={s.fill ?? 'none'} opacity={s.opacity} />;
  return <rect data-item={item.id} data-type={item.type} x={item.x} y={item.y} width={Math.abs(item.width)} height={Math.abs(item.height)} rx="6" stroke={s.color} stroke-width={s.width} fill={s.fill ?? 'none'} opacity={s.opacity} />;
}
