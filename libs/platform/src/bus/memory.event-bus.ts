import { ALL_TOPICS, TopicName } from '@tandem/contracts';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../observability/logger';
import type { ConsumedRecord, ConsumerLag, EventBus, InvalidRecord, PublishRecord, SubscribeOptions, Subscription } from './event-bus.port';
import { WireRecord, decodeRecord, encodeRecords } from './records';

interface StoredRecord extends WireRecord {
  offset: number;
}

interface Member {
  id: number;
  groupId: string;
  topics: readonly TopicName[];
  options: SubscribeOptions<TopicName>;
  assigned: string[];
  running: boolean;
  wake: () => void;
  loop: Promise<void>;
}

interface Group {
  members: Member[];
  committed: Map<string, number>;
}

export interface MemoryEventBusOptions {
  /** Partitions per topic. */
  partitions?: number;
  /** If set, the log and committed offsets are kept on disk here and reloaded on start. */
  dataDir?: string;
  /** Records per delivered batch at most. */
  maxBatchSize?: number;
  /** Delay before a failed batch is redelivered. */
  retryDelayMs?: number;
  logger?: Logger;
  /** Reports records that fail validation, for subscriptions without their own `onInvalid`. */
  reportInvalid?: (record: InvalidRecord) => void;
}

const tp = (topic: string, partition: number) => `${topic}#${partition}`;

/** FNV-1a: a stable key → partition mapping so one key always lands in one partition. */
function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

/**
 * The embedded event bus: an in-process partitioned log with consumer groups, per-key ordering and
 * at-least-once delivery, like Kafka. With `dataDir` it appends every record to disk before
 * acknowledging it and keeps committed offsets there, so an acknowledged write survives a restart.
 */
export class MemoryEventBus implements EventBus {
  private readonly partitions: number;
  private readonly logs = new Map<string, StoredRecord[]>();
  private readonly groups = new Map<string, Group>();
  private readonly maxBatchSize: number;
  private readonly retryDelayMs: number;
  private nextMemberId = 1;
  private closed = false;

  constructor(private readonly options: MemoryEventBusOptions = {}) {
    this.partitions = options.partitions ?? 4;
    this.maxBatchSize = options.maxBatchSize ?? 500;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    if (options.dataDir) this.load(options.dataDir);
  }

  async ensureTopics(topics: readonly TopicName[]): Promise<void> {
    for (const topic of topics) this.logOf(topic, 0);
  }

  async publish<T extends TopicName>(topic: T, records: readonly PublishRecord<T>[]): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
    const wire = encodeRecords(topic, records);
    for (const record of wire) this.append(topic, partitionOf(record.key, this.partitions), record);
    this.wakeAll();
  }

  /** Appends an encoded record without validation: tests use it to inject a malformed record. */
  appendRaw(topic: TopicName, record: WireRecord): void {
    this.append(topic, partitionOf(record.key, this.partitions), record);
    this.wakeAll();
  }

  async subscribe<T extends TopicName>(options: SubscribeOptions<T>): Promise<Subscription> {
    if (this.closed) throw new Error('event bus is closed');
    const group = this.groupOf(options.groupId);
    // A new group starts at the log end unless it reads from the beginning, as in Kafka.
    for (const topic of options.topics) {
      for (let p = 0; p < this.partitions; p++) {
        const key = tp(topic, p);
        if (!group.committed.has(key)) group.committed.set(key, options.fromBeginning ? 0 : this.logOf(topic, p).length);
      }
    }
    let wake: () => void = () => undefined;
    const member: Member = {
      id: this.nextMemberId++,
      groupId: options.groupId,
      topics: options.topics,
      options: options as unknown as SubscribeOptions<TopicName>,
      assigned: [],
      running: true,
      wake: () => wake(),
      loop: Promise.resolve(),
    };
    group.members.push(member);
    this.rebalance(group);
    member.loop = this.consume(member, group, (w) => (wake = w));
    return {
      close: async () => {
        if (!member.running) return;
        member.running = false;
        member.wake();
        await member.loop;
        group.members = group.members.filter((m) => m !== member);
        this.rebalance(group);
      },
    };
  }

  async endOffsets(topic: TopicName): Promise<Map<number, string>> {
    const ends = new Map<number, string>();
    for (let p = 0; p < this.partitions; p++) ends.set(p, String(this.logOf(topic, p).length));
    return ends;
  }

  async checkReady(): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
  }

  async consumerLag(): Promise<ConsumerLag[]> {
    const out: ConsumerLag[] = [];
    for (const [group, g] of this.groups) {
      if (g.members.length === 0) continue;
      for (const [key, committed] of g.committed) {
        const [topic, p] = key.split('#') as [TopicName, string];
        out.push({ group, topic, partition: Number(p), lag: Math.max(0, this.logOf(topic, Number(p)).length - committed) });
      }
    }
    return out;
  }

  async close(): Promise<void> {
    const members = [...this.groups.values()].flatMap((g) => g.members);
    for (const m of members) m.running = false;
    this.wakeAll();
    await Promise.all(members.map((m) => m.loop));
    this.closed = true;
  }

  private async consume(member: Member, group: Group, setWake: (w: () => void) => void): Promise<void> {
    while (member.running) {
      let progressed = false;
      for (const key of member.assigned) {
        if (!member.running) break;
        const [topic, p] = key.split('#') as [TopicName, string];
        const partition = Number(p);
        const log = this.logOf(topic, partition);
        const from = group.committed.get(key) ?? 0;
        if (from >= log.length) continue;
        const slice = log.slice(from, from + this.maxBatchSize);
        const records: ConsumedRecord<TopicName>[] = [];
        for (const stored of slice) {
          const decoded = decodeRecord(topic, partition, String(stored.offset), stored.key, stored.headers, stored.value);
          if ('record' in decoded) records.push(decoded.record);
          else await this.reportInvalid(member, decoded.invalid);
        }
        try {
          // A pipelined batch is settled before the next: in process, nothing is gained by overlapping.
          if (records.length > 0) await (await member.options.handleBatch({ topic, partition, records }))?.settled;
          // Still assigned? A rebalance during the batch hands the partition over; its new owner re-reads.
          if (member.assigned.includes(key)) this.commit(group, member.groupId, key, from + slice.length);
          progressed = true;
        } catch (error) {
          this.options.logger?.warn({ err: error, topic, partition, groupId: member.groupId }, 'batch failed; redelivering');
          await new Promise((r) => setTimeout(r, this.retryDelayMs));
          progressed = true; // retry the same batch rather than waiting for new records
        }
      }
      if (!progressed && member.running) await new Promise<void>((resolve) => setWake(resolve));
    }
  }

  private async reportInvalid(member: Member, invalid: InvalidRecord): Promise<void> {
    if (member.options.onInvalid) await member.options.onInvalid(invalid);
    else if (this.options.reportInvalid) this.options.reportInvalid(invalid);
    else this.options.logger?.error({ err: invalid.error, topic: invalid.topic, offset: invalid.offset }, 'skipped an invalid record');
  }

  private rebalance(group: Group): void {
    const byTopic = new Map<TopicName, Member[]>();
    for (const m of group.members) {
      m.assigned = [];
      for (const t of m.topics) byTopic.set(t, [...(byTopic.get(t) ?? []), m]);
    }
    for (const [topic, members] of byTopic) {
      for (let p = 0; p < this.partitions; p++) members[p % members.length].assigned.push(tp(topic, p));
    }
    for (const m of group.members) m.wake();
  }

  private commit(group: Group, groupId: string, key: string, offset: number): void {
    group.committed.set(key, offset);
    if (!this.options.dataDir) return;
    const file = join(this.options.dataDir, 'bus', 'offsets.json');
    const all = Object.fromEntries([...this.groups].map(([id, g]) => [id, Object.fromEntries(g.committed)]));
    all[groupId] = Object.fromEntries(group.committed);
    writeFileSync(`${file}.tmp`, JSON.stringify(all));
    renameSync(`${file}.tmp`, file);
  }

  private append(topic: TopicName, partition: number, record: WireRecord): void {
    const log = this.logOf(topic, partition);
    const stored = { ...record, offset: log.length };
    if (this.options.dataDir) {
      const line = JSON.stringify({ key: record.key, headers: record.headers, value: record.value.toString('base64') });
      // Synchronous on purpose: the record is in the OS before publish() resolves, so it survives a crash.
      appendFileSync(join(this.options.dataDir, 'bus', `${topic}#${partition}.jsonl`), line + '\n');
    }
    log.push(stored);
  }

  private logOf(topic: TopicName, partition: number): StoredRecord[] {
    const key = tp(topic, partition);
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = []));
    return log;
  }

  private groupOf(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) this.groups.set(groupId, (group = { members: [], committed: new Map() }));
    return group;
  }

  private wakeAll(): void {
    for (const g of this.groups.values()) for (const m of g.members) m.wake();
  }

  private load(dataDir: string): void {
    const dir = join(dataDir, 'bus');
    mkdirSync(dir, { recursive: true });
    const known = new Set<string>(ALL_TOPICS);
    for (const file of readdirSync(dir)) {
      const match = /^(.+)#(\d+)\.jsonl$/.exec(file);
      if (!match || !known.has(match[1])) continue;
      const log = this.logOf(match[1] as TopicName, Number(match[2]));
      const content = readFileSync(join(dir, file), 'utf8');
      const complete = content.slice(0, content.lastIndexOf('\n') + 1);
      // A torn last line from a crash mid-write was never acknowledged: cut it so appends stay aligned.
      if (complete.length !== content.length) truncateSync(join(dir, file), Buffer.byteLength(complete));
      for (const line of complete.split('\n')) {
        if (!line) continue;
        const parsed = JSON.parse(line) as { key: string; headers: Record<string, string>; value: string };
        log.push({ key: parsed.key, headers: parsed.headers, value: Buffer.from(parsed.value, 'base64'), offset: log.length });
      }
    }
    const offsets = join(dir, 'offsets.json');
    if (existsSync(offsets)) {
      for (const [groupId, committed] of Object.entries(JSON.parse(readFileSync(offsets, 'utf8')) as Record<string, Record<string, number>>)) {
        this.groupOf(groupId).committed = new Map(Object.entries(committed));
      }
    }
  }
}
