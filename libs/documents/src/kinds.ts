import type * as A from '@automerge/automerge';

/** The kinds of collaborative document Tandem stores. */
export type DocKind = 'counter' | 'richtext' | 'whiteboard' | 'kanban';

export const DOC_KINDS: readonly DocKind[] = ['counter', 'richtext', 'whiteboard', 'kanban'];

/** The schema version this code writes and fully understands, per kind. */
export const CURRENT_SCHEMA: Readonly<Record<DocKind, number>> = { counter: 1, richtext: 1, whiteboard: 1, kanban: 1 };

export function isDocKind(value: unknown): value is DocKind {
  return typeof value === 'string' && (DOC_KINDS as readonly string[]).includes(value);
}

/** Root fields every kind has: what it is and which schema version wrote its structure. */
interface DocRoot<K extends DocKind> {
  kind: K;
  /** Raised only by a migration; readers refuse versions above {@link CURRENT_SCHEMA}. */
  schema: number;
}

// ---- counter ---------------------------------------------------------------------------------

export interface CounterDoc extends DocRoot<'counter'> {
  count: A.Counter;
}

// ---- rich text -------------------------------------------------------------------------------

/**
 * Rich text: one Automerge text object. Paragraph structure is Automerge block markers inside the
 * text (each marker is one position, `\uFFFC` in the raw string); formatting is Automerge marks.
 * Text before the first block marker is an implicit paragraph, so a document with no markers is
 * plain text and positions equal plain-text offsets (UTF-16 code units).
 */
export interface RichTextDoc extends DocRoot<'richtext'> {
  text: string;
}

// ---- whiteboard ------------------------------------------------------------------------------

export type ShapeType = 'rectangle' | 'ellipse' | 'line' | 'arrow' | 'text' | 'sticky';
export const SHAPE_TYPES: readonly ShapeType[] = ['rectangle', 'ellipse', 'line', 'arrow', 'text', 'sticky'];

/** Visual style; every field is its own last-writer-wins register. */
export interface ItemStyle {
  /** Outline / stroke colour, CSS colour string. */
  color: string;
  /** Fill colour (shapes), `null` for none. */
  fill: string | null;
  /** Line width in board units. */
  width: number;
  opacity: number;
  fontSize?: number;
}

interface ItemBase {
  id: string;
  /** Fractional index (see ordering.ts); items are drawn in ascending `z`, ties broken by id. */
  z: string;
  /** Position of the item's origin in board units. Moves set `x` then `y` in one change. */
  x: number;
  y: number;
  style: ItemStyle;
  createdBy: string | null;
}

/** A freehand stroke: `points` are flat `[x0, y0, x1, y1, ...]` relative to (`x`, `y`). */
export interface Stroke extends ItemBase {
  type: 'stroke';
  points: number[];
  /** Resizing a stroke scales it about (`x`, `y`) instead of rewriting its points. */
  scaleX: number;
  scaleY: number;
}

/**
 * A shape in the box (`x`, `y`, `width`, `height`). For `line` and `arrow` the box is the vector
 * from (`x`, `y`) to (`x + width`, `y + height`), so width and height may be negative.
 */
export interface Shape extends ItemBase {
  type: ShapeType;
  width: number;
  height: number;
  /** Degrees, clockwise. */
  rotation: number;
  /** Collaborative text (text shapes, sticky notes, labels on other shapes). */
  text: string;
}

export type BoardItem = Stroke | Shape;

export interface WhiteboardDoc extends DocRoot<'whiteboard'> {
  items: { [id: string]: BoardItem };
}

// ---- kanban ----------------------------------------------------------------------------------

export interface KanbanColumn {
  id: string;
  title: string;
  /** Fractional index: columns are shown in ascending rank, ties broken by id. */
  rank: string;
}

/**
 * Where a card is. Always written as a whole new object (never field by field), so it is ONE
 * register: concurrent moves of the same card resolve to exactly one of them.
 */
export interface CardPlace {
  columnId: string;
  rank: string;
}

export interface KanbanCard {
  id: string;
  title: string;
  description: string;
  /** A set: user id -> true (concurrent adds and removes of different users all survive). */
  assignees: { [userId: string]: true };
  /** A set: label -> true. */
  labels: { [label: string]: true };
  /** ISO date (`YYYY-MM-DD`) or full timestamp, `null` when none. */
  due: string | null;
  place: CardPlace;
  createdBy: string | null;
}

export interface KanbanDoc extends DocRoot<'kanban'> {
  columns: { [id: string]: KanbanColumn };
  cards: { [id: string]: KanbanCard };
}

// ---- all kinds -------------------------------------------------------------------------------

export interface DocOfKind {
  counter: CounterDoc;
  richtext: RichTextDoc;
  whiteboard: WhiteboardDoc;
  kanban: KanbanDoc;
}

export type AnyDoc = CounterDoc | RichTextDoc | WhiteboardDoc | KanbanDoc;
