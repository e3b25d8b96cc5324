import type { DocKindName } from '@tandem/contracts';

/** One stored batch of a document: the new Automerge changes one merge added, concatenated. */
export interface LogEntry {
  /** 1, 2, 3… per document; unique, so a second writer of the same seq is refused. */
  seq: number;
  /** The batch's changes, concatenated (what `Automerge.loadIncremental` reads). */
  changes: Buffer;
  /** How many changes `changes` holds. */
  count: number;
  /** Client commands merged by this batch (so a redelivered command is recognised as durable). */
  commandIds: string[];
  at: Date;
}

/**
 * A saved document as of log entry `seq`. Small ones are kept inline (`bytes`); large ones in the
 * object store under `objectKey` (the store adapter never sees those bytes).
 */
export interface SnapshotEntry {
  seq: number;
  kind: DocKindName;
  /** Size of the saved document in bytes. */
  size: number;
  bytes?: Buffer;
  objectKey?: string;
  at: Date;
}

export type ChangeLogErrorCode = 'SEQ_TAKEN';

export class ChangeLogError extends Error {
  constructor(
    readonly code: ChangeLogErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ChangeLogError';
  }
}

/**
 * The store of collaborative documents: an append-only log of merged batches plus one snapshot
 * per document; compaction deletes the entries a snapshot covers. MongoDB (mongoose) in production,
 * files in embedded mode; `runChangeLogContract` holds both to the same behaviour. Tenant-scoped.
 */
export interface ChangeLogStore {
  /** The snapshot (or null) and every entry after it, in seq order. */
  load(tenant: string, docId: string): Promise<{ snapshot: SnapshotEntry | null; entries: LogEntry[] }>;
  /** Entries with seq greater than `afterSeq`, in order (to catch up a copy that may be stale). */
  entriesAfter(tenant: string, docId: string, afterSeq: number): Promise<LogEntry[]>;
  /** Appends entry `seq`; `SEQ_TAKEN` if it exists (another writer got there: reload first). */
  append(tenant: string, docId: string, entry: LogEntry): Promise<void>;
  /** Saves `snapshot` unless one at the same or a later seq is stored; returns the one it replaced. */
  saveSnapshot(tenant: string, docId: string, snapshot: SnapshotEntry): Promise<SnapshotEntry | null>;
  /** Deletes the entries with seq ≤ `uptoSeq` (covered by a stored snapshot). */
  compact(tenant: string, docId: string, uptoSeq: number): Promise<void>;
  checkReady(): Promise<void>;
  close(): Promise<void>;
}

export const CHANGE_LOG_STORE = Symbol('ChangeLogStore');
