import * as A from '@automerge/automerge';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DocKindName, DocRejectionCode, DocSyncState, TOPICS, TopicEvent, aggregateKey } from '@tandem/contracts';
import { INIT_ACTOR, historyLookup, initialChange, initialHash, splitChanges } from '@tandem/documents';
import { CONFIG, Config, ConsumedRecordOf, EVENT_BUS, EventBus, LOGGER, Logger, PublishRecord, SERVICE_NAME, currentTraceparent } from '@tandem/platform';
import { randomUUID } from 'node:crypto';
import { CardAssignment, assigneesOf, assignmentsOfBatch } from './card-assignments';
import { DocumentCache, LiveDoc, savedBytes } from './document-cache';
import { DocumentLoader, concat } from './document-loader';
import { forEachLimited } from '../for-each-limited';
import { DocumentsMetrics } from './documents.metrics';
import { ChangeLogError } from './store/change-log.port';

export type ChangeCommand = ConsumedRecordOf<typeof TOPICS.docsCommands, 'tandem.docs.doc.change'>;
type DocsEvent = PublishRecord<typeof TOPICS.docsEvents>;

/** Documents of one consumed batch merged at the same time, at most. */
const DOCS_IN_PARALLEL = 8;

/** Changes kept waiting for missing dependencies per document, at most (clients resend the rest). */
const MAX_WAITING = 10_000;

interface Decoded {
  commandId: string;
  userId: string;
  hashes: string[];
  changes: Array<{ hash: string; bytes: Uint8Array }>;
}

/** Thrown for a document that does not exist (reads without a kind). */
export class DocumentNotFoundError extends Error {
  readonly code = 'NOT_FOUND';
}

/**
 * Collaborative documents (every kind) on Automerge. The service is the single writer of each
 * document's stored state (the partition owner): everything queued for a document in a consumed
 * batch is merged with ONE `applyChanges` call (per-call cost grows with the length of the text
 * edited, its history included, so batches keep a busy document cheap), stored as one log entry,
 * then announced as `doc.merged` with the commands now durable. Clients relay edits to each other
 * through the gateway meanwhile.
 */
@Injectable()
export class DocumentsService implements OnModuleInit, OnApplicationShutdown {
  private readonly cache: DocumentCache;
  private sweeper?: ReturnType<typeof setInterval>;

  constructor(
    private readonly loader: DocumentLoader,
    private readonly metrics: DocumentsMetrics,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(CONFIG) config: Config,
  ) {
    this.cache = new DocumentCache(config.DOCS_MEMORY_CAP_MB * 1024 * 1024, config.DOCS_IDLE_SECONDS * 1000, (live, reason) => {
      this.metrics.evictions.inc({ reason });
      this.logger.debug({ tenant: live.tenant, docId: live.docId, reason }, 'document evicted');
    });
    this.metrics.inMemory.set(0);
  }

  onModuleInit(): void {
    this.sweeper = setInterval(() => this.sweep(), 1_000);
    this.sweeper.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.cache.values()].map((l) => l.compaction));
  }

  /** Documents in memory and their estimated bytes (for tests and benchmarks). */
  memory(): { documents: number; bytes: number } {
    return { documents: this.cache.size, bytes: this.cache.estimatedBytes };
  }

  /**
   * Merges a run of change commands (any documents, in partition order); resolves once stored and
   * announced. A redelivered batch changes nothing twice (changes are idempotent by hash) and is
   * announced again, so a client that resent a command learns it is durable.
   */
  async applyCommands(records: readonly ChangeCommand[]): Promise<void> {
    const byDoc = new Map<string, ChangeCommand[]>();
    for (const r of records) {
      const list = byDoc.get(r.key);
      if (list) list.push(r);
      else byDoc.set(r.key, [r]);
    }
    // Documents are independent: their loads, merges and log writes overlap (each document's own
    // commands stay in order); the events go out in batch order once every document is stored.
    const perDoc = await forEachLimited([...byDoc], DOCS_IN_PARALLEL, async ([key, commands]) => {
      const { tenant } = commands[0].event;
      const { docId, kind } = commands[0].event.data;
      const live = await this.acquire(tenant, docId, kind);
      try {
        return await this.merge(live, commands);
      } catch (error) {
        // Our copy may be behind the store (another writer) or half-applied: reload on redelivery.
        this.cache.delete(key);
        throw error;
      } finally {
        live.busy--;
      }
    });
    const events = perDoc.flat();
    await this.bus.publish(TOPICS.docsEvents, events);
    this.metrics.inMemory.set(this.cache.size);
    this.metrics.memoryBytes.set(this.cache.estimatedBytes);
  }

  /**
   * What a client that synced to `heads` lacks, in one answer (heads it names that are unknown
   * here are ignored: they are its own changes not yet stored, which it sends itself).
   */
  async sync(tenant: string, docId: string, kind: DocKindName, heads: string[], trigger: 'join' | 'gap'): Promise<DocSyncState> {
    this.metrics.syncs.inc({ trigger });
    return this.read(tenant, docId, kind, (live) => {
      const known = heads.filter(historyLookup(live.doc, heads));
      // A client with nothing but the initial change gets the compact saved form instead of every change.
      const fresh = known.length === 0 || (known.length === 1 && known[0] === initialHash(live.kind));
      const changes = fresh ? savedBytes(live) : A.saveSince(live.doc, known);
      return { kind: 'doc.sync', docId, docKind: live.kind, seq: live.seq, heads: A.getHeads(live.doc), changes, created: live.seq === 0 };
    });
  }

  /**
   * Runs `fn` on the current stored state: a cached copy caught up with the store (another
   * instance may own the partition), or the document freshly loaded. `kind` null: must exist.
   */
  async read<T>(tenant: string, docId: string, kind: DocKindName | null, fn: (live: LiveDoc) => T | Promise<T>): Promise<T> {
    const live = await this.acquire(tenant, docId, kind);
    try {
      await this.loader.catchUp(live);
      return await fn(live);
    } finally {
      live.busy--;
    }
  }

  private async merge(live: LiveDoc, commands: ChangeCommand[]): Promise<DocsEvent[]> {
    const events: DocsEvent[] = [];
    const accepted: Decoded[] = [];
    for (const c of commands) {
      const decoded = this.decode(live, c);
      if ('code' in decoded) {
        this.metrics.rejected.inc({ code: decoded.code });
        events.push(this.event(live, 'tandem.docs.doc.rejected', { docId: live.docId, commandId: c.event.data.commandId, userId: c.event.data.userId, code: decoded.code, message: decoded.message }));
      } else accepted.push(decoded);
    }
    const fresh = new Map<string, Uint8Array>();
    const asked = [...accepted.flatMap((d) => d.hashes), ...[...live.waitingCommands.values()].flat()];
    // Which hashes the document holds (one lookup per state of the document, not one per hash).
    let known = historyLookup(live.doc, asked);
    for (const d of accepted) for (const ch of d.changes) if (!fresh.has(ch.hash) && !known(ch.hash)) fresh.set(ch.hash, ch.bytes);
    const stored: Array<[string, Uint8Array]> = [];
    let assignments: CardAssignment[] = [];
    if (fresh.size > 0) {
      // Kanban boards announce new card assignees (notifications tell the assignees).
      const before = live.kind === 'kanban' ? { heads: A.getHeads(live.doc), assignees: assigneesOf(live.doc) } : null;
      const started = performance.now();
      const [doc] = A.applyChanges(live.doc, [...fresh.values()]);
      live.doc = doc;
      this.metrics.platform.crdtMergeSeconds.observe((performance.now() - started) / 1000);
      this.metrics.platform.crdtMergeBatchSize.observe(fresh.size);
      if (before) assignments = assignmentsOfBatch(before.heads, before.assignees, live.doc, groupsByUser(accepted, fresh));
      // Changes whose dependencies are still missing stay queued inside Automerge; store the rest.
      const candidates = new Map([...live.waiting.values()].map((w) => [w.hash, w.bytes] as const));
      for (const [hash, bytes] of fresh) candidates.set(hash, bytes);
      known = historyLookup(live.doc, [...candidates.keys(), ...asked]);
      for (const [hash, bytes] of candidates) {
        if (known(hash)) {
          stored.push([hash, bytes]);
          live.waiting.delete(hash);
        } else if (live.waiting.size < MAX_WAITING) live.waiting.set(hash, { hash, bytes });
      }
    }
    const durable: string[] = [];
    for (const d of accepted) {
      if (d.hashes.every(known)) durable.push(d.commandId);
      else live.waitingCommands.set(d.commandId, d.hashes);
    }
    const settled = new Set(durable);
    for (const [commandId, hashes] of live.waitingCommands) {
      if (!settled.has(commandId) && hashes.every(known)) {
        durable.push(commandId);
        live.waitingCommands.delete(commandId);
      }
    }
    if (stored.length > 0 || (live.seq === 0 && accepted.length > 0)) {
      // The first entry carries the kind's initial change, so the log alone rebuilds the document.
      const parts = live.seq === 0 ? [initialChange(live.kind), ...stored.map(([, b]) => b)] : stored.map(([, b]) => b);
      try {
        await this.loader.append(live, { seq: live.seq + 1, changes: Buffer.from(concat(parts)), count: parts.length, commandIds: durable, at: new Date() });
      } catch (error) {
        if (error instanceof ChangeLogError) this.logger.warn({ tenant: live.tenant, docId: live.docId }, 'another writer stored this document meanwhile; reloading');
        throw error;
      }
      this.metrics.changes.inc(stored.length);
      this.cache.resized();
      if (this.loader.shouldCompact(live)) this.compactLater(live);
    }
    if (durable.length > 0 || accepted.length > 0) {
      events.push(this.event(live, 'tandem.docs.doc.merged', { docId: live.docId, kind: live.kind, seq: live.seq, heads: A.getHeads(live.doc), commandIds: durable, changes: fresh.size }));
    }
    for (const a of assignments) events.push(this.event(live, 'tandem.docs.card.assigned', { docId: live.docId, seq: live.seq, ...a, title: a.title.slice(0, 300) }));
    return events;
  }

  private decode(live: LiveDoc, c: ChangeCommand): Decoded | { code: DocRejectionCode; message: string } {
    const { commandId, kind, changes } = c.event.data;
    if (kind !== live.kind) return { code: 'KIND_MISMATCH', message: `document ${live.docId} is a ${live.kind} document, not ${kind}; open it as ${live.kind}` };
    const out: Decoded = { commandId, userId: c.event.data.userId, hashes: [], changes: [] };
    const init = initialHash(live.kind);
    let split: Uint8Array[];
    try {
      split = splitChanges(new Uint8Array(Buffer.from(changes, 'base64')));
    } catch (error) {
      return { code: 'INVALID_CHANGE', message: `command ${commandId} does not hold concatenated Automerge changes (${(error as Error).message})` };
    }
    for (const bytes of split) {
      let meta: A.DecodedChange;
      try {
        meta = A.decodeChange(bytes);
      } catch (error) {
        return { code: 'INVALID_CHANGE', message: `a change of command ${commandId} is not a valid Automerge change (${(error as Error).message.slice(0, 200)})` };
      }
      if (meta.actor === INIT_ACTOR && meta.hash !== init) return { code: 'RESERVED_ACTOR', message: `actor ${INIT_ACTOR} is reserved for the initial change; write with your own actor` };
      out.hashes.push(meta.hash!);
      out.changes.push({ hash: meta.hash!, bytes });
    }
    return out;
  }

  private compactLater(live: LiveDoc): void {
    live.compaction = live.compaction
      .then(() => (this.loader.shouldCompact(live) ? this.loader.snapshot(live) : undefined))
      .catch((error: unknown) => this.logger.warn({ err: error, tenant: live.tenant, docId: live.docId }, 'snapshot failed; the log keeps everything, retried on the next batch'));
  }

  /**
   * The document in memory (loaded if needed), marked busy before anything else can run, so that
   * no eviction (another document's load going over the cap) frees it under its caller; the
   * caller decrements `busy` when done.
   */
  private async acquire(tenant: string, docId: string, kind: DocKindName | null): Promise<LiveDoc> {
    const key = aggregateKey(tenant, docId);
    const cached = this.cache.get(key);
    if (cached) {
      cached.busy++;
      return cached;
    }
    const live = await this.loader.load(tenant, docId, kind);
    if (!live) throw new DocumentNotFoundError(`document ${docId} does not exist`);
    // Another read may have loaded it meanwhile: keep the first copy.
    const again = this.cache.get(key);
    if (again) {
      A.free(live.doc);
      again.busy++;
      return again;
    }
    live.busy++;
    this.cache.set(key, live);
    this.metrics.inMemory.set(this.cache.size);
    return live;
  }

  private sweep(): void {
    this.cache.sweep();
    this.metrics.inMemory.set(this.cache.size);
    this.metrics.memoryBytes.set(this.cache.estimatedBytes);
  }

  private event<E extends 'tandem.docs.doc.merged' | 'tandem.docs.doc.rejected' | 'tandem.docs.card.assigned'>(live: LiveDoc, type: E, data: Extract<TopicEvent<typeof TOPICS.docsEvents>, { type: E }>['data']): DocsEvent {
    const event = { id: randomUUID(), type, source: `/${this.service}`, specversion: '1.0' as const, time: new Date().toISOString(), tenant: live.tenant, traceparent: currentTraceparent(), data } as TopicEvent<typeof TOPICS.docsEvents>;
    if (!event.traceparent) delete event.traceparent;
    return { key: aggregateKey(live.tenant, live.docId), event };
  }
}

/** The batch's new changes grouped by the user whose command carried them, in batch order. */
function groupsByUser(accepted: Decoded[], fresh: Map<string, Uint8Array>): Array<{ userId: string; changes: Uint8Array[] }> {
  const groups: Array<{ userId: string; changes: Uint8Array[] }> = [];
  const taken = new Set<string>();
  for (const d of accepted) {
    const changes = d.changes.filter((ch) => fresh.has(ch.hash) && !taken.has(ch.hash)).map((ch) => (taken.add(ch.hash), ch.bytes));
    if (changes.length === 0) continue;
    const last = groups.at(-1);
    if (last?.userId === d.userId) last.changes.push(...changes);
    else groups.push({ userId: d.userId, changes });
  }
  return groups;
}
