import * as A from '@automerge/automerge';
import { TOPICS, TopicEvent, aggregateKey } from '@tandem/contracts';
import { ConsumedRecordOf, EVENT_BUS, EventBus, LOGGER, Logger, Metrics, PublishRecord, SERVICE_NAME, currentTraceparent } from '@tandem/platform';
import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { DOCUMENT_STORE, DocumentStore } from '../store/document-store.port';

type CounterDoc = { count: A.Counter };
type IncrementCommand = ConsumedRecordOf<typeof TOPICS.docsCommands, 'tandem.docs.counter.increment'>;

/** The merged state of one document held by the service that owns its partition. */
interface DocState {
  doc: A.Doc<CounterDoc>;
  seq: number;
  /** Ids of the most recent commands merged, oldest first, to drop redelivered and resent commands. */
  recent: string[];
  applied: Set<string>;
}

/** How many command ids per document are remembered for deduplication. */
const DEDUP_WINDOW = 10_000;
/** A snapshot is saved every this many changes. */
const SNAPSHOT_EVERY = 100;
/** Documents kept merged in memory; the least recently used are dropped beyond this. */
const CACHE_SIZE = 1_000;

/**
 * Counter documents on Automerge. The service is the single writer of each document's stored state:
 * it merges every command queued for a document in one change, appends it to the change log, then
 * announces the new value. Redelivered or resent commands are recognised by id and change nothing.
 */
@Injectable()
export class CounterService {
  private readonly cache = new Map<string, DocState>();
  private readonly actor = randomBytes(16).toString('hex');

  constructor(
    @Inject(DOCUMENT_STORE) private readonly store: DocumentStore,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Merges a batch of commands (any documents, in partition order); resolves once stored and
   * announced. Every document touched is announced, even when all its commands were duplicates: a
   * redelivered batch re-announces what a crash may have left unannounced, and a client that resent
   * a command learns it is durable. Announcements are idempotent for clients (same seq, same value).
   */
  async applyCommands(records: readonly IncrementCommand[]): Promise<void> {
    const byDoc = new Map<string, IncrementCommand[]>();
    for (const r of records) byDoc.set(r.key, [...(byDoc.get(r.key) ?? []), r]);
    const events: PublishRecord<typeof TOPICS.docsEvents>[] = [];
    for (const [key, commands] of byDoc) {
      const { tenant } = commands[0].event;
      const { docId } = commands[0].event.data;
      try {
        const state = await this.merge(tenant, docId, commands);
        events.push(this.changedEvent(tenant, docId, state, commands));
      } catch (error) {
        // Our copy may be behind the store (another writer) or half-applied: reload on redelivery.
        this.cache.delete(key);
        throw error;
      }
    }
    await this.bus.publish(TOPICS.docsEvents, events);
  }

  /** The current value of a counter document, read from the store. */
  async read(tenant: string, docId: string): Promise<{ seq: number; value: number }> {
    const state = await this.load(tenant, docId);
    return { seq: state.seq, value: state.doc.count?.value ?? 0 };
  }

  private async merge(tenant: string, docId: string, commands: IncrementCommand[]): Promise<DocState> {
    const state = await this.stateOf(tenant, docId);
    const fresh: IncrementCommand[] = [];
    const inBatch = new Set<string>();
    for (const c of commands) {
      const id = c.event.data.commandId;
      if (state.applied.has(id) || inBatch.has(id)) continue;
      inBatch.add(id);
      fresh.push(c);
    }
    if (fresh.length === 0) return state;
    const total = fresh.reduce((sum, c) => sum + c.event.data.by, 0);
    const started = performance.now();
    const doc = A.change(state.doc, (d) => {
      if (d.count === undefined) d.count = new A.Counter(total);
      else d.count.increment(total);
    });
    const change = A.getLastLocalChange(doc)!;
    const seq = state.seq + 1;
    const commandIds = fresh.map((c) => c.event.data.commandId);
    this.metrics.crdtMergeSeconds.observe((performance.now() - started) / 1000);
    this.metrics.crdtMergeBatchSize.observe(fresh.length);
    await this.store.appendChange(tenant, docId, { seq, change: Buffer.from(change), commandIds, at: new Date() });
    state.doc = doc;
    state.seq = seq;
    this.remember(state, commandIds);
    if (seq % SNAPSHOT_EVERY === 0) {
      await this.store.saveSnapshot(tenant, docId, { seq, bytes: Buffer.from(A.save(doc)), recentCommandIds: state.recent });
    }
    return state;
  }

  private changedEvent(tenant: string, docId: string, state: DocState, commands: IncrementCommand[]): PublishRecord<typeof TOPICS.docsEvents> {
    const event: TopicEvent<typeof TOPICS.docsEvents> = {
      id: randomUUID(),
      type: 'tandem.docs.counter.changed',
      source: `/${this.service}`,
      specversion: '1.0',
      time: new Date().toISOString(),
      tenant,
      traceparent: currentTraceparent(),
      data: {
        docId,
        seq: state.seq,
        value: state.doc.count?.value ?? 0,
        commandIds: [...new Set(commands.map((c) => c.event.data.commandId))],
      },
    };
    if (!event.traceparent) delete event.traceparent;
    return { key: aggregateKey(tenant, docId), event };
  }

  private async stateOf(tenant: string, docId: string): Promise<DocState> {
    const key = aggregateKey(tenant, docId);
    let state = this.cache.get(key);
    if (state) {
      this.cache.delete(key); // re-insert: most recently used last
    } else {
      state = await this.load(tenant, docId);
    }
    this.cache.set(key, state);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return state;
  }

  private async load(tenant: string, docId: string): Promise<DocState> {
    const { snapshot, changes } = await this.store.load(tenant, docId);
    let doc = snapshot ? A.load<CounterDoc>(snapshot.bytes, { actor: this.actor }) : A.init<CounterDoc>({ actor: this.actor });
    // One call for every change since the snapshot: applying them one by one costs time per call.
    if (changes.length > 0) [doc] = A.applyChanges(doc, changes.map((c) => c.change));
    const state: DocState = { doc, seq: changes.at(-1)?.seq ?? snapshot?.seq ?? 0, recent: [], applied: new Set() };
    this.remember(state, [...(snapshot?.recentCommandIds ?? []), ...changes.flatMap((c) => c.commandIds)]);
    this.logger.debug({ tenant, docId, seq: state.seq, changes: changes.length }, 'document loaded');
    return state;
  }

  private remember(state: DocState, ids: string[]): void {
    state.recent.push(...ids);
    for (const id of ids) state.applied.add(id);
    if (state.recent.length > DEDUP_WINDOW) {
      for (const id of state.recent.splice(0, state.recent.length - DEDUP_WINDOW)) state.applied.delete(id);
    }
  }
}
