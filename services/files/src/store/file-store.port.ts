import type { AttachmentTarget, FileFailureReason, FilePreview, FileStatus } from '@tandem/contracts';

/** How the bytes of a file are being uploaded. */
export type UploadPlan = { mode: 'single' } | { mode: 'multipart'; uploadId: string; partSize: number; partCount: number };

/** A file's record: what it is, where it is attached, where its bytes and previews are stored. */
export interface StoredFile {
  tenant: string;
  fileId: string;
  target: AttachmentTarget;
  /** `doc:<id>` or `channel:<id>`: what lists and access go by. */
  container: string;
  name: string;
  declaredType: string;
  /** Detected from the content at verification; null before. */
  type: string | null;
  /** Declared size until verified, then the stored size. */
  size: number;
  status: FileStatus;
  createdBy: string;
  createdAt: Date;
  /** A pending upload not completed by then is dropped. */
  uploadExpiresAt: Date;
  objectKey: string;
  upload: UploadPlan;
  preview: FilePreview | null;
  /** Object keys of the stored preview images. */
  previewKeys: { small?: string; large?: string };
  failure: { reason: FileFailureReason; message: string } | null;
}

/** A tenant's own limits; unset fields fall back to the service's defaults. */
export interface TenantFileSettings {
  tenant: string;
  quotaBytes?: number;
  allowedTypes?: string[];
}

export type FileStoreErrorCode = 'DUPLICATE';

export class FileStoreError extends Error {
  constructor(
    readonly code: FileStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FileStoreError';
  }
}

/** Fields of a file that change after it is created. */
export type FilePatch = Partial<Pick<StoredFile, 'type' | 'size' | 'status' | 'name' | 'preview' | 'previewKeys' | 'failure'>>;

/**
 * The files service's metadata store: MongoDB (mongoose) in production, a file on disk in embedded
 * mode; `runFileStoreContract` holds both to the same behaviour. Every call is tenant-scoped.
 */
export interface FileStore {
  /** Stores a new file; `DUPLICATE` if the id is taken. */
  create(file: StoredFile): Promise<void>;
  /** The file, or null. */
  get(tenant: string, fileId: string): Promise<StoredFile | null>;
  /**
   * Applies `patch` only if the file's status is `from` (one writer wins a race, e.g. two completions
   * of one upload); returns the updated file, or null if it was not in that status.
   */
  transition(tenant: string, fileId: string, from: FileStatus, patch: FilePatch): Promise<StoredFile | null>;
  /** Files attached in a container (`doc:<id>` / `channel:<id>`), oldest first, without rejected ones. */
  listByContainer(tenant: string, container: string): Promise<StoredFile[]>;
  /** Removes the record; false if it was not there. */
  delete(tenant: string, fileId: string): Promise<boolean>;
  /** Bytes and count of the tenant's files that are pending, processing or ready. */
  usage(tenant: string): Promise<{ bytes: number; files: number }>;
  /** Pending uploads (any tenant) whose upload deadline passed before `now`, at most `limit`. */
  expiredUploads(now: Date, limit: number): Promise<StoredFile[]>;
  /** Verified files (any tenant) whose previews are not done, oldest first, at most `limit` (to resume after a restart). */
  processing(limit: number): Promise<StoredFile[]>;
  getSettings(tenant: string): Promise<TenantFileSettings | null>;
  putSettings(settings: TenantFileSettings): Promise<void>;
  checkReady(): Promise<void>;
  close(): Promise<void>;
}

export const FILE_STORE = Symbol('FileStore');

/** Statuses whose bytes count against the quota. */
export const COUNTED_STATUSES: readonly FileStatus[] = ['pending', 'processing', 'ready'];
