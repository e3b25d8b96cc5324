import * as A from '@automerge/automerge';
import { DocumentError } from '../errors';
import type { RichTextDoc } from '../kinds';

/**
 * Rich-text operations. Every function here is a MUTATOR: call it inside `A.change(doc, opts, d => ...)`
 * on the draft `d` (several in one change make one atomic edit). Positions are indices into the raw
 * text (UTF-16 code units, each block marker counts as one), or Automerge cursors from
 * {@link cursorAt}, which stay attached to the same character under remote edits.
 */

export const TEXT_PATH: A.Prop[] = ['text'];

/** An index into the raw text, or a cursor (resolved when the mutator runs). */
export type Position = number | A.Cursor;

export type BlockType = 'paragraph' | 'heading' | 'ordered-list-item' | 'unordered-list-item' | 'blockquote' | 'code-block';
export const BLOCK_TYPES: readonly BlockType[] = ['paragraph', 'heading', 'ordered-list-item', 'unordered-list-item', 'blockquote', 'code-block'];

/**
 * A block marker's value. Same shape as automerge-prosemirror's (`type`, `parents`, `attrs`), so an
 * editor binding built for it reads these documents: `parents` nests list items
 * (e.g. `['unordered-list-item']` for an item inside another list), `attrs.level` is a heading level.
 */
export interface Block {
  type: BlockType;
  parents: BlockType[];
  attrs: { level?: number; [attr: string]: A.MaterializeValue | undefined };
}

export type MarkName = 'bold' | 'italic' | 'code' | 'link';
export const MARK_NAMES: readonly MarkName[] = ['bold', 'italic', 'code', 'link'];

/**
 * How each mark grows when text is typed at its edges (Peritext rules): typing right after bold or
 * italic text continues it; code and links do not grow (typing after a link is not part of it).
 */
export const MARK_EXPAND: Readonly<Record<MarkName, A.MarkRange['expand']>> = {
  bold: 'after',
  italic: 'after',
  code: 'none',
  link: 'none',
};

export interface Range {
  start: Position;
  end: Position;
}

export function paragraph(): Block {
  return { type: 'paragraph', parents: [], attrs: {} };
}

export function heading(level: number): Block {
  if (!Number.isInteger(level) || level < 1 || level > 6) throw new DocumentError('invalid-argument', `heading level must be 1..6, got ${level}`);
  return { type: 'heading', parents: [], attrs: { level } };
}

export function listItem(ordered: boolean, depth = 0): Block {
  const type: BlockType = ordered ? 'ordered-list-item' : 'unordered-list-item';
  return { type, parents: Array.from({ length: depth }, () => type), attrs: {} };
}

/** Inserts `text` at `at`. */
export function insertText(d: RichTextDoc, at: Position, text: string): void {
  if (text.length === 0) return;
  splice(d, indexOf(d, at), 0, text);
}

/** Deletes `count` characters starting at `at` (negative `count` deletes before `at`). */
export function deleteText(d: RichTextDoc, at: Position, count: number): void {
  if (count === 0) return;
  if (!Number.isInteger(count)) throw new DocumentError('invalid-argument', `count must be an integer, got ${count}`);
  const index = indexOf(d, at);
  if (count > 0) splice(d, index, count);
  else splice(d, index + count, -count);
}

/** Replaces the characters in `range` with `text` (typing over a selection). */
export function replaceText(d: RichTextDoc, range: Range, text: string): void {
  const { start, end } = resolveRange(d, range);
  splice(d, start, end - start, text);
}

function splice(d: RichTextDoc, index: number, del: number, text?: string): void {
  try {
    A.splice(d, TEXT_PATH, index, del, text);
  } catch (e) {
    throw new DocumentError('invalid-argument', `cannot edit the text at ${index} (deleting ${del}): ${(e as Error).message}; positions run from 0 to the text's length`);
  }
}

/**
 * Starts a new block at `at` (the Enter key): inserts a block marker there, so the text after `at`
 * belongs to a new block of the given type. Returns the marker's index.
 */
export function splitBlock(d: RichTextDoc, at: Position, block: Block = paragraph()): number {
  const index = indexOf(d, at);
  A.splitBlock(d, TEXT_PATH, index, toValue(block));
  return index;
}

/**
 * Sets the type of the block that contains position `at` (paragraph -> heading, list item, ...).
 * The implicit first paragraph (text before any marker) gets a marker at 0.
 */
export function setBlock(d: RichTextDoc, at: Position, block: Block): void {
  let marker = blockMarkerBefore(d, indexOf(d, at));
  // Position 0 of a text that opens with a marker belongs to that first block, not to an empty one before it.
  if (marker === null && d.text.startsWith(BLOCK_MARKER) && A.block(d, TEXT_PATH, 0) !== null) marker = 0;
  if (marker === null) A.splitBlock(d, TEXT_PATH, 0, toValue(block));
  else A.updateBlock(d, TEXT_PATH, marker, toValue(block));
}

/** Removes the block marker at `markerIndex` (Backspace at the start of a block): its text joins the block before. */
export function joinBlock(d: RichTextDoc, markerIndex: Position): void {
  const index = indexOf(d, markerIndex);
  if (A.block(d, TEXT_PATH, index) === null) throw new DocumentError('invalid-argument', `there is no block marker at ${index}; pass the index of the marker (see blockMarkerBefore)`);
  A.joinBlock(d, TEXT_PATH, index);
}

/** Formats `range` with a mark: `bold`, `italic`, `code` (value true) or `link` (value = URL). */
export function addMark(d: RichTextDoc, range: Range, name: MarkName, value: string | true = true): void {
  if (name === 'link' && (typeof value !== 'string' || value.length === 0)) throw new DocumentError('invalid-argument', 'a link mark needs its URL as the value');
  const { start, end } = resolveRange(d, range);
  if (start === end) return;
  A.mark(d, TEXT_PATH, { start, end, expand: MARK_EXPAND[name] }, name, value);
}

/** Removes a mark from `range`. */
export function removeMark(d: RichTextDoc, range: Range, name: MarkName): void {
  const { start, end } = resolveRange(d, range);
  if (start === end) return;
  A.unmark(d, TEXT_PATH, { start, end, expand: MARK_EXPAND[name] }, name);
}

/** Bold/italic/code on `range`: removes the mark if it covers the whole range, adds it otherwise (the toolbar button). */
/** Returns whether the mark is now on. */
export function toggleMark(d: RichTextDoc, range: Range, name: Exclude<MarkName, 'link'>): boolean {
  const { start, end } = resolveRange(d, range);
  if (start === end) return false;
  let index = 0;
  let all = true;
  for (const span of A.spans(d, TEXT_PATH)) {
    const length = span.type === 'block' ? 1 : span.value.length;
    if (span.type === 'text' && index < end && index + length > start && span.marks?.[name] !== true) all = false;
    index += length;
  }
  if (all) removeMark(d, { start, end }, name);
  else addMark(d, { start, end }, name);
  return !all;
}

/** Index of the block marker governing position `index` (the last marker before it), or `null` for the implicit first paragraph. */
export function blockMarkerBefore(doc: RichTextDoc, index: number): number | null {
  // A marker at `index` itself starts the NEXT block: position `index` is still before it.
  if (index <= 0) return null;
  const raw = doc.text;
  const at = raw.lastIndexOf(BLOCK_MARKER, Math.min(index - 1, raw.length - 1));
  if (at < 0) return null;
  // A U+FFFC typed by a user is text, not a marker: check with Automerge.
  for (let i = at; i >= 0; i = raw.lastIndexOf(BLOCK_MARKER, i - 1)) {
    if (A.block(doc, TEXT_PATH, i) !== null) return i;
    if (i === 0) break;
  }
  return null;
}

/** The character Automerge shows for a block marker in the raw string. */
export const BLOCK_MARKER = '\uFFFC';

/** The index a position refers to now. */
export function indexOf(doc: RichTextDoc, at: Position): number {
  if (typeof at === 'number') {
    if (!Number.isInteger(at) || at < 0) throw new DocumentError('invalid-argument', `a text position must be a non-negative integer, got ${at}`);
    return at;
  }
  try {
    return A.getCursorPosition(doc, TEXT_PATH, at);
  } catch (e) {
    throw new DocumentError('invalid-argument', `cursor ${at} is not valid in this document (${(e as Error).message}); take cursors from cursorAt()`);
  }
}

export function resolveRange(doc: RichTextDoc, range: Range): { start: number; end: number } {
  const a = indexOf(doc, range.start);
  const b = indexOf(doc, range.end);
  return a <= b ? { start: a, end: b } : { start: b, end: a };
}

/**
 * A block as Automerge stores it. `type` and `parents` are immutable strings (scalars), as in
 * Automerge's rich-text schema: the ProseMirror binding (@automerge/prosemirror) only takes a
 * marker whose type is one, and a scalar cannot be half-edited by a concurrent change.
 */
export function toValue(block: Block): { [key: string]: A.MaterializeValue } {
  if (!BLOCK_TYPES.includes(block.type)) throw new DocumentError('invalid-argument', `unknown block type "${block.type}"; use one of ${BLOCK_TYPES.join(', ')}`);
  for (const p of block.parents ?? []) if (!BLOCK_TYPES.includes(p)) throw new DocumentError('invalid-argument', `unknown parent block type "${p}"; use one of ${BLOCK_TYPES.join(', ')}`);
  const attrs: { [k: string]: A.MaterializeValue } = {};
  for (const [k, v] of Object.entries(block.attrs ?? {})) if (v !== undefined) attrs[k] = v;
  return { type: new A.ImmutableString(block.type), parents: (block.parents ?? []).map((p) => new A.ImmutableString(p)), attrs };
}

/**
 * Rewrites block markers written with plain strings (by Tandem before the ProseMirror editor) as
 * immutable strings, so the editor binding reads them. Same block, same attributes; returns how many it rewrote.
 */
export function normalizeBlocks(d: RichTextDoc): number {
  let index = 0;
  let rewritten = 0;
  for (const span of A.spans(d, TEXT_PATH)) {
    if (span.type === 'block') {
      const v = span.value;
      const plain = typeof v.type === 'string' || (Array.isArray(v.parents) && v.parents.some((p) => typeof p === 'string'));
      if (plain) {
        const block = readBlock(v);
        A.updateBlock(d, TEXT_PATH, index, { ...v, type: new A.ImmutableString(block.type), parents: block.parents.map((p) => new A.ImmutableString(p)) });
        rewritten++;
      }
      index += 1;
    } else index += span.value.length;
  }
  return rewritten;
}

/** A stored block marker's value read as a {@link Block} (type and parents as plain or immutable strings). */
export function readBlock(value: { [key: string]: A.MaterializeValue }): Block {
  const str = (x: unknown): string | null => (typeof x === 'string' ? x : A.isImmutableString(x) ? x.val : null);
  const attrs = (value.attrs && typeof value.attrs === 'object' && !Array.isArray(value.attrs) && !A.isImmutableString(value.attrs) ? value.attrs : {}) as Block['attrs'];
  const parents = Array.isArray(value.parents) ? (value.parents.map(str).filter((p) => p !== null) as BlockType[]) : [];
  return { type: (str(value.type) ?? 'paragraph') as BlockType, parents, attrs: { ...attrs } };
}
