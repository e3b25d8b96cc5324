/** A new random id for a shape, stroke, card or column (UUID v4 from Web Crypto, in Node and browsers). */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}
