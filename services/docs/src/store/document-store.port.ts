/** One stored change of a document: the Automerge change bytes and the client commands it merged. */
export interface StoredChange {
  seq: number;
  change: Buffer;
  commandIds: string[];
  at: Date;
}

/** A saved Automerge document as of change `seq`, with the command ids needed for deduplication. */
export interface StoredSnapshot {
  seq: number;
  bytes: Buffer;
  recentCommandIds: string[];
}

import type { AclState } from '@tandem/contracts';

export type DocumentStoreErrorCode = 'SEQ_TAKEN' | 'ACL_VERSION_CONFLICT';

export class DocumentStoreError extends Error {
  constructor(
    readonly code: DocumentStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DocumentStoreError';
  }
}

/**
 * The docs service's store: an append-only change log per document plus periodic snapshots.
 * MongoDB (mongoose) in production, files on disk in embedded mode; `runDocumentStoreContract`
 * holds both to the same behaviour. Every call is tenant-scoped.
 */
export interface DocumentStore {
  /** The latest snapshot (or null) and every change after it, in seq order. */
  load(tenant: string, docId: string): Promise<{ snapshot: StoredSnapshot | null; changes: StoredChange[] }>;
  /**
   * Appends change `seq`. Throws `SEQ_TAKEN` if that seq is already stored: another writer got there
   * first, so the caller must reload before writing again.
   */
  appendChange(tenant: string, docId: string, change: StoredChange): Promise<void>;
  /** Saves a snapshot unless a newer one is stored already. */
  saveSnapshot(tenant: string, docId: string, snapshot: StoredSnapshot): Promise<void>;
  /** The document's ACL, or null if none was ever stored. */
  loadAcl(tenant: string, docId: string): Promise<AclState | null>;
  /**
   * Stores `acl`, whose `version` must be one more than the stored one (or 1 for the first):
   * otherwise `ACL_VERSION_CONFLICT`, and the caller reloads.
   */
  saveAcl(tenant: string, docId: string, acl: AclState): Promise<void>;
  checkReady(): Promise<void>;
  close(): Promise<void>;
}

export const DOCUMENT_STORE = Symbol('DocumentStore');
