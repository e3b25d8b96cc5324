import type { BoardItem, Shape } from '@tandem/documents';
import { whiteboard } from '@tandem/documents';
import { arrowHead, boundsOf, CORNERS, cornerOf, describe, isLine } from './geometry';

/**
 * One item of the board as SVG. The element carrying `data-item` and `data-type` is the item for
 * pointer hit-testing and keyboard focus (Tab reaches every item; focus selects it). Thin things
 * (strokes, lines) get a wider invisible hit area so they can be picked with a finger.
 */
export function BoardItemView({ item, editing }: { item: BoardItem; editing: boolean }) {
  const s = item.style;
  const common = { 'data-item': item.id, 'data-type': item.type, tabindex: 0, role: 'img' as const, 'aria-roledescription': 'board item', 'aria-label': describe(item), opacity: s.opacity };
  if (item.type === 'stroke') {
    const pts = item.points;
    let d = '';
    for (let i = 0; i + 1 < pts.length; i += 2) d += `${i ? 'L' : 'M'}${item.x + pts[i]! * item.scaleX},${item.y + pts[i + 1]! * item.scaleY}`;
    return (
      <>
        <path {...common} d={d} stroke={s.color} stroke-width={s.width} fill="none" stroke-linecap="round" stroke-linejoin="round" />
        <path class="wb-hit" data-item={item.id} d={d} stroke-width={Math.max(14, s.width + 10)} stroke-linecap="round" stroke-linejoin="round" />
      </>
    );
  }
  if (item.type === 'ellipse') return <ellipse {...common} cx={item.x + item.width / 2} cy={item.y + item.height / 2} rx={Math.abs(item.width / 2)} ry={Math.abs(item.height / 2)} stroke={s.color} stroke-width={s.width} fill={s.fill ?? 'transparent'} />;
  if (item.type === 'rectangle') {
    const b = boundsOf(item);
    return <rect {...common} x={b.x} y={b.y} width={b.width} height={b.height} rx="6" stroke={s.color} stroke-width={s.width} fill={s.fill ?? 'transparent'} />;
  }
  if (isLine(item)) return <LineView item={item as Shape} common={common} />;
  const shape = item as Shape;
  const b = boundsOf(item);
  if (item.type === 'sticky') {
    return (
      <g {...common} class="wb-sticky">
        <rect x={b.x} y={b.y} width={b.width} height={b.height} rx="4" fill={s.fill ?? '#fff3a8'} stroke={s.color} stroke-opacity="0.35" stroke-width="1" filter="url(#wb-shadow)" />
        <rect x={b.x} y={b.y} width={b.width} height="6" rx="3" fill={s.color} opacity="0.5" />
        <foreignObject x={b.x} y={b.y + 6} width={b.width} height={Math.max(0, b.height - 6)}>
          <div class="wb-note-text">{editing ? '' : shape.text}</div>
        </foreignObject>
      </g>
    );
  }
  return (
    <g {...common} class="wb-text-shape">
      <rect x={b.x} y={b.y} width={b.width} height={b.height} fill="transparent" />
      <foreignObject x={b.x} y={b.y} width={b.width} height={b.height}>
        <div class="wb-text" style={{ color: s.color }} data-empty={shape.text ? undefined : ''}>
          {editing ? '' : shape.text || 'Empty text'}
        </div>
      </foreignObject>
    </g>
  );
}

function LineView({ item, common }: { item: Shape; common: Record<string, unknown> }) {
  const s = item.style;
  const { start, end } = whiteboard.lineEnds(item);
  const head = item.type === 'arrow' ? arrowHead(start, end, s.width) : null;
  const shaft = head ? head.shaftEnd : end;
  return (
    <g {...common} class="wb-line">
      <line class="wb-hit" x1={start.x} y1={start.y} x2={end.x} y2={end.y} stroke-width={Math.max(14, s.width + 10)} stroke-linecap="round" />
      <line x1={start.x} y1={start.y} x2={shaft.x} y2={shaft.y} stroke={s.color} stroke-width={s.width} stroke-linecap="round" />
      {head && <polygon class="wb-arrowhead" points={head.points} fill={s.color} stroke={s.color} stroke-width={Math.min(2, s.width)} stroke-linejoin="round" />}
    </g>
  );
}

/** The selection frame: corner handles on boxes and strokes, end handles on lines and arrows; sized in screen pixels (`unit` board units each). */
export function SelectionView({ item, unit, editable }: { item: BoardItem; unit: number; editable: boolean }) {
  const handle = 10 * unit;
  if (isLine(item)) {
    const { start, end } = whiteboard.lineEnds(item as Shape);
    return (
      <g class="selection" aria-hidden="true">
        <line x1={start.x} y1={start.y} x2={end.x} y2={end.y} stroke-width={1.5 * unit} />
        {editable &&
          ([['start', start], ['end', end]] as const).map(([which, p]) => <circle key={which} class="handle" data-handle={which} cx={p.x} cy={p.y} r={handle * 0.65} stroke-width={1.5 * unit} />)}
      </g>
    );
  }
  const b = boundsOf(item);
  const pad = 4 * unit;
  const frame = { x: b.x - pad, y: b.y - pad, width: b.width + 2 * pad, height: b.height + 2 * pad };
  return (
    <g class="selection" aria-hidden="true">
      <rect x={frame.x} y={frame.y} width={frame.width} height={frame.height} stroke-width={1.5 * unit} stroke-dasharray={`${4 * unit} ${3 * unit}`} />
      {editable &&
        CORNERS.map((corner) => {
          const c = cornerOf(frame, corner);
          return <rect key={corner} class="handle" data-handle={corner} data-corner={corner} x={c.x - handle / 2} y={c.y - handle / 2} width={handle} height={handle} rx={2 * unit} stroke-width={1.5 * unit} aria-label="Resize" />;
        })}
    </g>
  );
}
