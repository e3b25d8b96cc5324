import { COMPACTED_TOPICS, TopicName } from '@tandem/contracts';
import { Admin, Consumer, IHeaders, Kafka, logLevel, Message, Producer } from 'kafkajs';
import type { Logger } from '../observability/logger';
import type { ConsumedRecord, ConsumerLag, EventBus, InvalidRecord, PublishRecord, Settling, SubscribeOptions, Subscription } from './event-bus.port';
import { decodeRecord, encodeRecords, WireRecord } from './records';

export interface KafkaEventBusOptions {
  brokers: string[];
  clientId: string;
  /** Partitions of topics this bus creates. */
  partitions?: number;
  logger: Logger;
  /** How long `subscribe` waits for the consumer to join its group. */
  joinTimeoutMs?: number;
  /** Consumer session timeout (KAFKA_SESSION_TIMEOUT_MS; 30 s when unset). */
  sessionTimeoutMs?: number;
  /** Reports records that fail validation, for subscriptions without their own `onInvalid`. */
  reportInvalid?: (record: InvalidRecord) => void;
}

/**
 * Pipelined batches of one partition that may wait for their commit before a handover waits too.
 * A handler that settles its batches in passes (several queued batches at once) needs room for
 * every batch that arrives during one pass, else the fetch loop stalls behind it: a live stream
 * in small batches (one record each, dozens a second) must not wait here.
 */
const MAX_UNSETTLED = 256;

/** With `fetchLingerMs`: what a fetch waits for, at most that long (a megabyte). */
const FETCH_LINGER_MIN_BYTES = 1024 * 1024;

/** Records per produce request, in bytes (keys, values, headers): half the broker's default `message.max.bytes`. */
export const MAX_REQUEST_BYTES = 512 * 1024;

/** A record's size on the wire, roughly (the record's own framing counted as 64 bytes). */
function messageBytes(m: Message): number {
  let n = 64 + lengthOf(m.key) + lengthOf(m.value);
  for (const [k, v] of Object.entries(m.headers ?? {})) n += k.length + (Array.isArray(v) ? v.reduce((a, x) => a + lengthOf(x), 0) : lengthOf(v));
  return n;
}

function lengthOf(v: unknown): number {
  if (v == null) return 0;
  if (typeof v === 'string') return Buffer.byteLength(v);
  return (v as Buffer).length ?? 0;
}

/** Consecutive runs of `items` of at most `max` bytes each (an item bigger than that alone). */
function chunksOf<T extends { message: Message }>(items: T[], max: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = messageBytes(item.message);
    if (current.length > 0 && bytes + size > max) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    out[k] = first === undefined ? undefined : first.toString();
  }
  return out;
}

/**
 * The production event bus on Kafka (kafkajs): an idempotent producer with `acks=all`, consumer
 * groups that commit offsets only after a batch was handled, and graceful shutdown that finishes the
 * batch in progress and commits it.
 */
export class KafkaEventBus implements EventBus {
  private readonly kafka: Kafka;
  private producer?: Producer;
  private producerConnecting?: Promise<Producer>;
  private readonly consumers = new Set<Consumer>();
  private readonly partitions: number;
  /** Publishes waiting for the request in flight; they go out together in the next one. */
  private queue: Array<{ topic: string; messages: Message[]; resolve: () => void; reject: (e: unknown) => void }> = [];
  private sending = false;
  /** Groups this bus consumes in, and their topics (for {@link consumerLag}). */
  private readonly groups = new Map<string, { topics: readonly string[]; fromBeginning: boolean }>();
  private lagAdmin?: Promise<Admin>;
  private readonly pipelines = new Map<Consumer, { topics: readonly string[]; lines: Map<string, { tail: Promise<void> }> }>();

  constructor(private readonly options: KafkaEventBusOptions) {
    this.partitions = options.partitions ?? 6;
    const log = options.logger;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      retry: { initialRetryTime: 200, retries: 10 },
      logCreator: () => ({ level, log: entry }) => {
        const { message, ...rest } = entry;
        if (level <= logLevel.ERROR) log.error(rest, `kafka: ${message}`);
        else log.warn(rest, `kafka: ${message}`);
      },
    });
  }

  async ensureTopics(topics: readonly TopicName[]): Promise<void> {
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t));
      if (missing.length === 0) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: this.partitions,
          replicationFactor: -1,
          configEntries: COMPACTED_TOPICS.includes(topic) ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
        })),
      });
    } catch (error) {
      // Another process may have created them in the meantime; that is fine.
      if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
    } finally {
      await admin.disconnect();
    }
  }

  async publish<T extends TopicName>(topic: T, records: readonly PublishRecord<T>[]): Promise<void> {
    await this.publishEncoded(topic, encodeRecords(topic, records));
  }

  /** Publishes records already validated and encoded by `encodeRecords` (the threaded bus encodes on its caller's thread). */
  async publishEncoded(topic: TopicName, wire: readonly WireRecord[]): Promise<void> {
    if (wire.length === 0) return;
    const messages = wire.map((r) => ({ key: r.key, value: r.value, headers: r.headers }));
    await new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, messages, resolve, reject });
      void this.drain();
    });
  }

  /**
   * Sends queued publishes, as much as fits in one request (the idempotent producer allows one
   * request in flight): a burst of publishes waits about one round trip, not one per publish. A
   * request carries at most MAX_REQUEST_BYTES of records: Kafka refuses a whole request whose batch
   * for a partition exceeds the broker's `message.max.bytes` (1 MiB by default), so a backlog sent
   * in one request failed every publish in it, each retry joined the next backlog, and nothing got
   * through again (seen at 200 fan-out clients). Order is kept, so per-key order holds.
   */
  private async drain(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        let take = 0;
        let bytes = 0;
        for (const item of this.queue) {
          const size = item.messages.reduce((n, m) => n + messageBytes(m), 0);
          if (take > 0 && bytes + size > MAX_REQUEST_BYTES) break;
          take++;
          bytes += size;
        }
        const batch = this.queue.splice(0, take);
        const messages = batch.flatMap((item) => item.messages.map((message) => ({ topic: item.topic, message })));
        try {
          const producer = await this.connectProducer();
          // One publish larger than a request on its own goes in several, one after another.
          for (const chunk of chunksOf(messages, MAX_REQUEST_BYTES)) {
            const byTopic = new Map<string, Message[]>();
            for (const { topic, message } of chunk) byTopic.set(topic, [...(byTopic.get(topic) ?? []), message]);
            await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
          }
          for (const item of batch) item.resolve();
        } catch (error) {
          for (const item of batch) item.reject(error);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  async subscribe<T extends TopicName>(options: SubscribeOptions<T>): Promise<Subscription> {
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: Math.max(20_000, this.options.sessionTimeoutMs ?? 30_000),
      // A fetch with nothing to return waits on the broker for this long, and the broker answers the
      // requests of one connection in order: a commit (or heartbeat) sent meanwhile on the same
      // connection waits behind it. kafkajs's 5 s default held pipelined commits that long. With
      // `fetchLingerMs` every fetch waits that long unless a megabyte is there.
      ...(options.fetchLingerMs ? { maxWaitTimeInMs: options.fetchLingerMs, minBytes: FETCH_LINGER_MIN_BYTES } : { maxWaitTimeInMs: 250 }),
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 200, retries: 20 },
    });
    this.consumers.add(consumer);
    this.groups.set(options.groupId, { topics: options.topics, fromBeginning: options.fromBeginning ?? false });
    const joined = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumer of group ${options.groupId} did not join within the timeout; is Kafka reachable at ${this.options.brokers.join(',')}?`)), this.options.joinTimeoutMs ?? 30_000);
      consumer.on(consumer.events.GROUP_JOIN, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    /** Per partition: the pipelined batches not yet committed (see {@link Settling}). */
    const pipelines = new Map<string, { tail: Promise<void>; pending: number; generation: number }>();
    this.pipelines.set(consumer, { topics: options.topics, lines: pipelines });
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? false });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 2,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const topic = batch.topic as T;
        const records: ConsumedRecord<T>[] = [];
        for (const message of batch.messages) {
          const decoded = decodeRecord(topic, batch.partition, message.offset, message.key?.toString() ?? null, headersToStrings(message.headers), message.value);
          if ('record' in decoded) records.push(decoded.record);
          else if (options.onInvalid) await options.onInvalid(decoded.invalid);
          else if (this.options.reportInvalid) this.options.reportInvalid(decoded.invalid);
          else this.options.logger.error({ err: decoded.invalid.error, topic, offset: message.offset }, 'skipped an invalid record');
        }
        if (!isRunning() || isStale()) return;
        const key = `${topic}#${batch.partition}`;
        let settling: void | Settling = undefined;
        if (records.length > 0) {
          // Heartbeats go out only when asked for: a batch handled for longer than the session
          // timeout would get the member evicted, its commit refused, and the same batch
          // redelivered, again and again. So keep beating while the handler runs.
          const beating = setInterval(() => void heartbeat().catch(() => undefined), 3_000);
          try {
            settling = await options.handleBatch({ topic, partition: batch.partition, records });
            settling?.settled.catch(() => undefined); // awaited in order below; not an unhandled rejection meanwhile
          } finally {
            clearInterval(beating);
          }
        }
        const last = batch.messages[batch.messages.length - 1];
        if (!last || isStale()) return;
        const commit = () => consumer.commitOffsets([{ topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
        const line = pipelines.get(key);
        if (!settling && !line) {
          resolveOffset(last.offset);
          await commit();
          await heartbeat();
          return;
        }
        // Pipelined: the next fetch starts after this batch, its commit waits for `settled` (and for
        // every earlier batch of the partition), a failure rewinds the partition to this batch.
        const p = line ?? { tail: Promise.resolve(), pending: 0, generation: 0 };
        pipelines.set(key, p);
        const generation = p.generation;
        const first = batch.messages[0]!.offset;
        const settled = settling ? settling.settled : Promise.resolve();
        p.pending++;
        p.tail = p.tail.then(async () => {
          try {
            await settled;
          } catch (error) {
            if (generation !== p.generation) return;
            p.generation++;
            this.options.logger.warn({ err: error, topic, partition: batch.partition, offset: first }, 'a pipelined batch failed; redelivering from it');
            try {
              consumer.seek({ topic, partition: batch.partition, offset: first });
            } catch (seekError) {
              this.options.logger.warn({ err: seekError, topic, partition: batch.partition }, 'could not rewind; the next owner of the partition redelivers');
            }
            return;
          } finally {
            p.pending--;
            if (p.pending === 0 && pipelines.get(key) === p) pipelines.delete(key);
          }
          if (generation !== p.generation) return;
          // Refused after a rebalance: the partition's new owner redelivers from the last commit.
          await commit().catch((error) => this.options.logger.warn({ err: error, topic, partition: batch.partition }, 'could not commit a pipelined batch'));
        });
        resolveOffset(last.offset);
        if (p.pending > MAX_UNSETTLED) await p.tail;
        await heartbeat();
      },
    });
    await joined;
    return {
      close: async () => {
        if (!this.consumers.delete(consumer)) return;
        this.groups.delete(options.groupId);
        await this.settle(consumer);
        // disconnect() waits for the batch in progress, which commits before returning.
        await consumer.disconnect();
      },
    };
  }

  async endOffsets(topic: TopicName): Promise<Map<number, string>> {
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return new Map(offsets.map((o) => [o.partition, o.high]));
    } finally {
      await admin.disconnect();
    }
  }

  async checkReady(): Promise<void> {
    await this.connectProducer();
  }

  async consumerLag(): Promise<ConsumerLag[]> {
    if (this.groups.size === 0) return [];
    this.lagAdmin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error) => {
      this.lagAdmin = undefined;
      throw error;
    });
    const admin = await this.lagAdmin;
    const ends = new Map<string, Map<number, { low: bigint; high: bigint }>>();
    const out: ConsumerLag[] = [];
    for (const [group, { topics, fromBeginning }] of this.groups) {
      for (const t of topics) {
        if (!ends.has(t)) ends.set(t, new Map((await admin.fetchTopicOffsets(t)).map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }])));
      }
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId: group, topics: [...topics] })) {
        for (const { partition, offset } of partitions) {
          const end = ends.get(topic)?.get(partition);
          if (!end) continue;
          // Nothing committed yet: the group starts where `fromBeginning` says.
          const committed = BigInt(offset) >= 0n ? BigInt(offset) : fromBeginning ? end.low : end.high;
          out.push({ group, topic, partition, lag: Number(end.high > committed ? end.high - committed : 0n) });
        }
      }
    }
    return out;
  }

  async close(): Promise<void> {
    const admin = this.lagAdmin;
    this.lagAdmin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
    await Promise.all([...this.consumers].map(async (c) => {
      await this.settle(c);
      await c.disconnect();
    }));
    this.consumers.clear();
    this.groups.clear();
    if (this.producer) await this.producer.disconnect();
    this.producer = undefined;
    this.producerConnecting = undefined;
  }

  /** Stops fetching and waits until every pipelined batch of `consumer` is settled and committed. */
  private async settle(consumer: Consumer): Promise<void> {
    const entry = this.pipelines.get(consumer);
    this.pipelines.delete(consumer);
    if (!entry || entry.lines.size === 0) return;
    const { topics, lines } = entry;
    consumer.pause(topics.map((topic) => ({ topic })));
    while (lines.size > 0) await Promise.all([...lines.values()].map((l) => l.tail));
  }

  private async connectProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.producerConnecting ??= (async () => {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      this.producer = producer;
      return producer;
    })().catch((error) => {
      this.producerConnecting = undefined;
      throw error;
    });
    return this.producerConnecting;
  }
}
