/**
 * Socket.IO delivers binary as `Buffer` in Node but as `ArrayBuffer` in browsers. The SDK's
 * document code (and Automerge) want `Uint8Array`: this turns every `ArrayBuffer` in a decoded
 * message (arrays and plain objects, recursively) into a `Uint8Array` view, in place of it.
 */
export function withByteArrays<T>(value: T): T {
  if (value instanceof ArrayBuffer) return new Uint8Array(value) as T;
  if (ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = withByteArrays(value[i]);
    return value;
  }
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = withByteArrays(record[key]);
  }
  return value;
}
