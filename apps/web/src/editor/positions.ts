import * as A from '@automerge/automerge';
import { amSpliceIdxToPmIdx, pmRangeToAmRange } from '@automerge/prosemirror/dist/traversal.js';
import { richtext, RichTextDoc } from '@tandem/documents';
import type { Node } from 'prosemirror-model';
import { adapter } from './schema';

/**
 * ProseMirror positions ↔ indices of the Automerge text ↔ Automerge cursors, through the binding's
 * own traversal (the same mapping it uses for edits). Cursors are what goes over the wire: they stay
 * with their character when others edit, where indices would drift.
 */
export function amIndexOf(doc: A.Doc<RichTextDoc>, pos: number, spans = A.spans(doc, richtext.TEXT_PATH)): number {
  return pmRangeToAmRange(adapter, spans, { from: pos, to: pos })?.start ?? 0;
}

export function pmPosOf(doc: A.Doc<RichTextDoc>, pmDoc: Node, index: number, spans = A.spans(doc, richtext.TEXT_PATH)): number {
  const pos = amSpliceIdxToPmIdx(adapter, spans, index) ?? 0;
  return Math.max(0, Math.min(pos, pmDoc.content.size));
}

/** The selection `anchor`/`head` (ProseMirror positions) as Automerge cursors. */
export function cursorsOf(doc: A.Doc<RichTextDoc>, anchor: number, head: number): { anchor: string; head: string } {
  const spans = A.spans(doc, richtext.TEXT_PATH);
  const a = amIndexOf(doc, anchor, spans);
  const h = head === anchor ? a : amIndexOf(doc, head, spans);
  return { anchor: richtext.cursorAt(doc, a) as string, head: richtext.cursorAt(doc, h) as string };
}

/** Where cursors sent by someone are now, as ProseMirror positions; null when a cursor is not (yet) valid here. */
export function positionsOf(doc: A.Doc<RichTextDoc>, pmDoc: Node, cursor: { anchor: string; head: string }, spans = A.spans(doc, richtext.TEXT_PATH)): { anchor: number; head: number } | null {
  try {
    const a = richtext.cursorPosition(doc, cursor.anchor as A.Cursor);
    const h = richtext.cursorPosition(doc, cursor.head as A.Cursor);
    return { anchor: pmPosOf(doc, pmDoc, a, spans), head: pmPosOf(doc, pmDoc, h, spans) };
  } catch {
    // A cursor on a character whose change has not arrived here yet.
    return null;
  }
}
