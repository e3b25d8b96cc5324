import * as A from '@automerge/automerge';
import { DocumentError } from '../errors';
import { newId } from '../ids';
import type { BoardItem, ItemStyle, Shape, ShapeType, Stroke, WhiteboardDoc } from '../kinds';
import { SHAPE_TYPES } from '../kinds';
import { placeAt, rankAfterAll, rankBeforeAll, sortRanked } from '../ordering';

/**
 * Whiteboard operations. Mutators: call them inside `A.change` on the draft. Each writes only the
 * fields it changes (never re-assigns a whole item), so:
 * - two people moving the same item converge to one of the two moves (x and y are written together
 *   in one change, consecutively, so the same writer wins both);
 * - a move, resize or restyle concurrent with a delete leaves the item deleted (the edit lands on an
 *   object that is no longer in `items`);
 * - re-ordering writes only the item's `z` (a fractional index), so concurrent re-orders never
 *   duplicate or drop an item.
 * Mutators on an item that is not in the document throw `not-found`.
 */

export const DEFAULT_STYLE: ItemStyle = { color: '#1e1e1e', fill: null, width: 2, opacity: 1 };

export interface NewStroke {
  id?: string;
  points: number[];
  x?: number;
  y?: number;
  style?: Partial<ItemStyle>;
  createdBy?: string | null;
}

export interface NewShape {
  id?: string;
  type: ShapeType;
  x: number;
  y: number;
  width: number;
  height: number;
  rotation?: number;
  text?: string;
  style?: Partial<ItemStyle>;
  createdBy?: string | null;
}

/** Adds a freehand stroke on top of everything; returns its id. */
export function addStroke(d: WhiteboardDoc, stroke: NewStroke): string {
  const id = stroke.id ?? newId();
  checkPoints(stroke.points);
  if (d.items[id]) throw new DocumentError('invalid-argument', `item ${id} already exists; use a new id`);
  const item: Stroke = {
    id,
    type: 'stroke',
    z: topZ(d),
    x: finite(stroke.x ?? 0, 'x'),
    y: finite(stroke.y ?? 0, 'y'),
    points: [...stroke.points],
    scaleX: 1,
    scaleY: 1,
    style: style(stroke.style),
    createdBy: stroke.createdBy ?? null,
  };
  d.items[id] = item;
  return id;
}

/** Adds points to a stroke being drawn (flat `[x, y, ...]`, relative to the stroke's origin). */
export function appendPoints(d: WhiteboardDoc, id: string, points: number[]): void {
  checkPoints(points);
  const item = itemOf(d, id);
  if (item.type !== 'stroke') throw new DocumentError('invalid-argument', `item ${id} is a ${item.type}, not a stroke`);
  item.points.push(...points);
}

/** Adds a shape on top of everything; returns its id. */
export function addShape(d: WhiteboardDoc, shape: NewShape): string {
  const id = shape.id ?? newId();
  if (!SHAPE_TYPES.includes(shape.type)) throw new DocumentError('invalid-argument', `unknown shape type "${shape.type}"; use one of ${SHAPE_TYPES.join(', ')}`);
  if (d.items[id]) throw new DocumentError('invalid-argument', `item ${id} already exists; use a new id`);
  const item: Shape = {
    id,
    type: shape.type,
    z: topZ(d),
    x: finite(shape.x, 'x'),
    y: finite(shape.y, 'y'),
    width: finite(shape.width, 'width'),
    height: finite(shape.height, 'height'),
    rotation: finite(shape.rotation ?? 0, 'rotation'),
    text: shape.text === undefined ? '' : checkText(shape.text),
    style: style(shape.style),
    createdBy: shape.createdBy ?? null,
  };
  d.items[id] = item;
  return id;
}

/** Moves an item's origin to (`x`, `y`). */
export function moveItem(d: WhiteboardDoc, id: string, x: number, y: number): void {
  const item = itemOf(d, id);
  // x then y, always both, so concurrent moves resolve to the same writer for both fields.
  item.x = finite(x, 'x');
  item.y = finite(y, 'y');
}

/** Moves an item by (`dx`, `dy`) from where it is in this replica (arrow-key nudges); same merge rules as {@link moveItem}. */
export function nudgeItem(d: WhiteboardDoc, id: string, dx: number, dy: number): void {
  const item = itemOf(d, id);
  moveItem(d, id, item.x + finite(dx, 'dx'), item.y + finite(dy, 'dy'));
}

/** A point on the board. */
export interface BoardPoint {
  x: number;
  y: number;
}

/**
 * Sets the two ends of a line or arrow. A line is stored as a box whose origin (`x`, `y`) is the
 * start and whose `width`/`height` (either may be negative) reach the end, where an arrow has its
 * head; the four fields are written together, so concurrent end drags resolve to one writer.
 */
export function setLineEnds(d: WhiteboardDoc, id: string, start: BoardPoint, end: BoardPoint): void {
  const item = itemOf(d, id);
  if (item.type !== 'line' && item.type !== 'arrow') throw new DocumentError('invalid-argument', `item ${id} is a ${item.type}, not a line or arrow`);
  const [x, y, ex, ey] = [finite(start?.x, 'start.x'), finite(start?.y, 'start.y'), finite(end?.x, 'end.x'), finite(end?.y, 'end.y')];
  item.x = x;
  item.y = y;
  item.width = ex - x;
  item.height = ey - y;
}

/** Where a line or arrow starts and ends (the arrow's head is at `end`). */
export function lineEnds(item: Shape): { start: BoardPoint; end: BoardPoint } {
  return { start: { x: item.x, y: item.y }, end: { x: item.x + item.width, y: item.y + item.height } };
}

/** Sets a shape's box, or a stroke's scale (`width`/`height` are then scale factors). Omitted fields are kept. */
export function resizeItem(d: WhiteboardDoc, id: string, box: { x?: number; y?: number; width: number; height: number }): void {
  const item = itemOf(d, id);
  if (box.x !== undefined || box.y !== undefined) {
    item.x = finite(box.x ?? item.x, 'x');
    item.y = finite(box.y ?? item.y, 'y');
  }
  if (item.type === 'stroke') {
    item.scaleX = finite(box.width, 'width');
    item.scaleY = finite(box.height, 'height');
  } else {
    item.width = finite(box.width, 'width');
    item.height = finite(box.height, 'height');
  }
}

export function rotateItem(d: WhiteboardDoc, id: string, degrees: number): void {
  const item = itemOf(d, id);
  if (item.type === 'stroke') throw new DocumentError('invalid-argument', `strokes cannot be rotated (item ${id})`);
  item.rotation = finite(degrees, 'rotation');
}

/** Changes some style fields; each field is its own register, so concurrent restyles of different fields all apply. */
export function restyleItem(d: WhiteboardDoc, id: string, patch: Partial<ItemStyle>): void {
  const item = itemOf(d, id);
  for (const [key, value] of Object.entries(patch) as [keyof ItemStyle, ItemStyle[keyof ItemStyle]][]) {
    if (value === undefined || item.style[key] === value) continue;
    if (typeof value === 'number') finite(value, key);
    (item.style as unknown as Record<string, unknown>)[key] = value;
  }
}

/** Sets a shape's text (text shapes, sticky notes) as a minimal text edit, so concurrent typing merges. */
export function setShapeText(d: WhiteboardDoc, id: string, text: string): void {
  const item = itemOf(d, id);
  if (item.type === 'stroke') throw new DocumentError('invalid-argument', `strokes have no text (item ${id})`);
  A.updateText(d, ['items', id, 'text'], checkText(text));
}

export function bringToFront(d: WhiteboardDoc, id: string): void {
  const item = itemOf(d, id);
  const others = Object.values(d.items).filter((i) => i.id !== id);
  if (others.every((o) => o.z < item.z || (o.z === item.z && o.id < id))) return;
  item.z = rankAfterAll(others.map((o) => o.z));
}

export function sendToBack(d: WhiteboardDoc, id: string): void {
  const item = itemOf(d, id);
  const others = Object.values(d.items).filter((i) => i.id !== id);
  if (others.every((o) => o.z > item.z || (o.z === item.z && o.id > id))) return;
  item.z = rankBeforeAll(others.map((o) => o.z));
}

/** Puts an item at position `index` of the drawing order (0 = bottom) among the others. */
export function reorderItem(d: WhiteboardDoc, id: string, index: number): void {
  itemOf(d, id);
  const siblings = Object.values(d.items).map((i) => ({ id: i.id, rank: i.z }));
  for (const [which, z] of placeAt(siblings, id, index)) d.items[which].z = z;
}

export function deleteItem(d: WhiteboardDoc, id: string): void {
  itemOf(d, id);
  delete d.items[id];
}

/** Items bottom to top (the drawing order), as plain objects. */
export function itemsInOrder(doc: WhiteboardDoc): BoardItem[] {
  // The map key is the id (an item's own `id` field could have been written wrong by a peer).
  const entries = Object.entries(doc.items ?? {}).filter(([, i]) => i && typeof i === 'object');
  return sortRanked(entries.map(([id, item]) => ({ id, rank: item.z, item }))).map((r) => (r.item.id === r.id ? r.item : { ...r.item, id: r.id }));
}

export function itemOf(d: WhiteboardDoc, id: string): BoardItem {
  const item = d.items[id];
  if (!item) throw new DocumentError('not-found', `whiteboard item ${id} is not on the board (deleted, perhaps by someone else)`);
  return item;
}

function topZ(d: WhiteboardDoc): string {
  return rankAfterAll(Object.values(d.items).map((i) => i.z));
}

function style(patch: Partial<ItemStyle> = {}): ItemStyle {
  const out: ItemStyle = { ...DEFAULT_STYLE };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}

function checkText(t: unknown): string {
  if (typeof t !== 'string') throw new DocumentError('invalid-argument', `shape text must be a string, got ${t === null ? 'null' : typeof t}`);
  return t;
}

function checkPoints(points: number[]): void {
  if (!Array.isArray(points) || points.length % 2 !== 0 || !points.every(Number.isFinite)) {
    throw new DocumentError('invalid-argument', 'stroke points must be a flat array of finite numbers [x0, y0, x1, y1, ...]');
  }
}

function finite(n: number, what: string): number {
  if (!Number.isFinite(n)) throw new DocumentError('invalid-argument', `${what} must be a finite number, got ${n}`);
  return n;
}
