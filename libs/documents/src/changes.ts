import { ChangeFramingError, readChunks } from '@tandem/contracts';
import { DocumentError } from './errors';

/**
 * Several Automerge changes as ONE byte string (their concatenation, which `Automerge.loadIncremental`
 * reads as is). Transports carry a batch this way: Socket.IO limits binary attachments per message.
 * The framing is the protocol's (`change-chunks.ts` of @tandem/contracts).
 */
export { joinChanges } from '@tandem/contracts';

/**
 * Splits concatenated Automerge chunks (changes or documents) at their headers. Throws
 * `invalid-argument` on bytes that are not a sequence of whole chunks (contents are not checked
 * here; `decodeChange` does that).
 */
export function splitChanges(bytes: Uint8Array): Uint8Array[] {
  try {
    return readChunks(bytes).map((c) => c.bytes);
  } catch (error) {
    if (error instanceof ChangeFramingError) throw new DocumentError('invalid-argument', error.message);
    throw error;
  }
}
