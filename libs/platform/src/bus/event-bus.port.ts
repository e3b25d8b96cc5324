import type { EventOfType, EventTypeOf, TopicEvent, TopicName } from '@tandem/contracts';

/** A record to publish: the key is the tenant-scoped aggregate id (see `aggregateKey`). */
export interface PublishRecord<T extends TopicName> {
  key: string;
  event: TopicEvent<T>;
}

/** A record as a consumer receives it, already validated against its schema. */
export interface ConsumedRecord<T extends TopicName> {
  topic: T;
  partition: number;
  offset: string;
  key: string;
  event: TopicEvent<T>;
}

/** A consumed record of one event type (after checking `event.type`). */
export type ConsumedRecordOf<T extends TopicName, E extends EventTypeOf<T>> = Omit<ConsumedRecord<T>, 'event'> & { event: EventOfType<T, E> };

/** Records of one partition, in order. Offsets are committed only after the handler resolves. */
export interface ConsumedBatch<T extends TopicName> {
  topic: T;
  partition: number;
  records: ConsumedRecord<T>[];
}

/**
 * A batch whose handler did the part that cannot wait and finishes the rest in the background (a
 * pipeline): the bus may hand over the partition's next batches meanwhile, and commits the batch
 * only once `settled` resolves, batches in order. If `settled` rejects, the partition is rewound
 * to that batch, which is redelivered with every batch after it. How many batches of a partition
 * may be unsettled at once is the bus's to bound (the next handover waits for the oldest).
 */
export interface Settling {
  settled: Promise<void>;
}

/** A record that failed validation on consume; it is skipped so it never stops the stream. */
export interface InvalidRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  error: Error;
  /** The record's headers and value exactly as received (for dead-letter topics). */
  headers?: Record<string, string | undefined>;
  value?: Buffer | null;
}

export interface SubscribeOptions<T extends TopicName> {
  /** Consumers sharing a group id split the partitions; each record goes to one of them. */
  groupId: string;
  topics: readonly T[];
  /** Where a group with no committed offset starts: the oldest record (true) or only new ones (false). */
  fromBeginning?: boolean;
  /**
   * How long a fetch may wait for more records before handing over what it has (Kafka's
   * `fetch.max.wait.ms` with a large `fetch.min.bytes`), so a steady trickle of records comes in
   * fewer, larger batches: at most one batch per partition every this many ms, unless a megabyte
   * is waiting. Trades that much latency for the handler's per-batch cost. Unset: a fetch returns
   * as soon as one record is there. The in-memory bus hands records over at once either way.
   */
  fetchLingerMs?: number;
  /**
   * Processes one partition's batch. Resolving commits the batch; throwing redelivers it
   * (at-least-once), so handlers must be idempotent. Resolving with {@link Settling} hands the
   * partition's next batch over at once and commits this one when `settled` resolves.
   */
  handleBatch(batch: ConsumedBatch<T>): Promise<void | Settling>;
  /** Called for each record that fails validation; defaults to the bus's own reporter (count and log). */
  onInvalid?(record: InvalidRecord): Promise<void> | void;
}

/** How far one consumer group is behind on one partition. */
export interface ConsumerLag {
  group: string;
  topic: string;
  partition: number;
  /** Records after the group's committed offset (the whole partition if it has committed none). */
  lag: number;
}

export interface Subscription {
  /** Stops consuming after the batch in progress, commits what was processed and leaves the group. */
  close(): Promise<void>;
}

/**
 * The event bus port: Kafka in production, an in-process log in embedded mode. Both give per-key
 * ordering, consumer groups and at-least-once delivery; `runEventBusContract` holds them to it.
 */
export interface EventBus {
  /** Creates the topics if missing (idempotent). */
  ensureTopics(topics: readonly TopicName[]): Promise<void>;
  /**
   * Validates every record against its schema, then publishes them. Resolves only once the bus has
   * durably acknowledged every record (Kafka `acks=all`); rejects without publishing anything if a
   * record is invalid.
   */
  publish<T extends TopicName>(topic: T, records: readonly PublishRecord<T>[]): Promise<void>;
  /** Joins a consumer group; resolves once the consumer is running and has its partitions. */
  subscribe<T extends TopicName>(options: SubscribeOptions<T>): Promise<Subscription>;
  /**
   * The offset after the last record of each partition of `topic` (what a reader from the beginning
   * has to reach to have seen everything published so far): partition → offset, as decimal strings.
   */
  endOffsets(topic: TopicName): Promise<Map<number, string>>;
  /** Resolves when the bus can publish (for readiness probes); rejects with the reason otherwise. */
  checkReady(): Promise<void>;
  /** Lag of the consumer groups this process subscribed, per partition (for `tandem_bus_consumer_lag`). */
  consumerLag?(): Promise<ConsumerLag[]>;
  /** Closes every subscription (gracefully) and the producer. */
  close(): Promise<void>;
}

export const EVENT_BUS = Symbol('EventBus');
