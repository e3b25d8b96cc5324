/**
 * How the protocol carries Automerge changes: ONE byte string holding them concatenated (what
 * `Automerge.loadIncremental` reads as is; Socket.IO refuses messages with more than 10 binary
 * attachments, and Kafka events carry it as base64). Framing only, no Automerge: the gateway checks
 * it without loading Automerge's WebAssembly.
 *
 * Every Automerge chunk (change or document) starts with a header: 4 magic bytes, a 4-byte checksum
 * (the first 4 bytes of the SHA-256 of the type byte, length and contents; for a compressed change,
 * of the uncompressed change's), a type byte, the contents' length as unsigned LEB128.
 */
export const AUTOMERGE_MAGIC: readonly number[] = [0x85, 0x6f, 0x4a, 0x83];

/** Type bytes of Automerge chunks. */
export const CHUNK_TYPE = { document: 0, change: 1, compressedChange: 2 } as const;

/** One chunk of concatenated bytes, located by its header. */
export interface ChangeChunk {
  /** The whole chunk, header included (a view into the bytes split). */
  bytes: Uint8Array;
  /** Offset of the chunk in the bytes split (for error messages). */
  at: number;
  type: number;
  checksum: Uint8Array;
  /** Offset of the contents within `bytes`. */
  contentsAt: number;
}

/** Bytes that are not a sequence of whole Automerge chunks; the message says where. */
export class ChangeFramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChangeFramingError';
  }
}

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

/** The chunks of concatenated bytes, with their headers read; throws {@link ChangeFramingError} on anything else. Contents are not checked. */
export function readChunks(bytes: Uint8Array): ChangeChunk[] {
  const chunks: ChangeChunk[] = [];
  let at = 0;
  while (at < bytes.byteLength) {
    for (let i = 0; i < 4; i++) if (bytes[at + i] !== AUTOMERGE_MAGIC[i]) throw new ChangeFramingError(`no Automerge chunk at byte ${at}: the bytes are not concatenated changes`);
    let p = at + 9;
    let length = 0;
    let shift = 0;
    for (;;) {
      if (p >= bytes.byteLength || shift > 28) throw new ChangeFramingError(`truncated chunk header at byte ${at}`);
      const b = bytes[p++];
      length += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    const end = p + length;
    if (end > bytes.byteLength) throw new ChangeFramingError(`the chunk at byte ${at} runs past the end (${end} > ${bytes.byteLength})`);
    chunks.push({ bytes: bytes.subarray(at, end), at, type: bytes[at + 8], checksum: bytes.subarray(at + 4, at + 8), contentsAt: p - at });
    at = end;
  }
  return chunks;
}
