import * as A from '@automerge/automerge';
import type { RichTextDoc } from '../kinds';
import { Block, MarkName, MARK_NAMES, TEXT_PATH, paragraph, readBlock } from './richtext.ops';

/**
 * Reading rich text for rendering, and cursors. These take a document (or a draft inside a change,
 * or a view from `viewAt`) and never modify it.
 */

export type Marks = Partial<Record<MarkName, string | true>>;

/** A run of text with the same formatting. */
export interface TextRun {
  text: string;
  marks: Marks;
}

/** One block (paragraph, heading, list item...) with its formatted text. */
export interface RenderedBlock {
  block: Block;
  /** Index of the block's marker in the raw text, or -1 for the implicit first paragraph. */
  marker: number;
  /** Raw index of the block's first character. */
  start: number;
  runs: TextRun[];
}

/** The whole text as blocks of formatted runs, in order: what an editor renders. */
export function blocks(doc: RichTextDoc): RenderedBlock[] {
  const out: RenderedBlock[] = [];
  let index = 0;
  let current: RenderedBlock | null = null;
  for (const span of A.spans(doc, TEXT_PATH)) {
    if (span.type === 'block') {
      current = { block: listItemContent(readBlock(span.value)), marker: index, start: index + 1, runs: [] };
      out.push(current);
      index += 1;
      continue;
    }
    if (current === null) {
      current = { block: paragraph(), marker: -1, start: 0, runs: [] };
      out.push(current);
    }
    current.runs.push({ text: span.value, marks: toMarks(span.marks) });
    index += span.value.length;
  }
  if (out.length === 0) out.push({ block: paragraph(), marker: -1, start: 0, runs: [] });
  return out;
}

/**
 * A paragraph whose innermost parent is a list item is that list item's text: ProseMirror's
 * Automerge binding stores a paragraph turned into a list item that way (`{type: 'paragraph',
 * parents: ['unordered-list-item']}`) where the operations here store an `unordered-list-item`
 * block. Both render as the same list item.
 */
function listItemContent(block: Block): Block {
  const inner = block.parents.at(-1);
  if (block.type !== 'paragraph' || (inner !== 'unordered-list-item' && inner !== 'ordered-list-item')) return block;
  return { ...block, type: inner, parents: block.parents.slice(0, -1) };
}

/** The text without formatting, one line per block (a leading marker adds no empty line). */
export function plainText(doc: RichTextDoc): string {
  const raw = doc.text ?? '';
  if (!raw.includes('\uFFFC')) return raw;
  return blocks(doc)
    .map((b) => b.runs.map((r) => r.text).join(''))
    .join('\n');
}

/** The formatting at raw index `index` (what typing there would look like, before expand rules). */
export function marksAt(doc: RichTextDoc, index: number): Marks {
  return toMarks(A.marksAt(doc, TEXT_PATH, index));
}

/**
 * A cursor for the caret before the character now at `index` (`index >= length` gives an end
 * cursor). It stays with that character when others insert or delete elsewhere; if the character
 * is deleted it resolves to the next one (`move: 'after'`, default) or the previous one.
 */
export function cursorAt(doc: RichTextDoc, index: number, move: A.MoveCursor = 'after'): A.Cursor {
  const length = (doc.text ?? '').length;
  return A.getCursor(doc, TEXT_PATH, index >= length ? 'end' : Math.max(0, index), move);
}

/** Where a cursor is now (raw index). */
export function cursorPosition(doc: RichTextDoc, cursor: A.Cursor): number {
  return A.getCursorPosition(doc, TEXT_PATH, cursor);
}

/** A selection as cursors: `anchor` is where it started, `head` where the caret is. */
export interface Selection {
  anchor: A.Cursor;
  head: A.Cursor;
}

export function selectionAt(doc: RichTextDoc, anchor: number, head: number = anchor): Selection {
  return { anchor: cursorAt(doc, anchor), head: cursorAt(doc, head) };
}

/** The selection's current indices; `start <= end`, `collapsed` when it is a caret. */
export function resolveSelection(doc: RichTextDoc, selection: Selection): { anchor: number; head: number; start: number; end: number; collapsed: boolean } {
  const anchor = cursorPosition(doc, selection.anchor);
  const head = cursorPosition(doc, selection.head);
  return { anchor, head, start: Math.min(anchor, head), end: Math.max(anchor, head), collapsed: anchor === head };
}

function toMarks(set: A.MarkSet | undefined): Marks {
  const marks: Marks = {};
  if (!set) return marks;
  for (const name of MARK_NAMES) {
    const v = set[name];
    if (v === true) marks[name] = true;
    else if (typeof v === 'string' && v.length > 0) marks[name] = v;
  }
  return marks;
}

/**
 * The marks that cover ALL of `[start, end)` (for toolbar state: is the selection bold?). For a
 * caret (`start === end`) the marks at the caret. Link values must agree across the range.
 */
export function marksInRange(doc: RichTextDoc, start: number, end: number): Marks {
  if (end <= start) return marksAt(doc, Math.max(0, start - 1));
  let common: Marks | null = null;
  let index = 0;
  for (const span of A.spans(doc, TEXT_PATH)) {
    const length = span.type === 'block' ? 1 : span.value.length;
    const overlaps = index < end && index + length > start;
    index += length;
    if (!overlaps || span.type === 'block') continue;
    const marks = toMarks(span.marks);
    if (common === null) common = marks;
    else for (const name of Object.keys(common) as MarkName[]) if (common[name] !== marks[name]) delete common[name];
  }
  return common ?? {};
}
