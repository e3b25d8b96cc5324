/** Codes of {@link ObjectStoreError}. */
export type ObjectStoreErrorCode = 'NOT_FOUND' | 'INVALID_KEY' | 'UNAVAILABLE';

export class ObjectStoreError extends Error {
  constructor(
    readonly code: ObjectStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ObjectStoreError';
  }
}

export interface ObjectInfo {
  size: number;
  contentType?: string;
}

/**
 * The object store port: MinIO or any S3 in production, a local directory in embedded mode. Keys are
 * `/`-separated paths (tenant first); clients move bytes through presigned URLs, never through the
 * gateway.
 */
export interface ObjectStore {
  /** Creates the bucket (or directory) if missing. */
  ensureBucket(): Promise<void>;
  put(key: string, body: Buffer, contentType?: string): Promise<void>;
  /** The whole object; `NOT_FOUND` if absent. */
  get(key: string): Promise<Buffer>;
  /** `length` bytes from `offset` (fewer at the end of the object), e.g. to sniff a file's real type. */
  getRange(key: string, offset: number, length: number): Promise<Buffer>;
  /** Size and type, or null if absent. */
  stat(key: string): Promise<ObjectInfo | null>;
  /** Deletes the object; deleting an absent object is not an error. */
  delete(key: string): Promise<void>;
  /** A URL a client can PUT the object's bytes to, valid for `expirySeconds`. */
  presignPut(key: string, expirySeconds: number): Promise<string>;
  /** A URL a client can GET the object from, valid for `expirySeconds`. */
  presignGet(key: string, expirySeconds: number): Promise<string>;
  checkReady(): Promise<void>;
}

/** Rejects keys that could escape the bucket or confuse a path: `..`, empty segments, control characters. */
export function assertValidKey(key: string): void {
  const segments = key.split('/');
  // eslint-disable-next-line no-control-regex
  if (key.length === 0 || key.length > 1024 || /[\u0000-\u001f\u007f\\]/.test(key) || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new ObjectStoreError('INVALID_KEY', `invalid object key "${key}": use non-empty /-separated segments without "..", backslashes or control characters`);
  }
}

export const OBJECT_STORE = Symbol('ObjectStore');
