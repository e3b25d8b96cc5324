import * as A from '@automerge/automerge';
import type { DocKindName } from '@tandem/contracts';

/** A change that arrived before one of its dependencies; applied (and stored) once they are in. */
export interface WaitingChange {
  hash: string;
  bytes: Uint8Array;
}

/** One document held merged in memory by the service. */
export interface LiveDoc {
  tenant: string;
  docId: string;
  kind: DocKindName;
  doc: A.Doc<unknown>;
  /** The last stored log entry (0: nothing stored yet). */
  seq: number;
  /** Seq and size of the stored snapshot (0, 0: none). */
  snapshotSeq: number;
  snapshotSize: number;
  snapshotKey?: string;
  /** Bytes of the log entries after the snapshot. */
  logBytes: number;
  logEntries: number;
  /** Changes queued inside Automerge for missing dependencies, by hash. */
  waiting: Map<string, WaitingChange>;
  /** Commands not yet durable because some of their changes wait, by command id → hashes. */
  waitingCommands: Map<string, string[]>;
  lastUsed: number;
  /** Merges or reads in progress: a busy document is never evicted (its memory is in use). */
  busy: number;
  /** Serialises snapshot + compaction runs of this document. */
  compaction: Promise<void>;
  /** `A.save` of `doc` as it was (each merge makes a new `doc` object, which stales it). */
  saved?: { of: A.Doc<unknown>; bytes: Uint8Array };
  /** {@link estimateBytes} of `doc` as it was. */
  estimate?: { of: A.Doc<unknown>; bytes: number };
}

/**
 * `A.save` of the document as it is now, once per state: the joins of fresh clients and the next
 * snapshot share it (on a long history a save costs 60–140 ms; 50 clients joining at once were 50).
 */
export function savedBytes(live: LiveDoc): Uint8Array {
  if (live.saved?.of !== live.doc) live.saved = { of: live.doc, bytes: A.save(live.doc) };
  return live.saved.bytes;
}

/** Fixed memory of a held document: the materialised JS document, its maps, the Automerge handle. */
const BYTES_PER_DOCUMENT = 64 * 1024;
/** Automerge 3.5's WebAssembly memory per change and per operation of a loaded document. */
const BYTES_PER_CHANGE = 160;
const BYTES_PER_OP = 16;

/**
 * Memory a loaded document holds, estimated from Automerge's own counts (`A.stats`, ~0.1 ms, once
 * per document state). Automerge 3.5 holds ~150 bytes per change and ~12 per operation, whatever
 * the saved size (`bench/automerge-memory.ts`: the `automerge-paper` history, 259,779 changes saved
 * in 129 KB, holds 36.9 MiB, ~300× its saved size; 1,000 characters made by one change hold ~12 KiB);
 * `bench/docs-memory.ts` measured ~75 KiB of WebAssembly memory per 1,000-character document held in
 * the service. The `A.save` kept for joins counts too.
 */
export function estimateBytes(live: LiveDoc): number {
  if (live.estimate?.of !== live.doc) {
    const { numChanges, numOps } = A.stats(live.doc);
    live.estimate = { of: live.doc, bytes: BYTES_PER_DOCUMENT + BYTES_PER_CHANGE * numChanges + BYTES_PER_OP * numOps };
  }
  return live.estimate.bytes + (live.saved?.of === live.doc ? live.saved.bytes.byteLength : 0);
}

export type EvictionReason = 'idle' | 'memory';

/**
 * The documents held in memory, least recently used first, within an estimated memory cap. An
 * evicted document's Automerge memory is freed at once; everything it holds is in the store, except
 * changes still waiting for dependencies, which were never acknowledged and are resent by clients.
 */
export class DocumentCache {
  private readonly docs = new Map<string, LiveDoc>();
  private bytes = 0;

  constructor(
    private readonly capBytes: number,
    private readonly idleMs: number,
    private readonly onEvict: (live: LiveDoc, reason: EvictionReason) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.docs.size;
  }

  get estimatedBytes(): number {
    return this.bytes;
  }

  get(key: string): LiveDoc | undefined {
    const live = this.docs.get(key);
    if (live) this.touch(key, live);
    return live;
  }

  /** Adds (or replaces) a document, then evicts the least recently used others beyond the cap. */
  set(key: string, live: LiveDoc): void {
    const old = this.docs.get(key);
    if (old && old !== live) this.drop(key, old, 'memory', false);
    this.touch(key, live);
    this.resized();
  }

  /** Call after a document grew (merge) so the total stays right. */
  resized(): void {
    let total = 0;
    for (const live of this.docs.values()) total += estimateBytes(live);
    this.bytes = total;
    const newest = [...this.docs.keys()].at(-1);
    for (const [key, live] of this.docs) {
      if (this.bytes <= this.capBytes) break;
      if (key !== newest && live.busy === 0) this.drop(key, live, 'memory');
    }
  }

  /** Drops a document without counting an eviction (e.g. after a failed write). */
  delete(key: string): void {
    const live = this.docs.get(key);
    if (live) this.drop(key, live, 'memory', false);
  }

  /** Evicts every document untouched for longer than the idle time. */
  sweep(): void {
    const cutoff = this.now() - this.idleMs;
    for (const [key, live] of this.docs) if (live.lastUsed < cutoff && live.busy === 0) this.drop(key, live, 'idle');
  }

  values(): IterableIterator<LiveDoc> {
    return this.docs.values();
  }

  private touch(key: string, live: LiveDoc): void {
    live.lastUsed = this.now();
    this.docs.delete(key); // re-insert: most recently used last
    this.docs.set(key, live);
  }

  private drop(key: string, live: LiveDoc, reason: EvictionReason, count = true): void {
    this.docs.delete(key);
    this.bytes -= estimateBytes(live);
    if (count) this.onEvict(live, reason);
    // A compaction in flight still reads the doc: free it after that run.
    void live.compaction.finally(() => A.free(live.doc));
  }
}
