import * as A from '@automerge/automerge';
import { DocumentError } from '../errors';
import type { RichTextDoc } from '../kinds';
import { Position, TEXT_PATH, indexOf } from './richtext.ops';

/** Default upper bound of one paste chunk (UTF-8 bytes of inserted text per change). */
export const DEFAULT_PASTE_CHUNK_BYTES = 64 * 1024;

/** UTF-8 length of a string, without allocating. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Splits `text` into consecutive pieces of at most `maxBytes` UTF-8 bytes each, never inside a
 * surrogate pair (so every piece is valid text). Joined, the pieces equal `text`.
 */
export function chunkText(text: string, maxBytes: number = DEFAULT_PASTE_CHUNK_BYTES): string[] {
  if (!Number.isInteger(maxBytes) || maxBytes < 4) throw new DocumentError('invalid-argument', `maxBytes must be an integer >= 4 (one code point), got ${maxBytes}`);
  const chunks: string[] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1));
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (bytes + size > maxBytes) {
      chunks.push(text.slice(start, i));
      start = i;
      bytes = 0;
    }
    bytes += size;
    if (pair) i++;
  }
  if (start < text.length) chunks.push(text.slice(start));
  return chunks;
}

/**
 * A large paste as a sequence of mutators, ONE PER CHANGE: apply them in order, each in its own
 * `A.change` (send each change as soon as it is made; remote changes may be merged in between).
 * The first chunk goes at `at`; every later chunk goes right after the last character of the
 * previous one, found through a cursor, so the pasted text stays contiguous even when others edit
 * (or type at the same place) between chunks.
 */
export function pasteInChunks(at: Position, text: string, maxBytes: number = DEFAULT_PASTE_CHUNK_BYTES): Array<(d: RichTextDoc) => void> {
  let after: A.Cursor | null = null;
  return chunkText(text, maxBytes).map((chunk) => (d: RichTextDoc) => {
    const index = after === null ? indexOf(d, at) : A.getCursorPosition(d, TEXT_PATH, after) + 1;
    A.splice(d, TEXT_PATH, index, 0, chunk);
    after = A.getCursor(d, TEXT_PATH, index + chunk.length - 1, 'before');
  });
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
