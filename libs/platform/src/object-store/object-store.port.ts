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

/** A part already stored in a multipart upload. */
export interface UploadedPart {
  partNumber: number;
  size: number;
  etag: string;
}

/** Headers a presigned GET answers with, whatever the object was stored with. */
export interface GetUrlOptions {
  /** `Content-Type` of the response (e.g. the type detected from the content). */
  contentType?: string;
  /** `Content-Disposition` of the response (e.g. `attachment; filename="a.pdf"`). */
  contentDisposition?: string;
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
  /** A URL a client can GET the object from, valid for `expirySeconds`, answering with `options`' headers. */
  presignGet(key: string, expirySeconds: number, options?: GetUrlOptions): Promise<string>;
  /**
   * Starts a multipart upload of `key` and returns its upload id. Parts are PUT by clients to
   * {@link presignUploadPart} URLs; every part but the last must be at least 5 MiB (S3's rule).
   */
  createMultipartUpload(key: string, contentType?: string): Promise<string>;
  /** A URL a client can PUT part `partNumber` (1..10000) of the upload to, valid for `expirySeconds`. */
  presignUploadPart(key: string, uploadId: string, partNumber: number, expirySeconds: number): Promise<string>;
  /** The parts stored so far, by part number (what a resumed upload need not send again); `NOT_FOUND` if the upload is gone. */
  listParts(key: string, uploadId: string): Promise<UploadedPart[]>;
  /** Joins the parts, in part-number order, into the object `key`; the upload is gone afterwards. */
  completeMultipartUpload(key: string, uploadId: string, parts: readonly Pick<UploadedPart, 'partNumber' | 'etag'>[]): Promise<void>;
  /** Drops an upload and its parts; aborting an absent upload is not an error. */
  abortMultipartUpload(key: string, uploadId: string): Promise<void>;
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

/** Rejects empty or odd upload ids and part numbers outside S3's 1..10000. */
export function assertValidPart(uploadId: string, partNumber: number): void {
  // eslint-disable-next-line no-control-regex
  if (uploadId.length === 0 || uploadId.length > 1024 || /[\u0000-\u001f\u007f\s]/.test(uploadId)) throw new ObjectStoreError('INVALID_KEY', `invalid upload id "${uploadId}"`);
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) throw new ObjectStoreError('INVALID_KEY', `part numbers are 1..10000, not ${partNumber}`);
}

export const OBJECT_STORE = Symbol('ObjectStore');
