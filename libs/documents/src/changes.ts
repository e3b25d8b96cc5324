import { DocumentError } from './errors';

const MAGIC = [0x85, 0x6f, 0x4a, 0x83];

/**
 * Several Automerge changes as ONE byte string (their concatenation, which `Automerge.loadIncremental`
 * reads as is). Transports carry a batch this way: Socket.IO limits binary attachments per message.
 */
export function joinChanges(changes: readonly Uint8Array[]): Uint8Array {
  if (changes.length === 1) return changes[0];
  const out = new Uint8Array(changes.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of changes) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Splits concatenated Automerge chunks (changes or documents) at their headers: 4 magic bytes, a
 * 4-byte checksum, a type byte, the length as unsigned LEB128, then the contents. Throws
 * `invalid-argument` on bytes that are not a sequence of whole chunks (contents are not checked
 * here; `decodeChange` does that).
 */
export function splitChanges(bytes: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.byteLength) {
    for (let i = 0; i < 4; i++) if (bytes[at + i] !== MAGIC[i]) throw new DocumentError('invalid-argument', `no Automerge chunk at byte ${at}: the bytes are not concatenated changes`);
    let p = at + 9;
    let length = 0;
    let shift = 0;
    for (;;) {
      if (p >= bytes.byteLength || shift > 28) throw new DocumentError('invalid-argument', `truncated chunk header at byte ${at}`);
      const b = bytes[p++];
      length += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    const end = p + length;
    if (end > bytes.byteLength) throw new DocumentError('invalid-argument', `the chunk at byte ${at} runs past the end (${end} > ${bytes.byteLength})`);
    chunks.push(bytes.subarray(at, end));
    at = end;
  }
  return chunks;
}
