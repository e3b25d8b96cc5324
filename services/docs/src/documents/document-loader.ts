import * as A from '@automerge/automerge';
import { Inject, Injectable } from '@nestjs/common';
import type { DocKindName } from '@tandem/contracts';
import { createDoc, isDocKind } from '@tandem/documents';
import { CONFIG, Config, OBJECT_STORE, ObjectStore } from '@tandem/platform';
import { randomBytes } from 'node:crypto';
import { LiveDoc, savedBytes } from './document-cache';
import { DocumentsMetrics } from './documents.metrics';
import { CHANGE_LOG_STORE, ChangeLogStore, LogEntry } from './store/change-log.port';

/** The log is compacted into a new snapshot when it outgrows the snapshot (automerge-repo's rule), or this floor. */
const COMPACT_FLOOR_BYTES = 64 * 1024;
/** …or when it holds this many entries (each is one row to read at load). */
const COMPACT_MAX_ENTRIES = 2_000;

/**
 * Loads documents from the change log (snapshot, inline or in the object store, plus the entries
 * after it, all in one `loadIncremental`) and writes snapshots, compacting the log behind them.
 */
@Injectable()
export class DocumentLoader {
  /** This process's Automerge actor (restores and migrations are written as it). */
  readonly actor = randomBytes(16).toString('hex');

  constructor(
    @Inject(CHANGE_LOG_STORE) private readonly store: ChangeLogStore,
    @Inject(OBJECT_STORE) private readonly objects: ObjectStore,
    @Inject(CONFIG) private readonly config: Config,
    private readonly metrics: DocumentsMetrics,
  ) {}

  /** The stored document, or null if nothing is stored (and `kind` is null); a new one of `kind` otherwise. */
  async load(tenant: string, docId: string, kind: DocKindName | null): Promise<LiveDoc | null> {
    const started = performance.now();
    const { snapshot, entries } = await this.store.load(tenant, docId);
    let doc: A.Doc<unknown>;
    if (snapshot) {
      const bytes = snapshot.bytes ?? (await this.objects.get(snapshot.objectKey!));
      doc = A.load(bytes, { actor: this.actor });
    } else if (entries.length > 0 || kind) {
      // Every document starts from its kind's shared initial change; the first entry holds it too.
      doc = kind ? createDoc(kind, this.actor) : A.init({ actor: this.actor });
    } else {
      return null;
    }
    if (entries.length > 0) doc = A.loadIncremental(doc, concat(entries.map((e) => e.changes)));
    const stored = (doc as { kind?: unknown }).kind;
    const live: LiveDoc = {
      tenant,
      docId,
      kind: isDocKind(stored) ? stored : (snapshot?.kind ?? kind!),
      doc,
      seq: entries.at(-1)?.seq ?? snapshot?.seq ?? 0,
      snapshotSeq: snapshot?.seq ?? 0,
      snapshotSize: snapshot?.size ?? 0,
      snapshotKey: snapshot?.objectKey,
      logBytes: entries.reduce((n, e) => n + e.changes.length, 0),
      logEntries: entries.length,
      waiting: new Map(),
      waitingCommands: new Map(),
      lastUsed: Date.now(),
      busy: 0,
      compaction: Promise.resolve(),
    };
    if (snapshot || entries.length > 0) this.metrics.coldLoadSeconds.observe((performance.now() - started) / 1000);
    return live;
  }

  /** Applies entries another writer stored after `live.seq` (a copy in a process that does not own the partition). */
  async catchUp(live: LiveDoc): Promise<void> {
    const entries = await this.store.entriesAfter(live.tenant, live.docId, live.seq);
    if (entries.length === 0) return;
    live.doc = A.loadIncremental(live.doc, concat(entries.map((e) => e.changes)));
    live.seq = entries.at(-1)!.seq;
    live.logBytes += entries.reduce((n, e) => n + e.changes.length, 0);
    live.logEntries += entries.length;
  }

  /** Appends a merged batch; `SEQ_TAKEN` means another writer stored this seq (reload). */
  async append(live: LiveDoc, entry: LogEntry): Promise<void> {
    await this.store.append(live.tenant, live.docId, entry);
    live.seq = entry.seq;
    live.logBytes += entry.changes.length;
    live.logEntries += 1;
  }

  /** True when the log outgrew the snapshot and should be folded into a new one. */
  shouldCompact(live: LiveDoc): boolean {
    return live.logBytes > Math.max(live.snapshotSize, COMPACT_FLOOR_BYTES) || live.logEntries > COMPACT_MAX_ENTRIES;
  }

  /**
   * Saves the document as a snapshot at its current seq (in the object store above
   * DOCS_SNAPSHOT_INLINE_MAX_BYTES), then deletes the log entries and the old object it replaces.
   */
  async snapshot(live: LiveDoc): Promise<void> {
    const seq = live.seq;
    const bytes = Buffer.from(savedBytes(live));
    const logBytesCovered = live.logBytes;
    const entriesCovered = live.logEntries;
    const large = bytes.length > this.config.DOCS_SNAPSHOT_INLINE_MAX_BYTES;
    const objectKey = large ? `${live.tenant}/docs/${live.docId}/snapshot-${seq}.automerge` : undefined;
    if (objectKey) await this.objects.put(objectKey, bytes, 'application/octet-stream');
    const replaced = await this.store.saveSnapshot(live.tenant, live.docId, { seq, kind: live.kind, size: bytes.length, at: new Date(), ...(objectKey ? { objectKey } : { bytes }) });
    this.metrics.snapshotBytes.observe(bytes.length);
    await this.store.compact(live.tenant, live.docId, seq);
    if (replaced?.objectKey && replaced.objectKey !== objectKey) await this.objects.delete(replaced.objectKey);
    live.snapshotSeq = seq;
    live.snapshotSize = bytes.length;
    live.snapshotKey = objectKey;
    // Entries appended while this ran stay counted.
    live.logBytes -= logBytesCovered;
    live.logEntries -= entriesCovered;
  }
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
