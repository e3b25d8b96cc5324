import type { BoardItem, Shape, Stroke } from '@tandem/documents';

/** The board's coordinate space (the SVG viewBox); every replica draws in these units. */
export const BOARD = { width: 1000, height: 600 } as const;

/** A point on the board. */
export interface Point {
  x: number;
  y: number;
}

/** An axis-aligned box with a non-negative width and height. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The four resize handles of a box; a line or arrow has one at each end instead. */
export type Corner = 'nw' | 'ne' | 'sw' | 'se';
export type LineEnd = 'start' | 'end';
export const CORNERS: readonly Corner[] = ['nw', 'ne', 'sw', 'se'];

/** Smallest box a resize or a click-sized shape leaves, in board units. */
export const MIN_SIZE = 8;

/** Lines and arrows are drawn between two ends; the other shapes fill their box. */
export const isLine = (item: BoardItem): boolean => item.type === 'line' || item.type === 'arrow';
/** Text shapes and sticky notes carry text edited in place. */
export const hasText = (item: BoardItem): boolean => item.type === 'text' || item.type === 'sticky';

/** The box spanned by two points. */
export function boxOf(a: Point, b: Point): Box {
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(b.x - a.x), height: Math.abs(b.y - a.y) };
}

/** The unscaled extent of a stroke's points, relative to its origin. */
function strokeExtent(s: Stroke): { minX: number; minY: number; maxX: number; maxY: number } {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i + 1 < s.points.length; i += 2) {
    minX = Math.min(minX, s.points[i]!);
    maxX = Math.max(maxX, s.points[i]!);
    minY = Math.min(minY, s.points[i + 1]!);
    maxY = Math.max(maxY, s.points[i + 1]!);
  }
  return Number.isFinite(minX) ? { minX, minY, maxX, maxY } : { minX: 0, minY: 0, maxX: 0, maxY: 0 };
}

/** Where an item is drawn: its bounding box on the board. */
export function boundsOf(item: BoardItem): Box {
  if (item.type === 'stroke') {
    const e = strokeExtent(item);
    return boxOf({ x: item.x + e.minX * item.scaleX, y: item.y + e.minY * item.scaleY }, { x: item.x + e.maxX * item.scaleX, y: item.y + e.maxY * item.scaleY });
  }
  return boxOf({ x: item.x, y: item.y }, { x: item.x + item.width, y: item.y + item.height });
}

const opposite: Record<Corner, Corner> = { nw: 'se', ne: 'sw', sw: 'ne', se: 'nw' };

/** The position of a corner of a box. */
export function cornerOf(box: Box, corner: Corner): Point {
  return { x: corner.endsWith('w') ? box.x : box.x + box.width, y: corner.startsWith('n') ? box.y : box.y + box.height };
}

/**
 * The arguments of `whiteboard.resizeItem` that make `item` (whose box was `start` when the drag
 * began) fill the box from the corner opposite the dragged one to the pointer. A stroke keeps its
 * points and changes its scale, its origin moved so that the opposite corner stays put.
 */
export function resizeTo(item: BoardItem, start: Box, corner: Corner, p: Point): { x: number; y: number; width: number; height: number } {
  const anchor = cornerOf(start, opposite[corner]);
  const box = boxOf(anchor, p);
  box.width = Math.max(MIN_SIZE, box.width);
  box.height = Math.max(MIN_SIZE, box.height);
  if (p.x < anchor.x) box.x = anchor.x - box.width;
  if (p.y < anchor.y) box.y = anchor.y - box.height;
  if (item.type !== 'stroke') return box;
  const e = strokeExtent(item);
  const spanX = e.maxX - e.minX;
  const spanY = e.maxY - e.minY;
  // A straight horizontal or vertical stroke has no extent along one axis: keep that scale.
  const scaleX = spanX > 0 ? box.width / spanX : item.scaleX;
  const scaleY = spanY > 0 ? box.height / spanY : item.scaleY;
  return { x: box.x - e.minX * scaleX, y: box.y - e.minY * scaleY, width: scaleX, height: scaleY };
}

/** `p` moved so that the segment from `from` points at a multiple of 15° (Shift while drawing a line). */
export function snapAngle(from: Point, p: Point): Point {
  const length = Math.hypot(p.x - from.x, p.y - from.y);
  const step = Math.PI / 12;
  const angle = Math.round(Math.atan2(p.y - from.y, p.x - from.x) / step) * step;
  return { x: Math.round(from.x + Math.cos(angle) * length), y: Math.round(from.y + Math.sin(angle) * length) };
}

/**
 * An arrowhead at `end` for a line of `width` coming from `start`: the triangle's three points
 * (as an SVG `points` string) and where the shaft should stop so it does not poke through the tip.
 */
export function arrowHead(start: Point, end: Point, width: number): { points: string; shaftEnd: Point } {
  const length = Math.hypot(end.x - start.x, end.y - start.y) || 1;
  const [ux, uy] = [(end.x - start.x) / length, (end.y - start.y) / length];
  const size = Math.min(length, 10 + width * 2.5);
  const half = size * 0.55;
  const base = { x: end.x - ux * size, y: end.y - uy * size };
  const corners = [end, { x: base.x - uy * half, y: base.y + ux * half }, { x: base.x + uy * half, y: base.y - ux * half }];
  return { points: corners.map((c) => `${round(c.x)},${round(c.y)}`).join(' '), shaftEnd: { x: end.x - ux * size * 0.7, y: end.y - uy * size * 0.7 } };
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * Sticky-note paper for each ink colour of the palette: the note keeps the ink as its `color`
 * (border and text accent) and the paper as its `fill`.
 */
export const STICKY_PAPER: Record<string, string> = {
  '#1e1e1e': '#fff3a8',
  '#e5484d': '#ffd9d9',
  '#5b5bd6': '#dfe0ff',
  '#12a594': '#c8f1e6',
  '#f76b15': '#ffe2c6',
};

/** The style a new item (or a restyle) gets from the chosen ink colour and line width. */
export function styleFor(type: BoardItem['type'], colour: string, width: number): { color: string; fill: string | null; width: number } {
  if (type === 'sticky') return { color: colour, fill: STICKY_PAPER[colour] ?? '#fff3a8', width: 1 };
  if (type === 'rectangle' || type === 'ellipse') return { color: colour, fill: `${colour}22`, width };
  return { color: colour, fill: null, width };
}

/** The label a screen reader gives an item. */
export function describe(item: BoardItem): string {
  const kind = { stroke: 'Drawing', rectangle: 'Rectangle', ellipse: 'Ellipse', line: 'Line', arrow: 'Arrow', text: 'Text', sticky: 'Sticky note' }[item.type] ?? item.type;
  const text = hasText(item) ? (item as Shape).text : '';
  return text ? `${kind}: ${text}` : kind;
}
