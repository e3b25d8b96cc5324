import { CHUNK_TYPE, ChangeFramingError, readChunks } from '@tandem/contracts';
import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';

/** Most a compressed change may inflate to here (the docs service would inflate it too). */
export const MAX_INFLATED_CHANGE_BYTES = 16 * 1024 * 1024;

/**
 * Why the bytes of a `doc.change` command are not whole Automerge changes with intact checksums, or
 * undefined when they are. Checked BEFORE the gateway relays them to the room, without Automerge:
 * the framing (`readChunks`), that each chunk is a change (not a document), and each checksum (the
 * first 4 bytes of the SHA-256 of type, length and contents; a compressed change's is its
 * uncompressed form's). What the contents mean (operations, dependencies) is the docs service's to
 * check: it refuses those with `doc.rejected` to the room.
 */
export function changeBytesProblem(bytes: Uint8Array): string | undefined {
  let chunks;
  try {
    chunks = readChunks(bytes);
  } catch (error) {
    if (error instanceof ChangeFramingError) return error.message;
    throw error;
  }
  for (const chunk of chunks) {
    const contents = chunk.bytes.subarray(chunk.contentsAt);
    let hashed: Uint8Array;
    switch (chunk.type) {
      case CHUNK_TYPE.change:
        hashed = chunk.bytes.subarray(8);
        break;
      case CHUNK_TYPE.compressedChange: {
        let inflated: Buffer;
        try {
          inflated = inflateRawSync(contents, { maxOutputLength: MAX_INFLATED_CHANGE_BYTES });
        } catch (error) {
          return `the compressed change at byte ${chunk.at} does not inflate (${(error as Error).message}); send changes as Automerge makes them`;
        }
        hashed = Buffer.concat([Buffer.from([CHUNK_TYPE.change]), uleb128(inflated.byteLength), inflated]);
        break;
      }
      case CHUNK_TYPE.document:
        return `the chunk at byte ${chunk.at} is a whole Automerge document, not a change; send the changes (Automerge.getChanges) instead`;
      default:
        return `the chunk at byte ${chunk.at} has unknown type ${chunk.type}; send Automerge changes`;
    }
    const digest = createHash('sha256').update(hashed).digest();
    for (let i = 0; i < 4; i++) {
      if (digest[i] !== chunk.checksum[i]) return `the checksum of the change at byte ${chunk.at} does not match its contents: the bytes were altered; send changes as Automerge makes them`;
    }
  }
  return undefined;
}

function uleb128(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 0x80;
    n = Math.floor(n / 0x80);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}
