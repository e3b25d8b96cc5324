import { ContractError, type ContractErrorCode, type TopicName } from '@tandem/contracts';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../observability/logger';
import type { ConsumedBatch, ConsumedRecord, ConsumerLag, EventBus, InvalidRecord, PublishRecord, Settling, SubscribeOptions, Subscription } from './event-bus.port';
import type { KafkaEventBusOptions } from './kafka.event-bus';
import { encodeRecords, WireRecord } from './records';

/** What the worker is started with: the Kafka bus's options, less what cannot cross a thread. */
export interface KafkaThreadData {
  kafka: Omit<KafkaEventBusOptions, 'logger' | 'reportInvalid'>;
  /** The worker's own logger (same name and level as the process's). */
  log: { name: string; level: string };
}

/** An error as it crosses the thread boundary (a `ContractError` is rebuilt as one; other classes arrive as `Error`). */
export interface ThreadError {
  name: string;
  message: string;
  stack?: string;
  code?: ContractErrorCode;
  details?: unknown;
}

export const toThreadError = (error: unknown): ThreadError =>
  error instanceof ContractError
    ? { name: error.name, message: error.message, stack: error.stack, code: error.code, details: cloneable(error.details) }
    : error instanceof Error
      ? { name: error.name, message: error.message, stack: error.stack }
      : { name: 'Error', message: String(error) };

/** `value` if it can cross a thread (structured clone), else undefined: posting an uncloneable value would throw and lose the answer. */
function cloneable(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return undefined;
  }
}

export function fromThreadError(e: ThreadError): Error {
  const error = e.name === 'ContractError' && e.code ? new ContractError(e.code, e.message, e.details) : new Error(e.message);
  error.name = e.name;
  if (e.stack) error.stack = e.stack;
  return error;
}

/** Caller thread → Kafka thread. */
export type ToKafkaThread =
  | { op: 'call'; id: number; method: 'ensureTopics'; topics: readonly TopicName[] }
  | { op: 'call'; id: number; method: 'publish'; topic: TopicName; wire: readonly WireRecord[] }
  | { op: 'call'; id: number; method: 'endOffsets'; topic: TopicName }
  | { op: 'call'; id: number; method: 'checkReady' | 'consumerLag' | 'close' }
  | { op: 'subscribe'; id: number; sub: number; groupId: string; topics: readonly TopicName[]; fromBeginning: boolean; fetchLingerMs?: number }
  | { op: 'unsubscribe'; id: number; sub: number }
  | { op: 'handled'; batch: number; error?: ThreadError; settling?: boolean }
  | { op: 'settled'; batch: number; error?: ThreadError }
  | { op: 'invalidHandled'; invalid: number };

/** Kafka thread → caller thread. */
export type FromKafkaThread =
  | { op: 'result'; id: number; value?: unknown; error?: ThreadError }
  | { op: 'batch'; sub: number; batch: number; topic: TopicName; partition: number; records: ConsumedRecord<TopicName>[] }
  | { op: 'invalid'; sub: number; invalid: number; record: Omit<InvalidRecord, 'error'> & { error: ThreadError } };

// The worker runs the TypeScript sources like every Tandem process does (scripts/register.js: SWC).
const REGISTER = join(__dirname, '..', '..', '..', '..', 'scripts', 'register.js');
const WORKER = join(__dirname, 'threaded.event-bus.worker.ts');

export interface ThreadedKafkaEventBusOptions extends Omit<KafkaEventBusOptions, 'logger' | 'reportInvalid'> {
  logger: Logger;
  /** The worker's logger: the process's name and level. */
  log: { name: string; level: string };
  reportInvalid?: (record: InvalidRecord) => void;
}

/**
 * The Kafka event bus with its client (kafkajs: producer, consumers, their sockets and heartbeats)
 * on a worker thread of its own, so a caller whose event loop is saturated (a gateway writing to a
 * thousand sockets) still has its produce answers read, its next request sent and its heartbeats
 * beaten. Records are validated and encoded on the caller's thread (an invalid publish is refused
 * there, as with {@link KafkaEventBus}); consumed records are decoded on the Kafka thread and
 * handled on the caller's, the Kafka thread committing only once the caller's handler resolved (or
 * its {@link Settling} settled). If the thread dies, every call fails with a message saying so and
 * `checkReady` fails, so the readiness probe takes the process out of service.
 */
export class ThreadedKafkaEventBus implements EventBus {
  private readonly worker: Worker;
  private nextId = 1;
  private nextSub = 1;
  private readonly calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly subscriptions = new Map<number, SubscribeOptions<TopicName>>();
  private stopped?: Error;
  private closing?: Promise<void>;

  constructor(private readonly options: ThreadedKafkaEventBusOptions) {
    const { logger, log, reportInvalid, ...kafka } = options;
    const workerData: KafkaThreadData = { kafka, log };
    this.worker = new Worker(`require(${JSON.stringify(REGISTER)}); require(${JSON.stringify(WORKER)});`, { eval: true, workerData, name: 'kafka' });
    this.worker.on('message', (m: FromKafkaThread) => this.receive(m));
    this.worker.on('error', (error) => {
      logger.error({ err: error }, 'the Kafka client thread failed; this process can no longer publish or consume and must be restarted');
      this.stop(new Error(`the Kafka client thread failed (${error.message}); restart the process`));
    });
    this.worker.on('exit', (code) => {
      if (!this.closing) logger.error({ code }, 'the Kafka client thread exited; this process can no longer publish or consume and must be restarted');
      this.stop(new Error(`the Kafka client thread exited (code ${code})${this.closing ? ': the bus is closed' : '; restart the process'}`));
    });
  }

  ensureTopics(topics: readonly TopicName[]): Promise<void> {
    return this.call({ op: 'call', method: 'ensureTopics', topics }) as Promise<void>;
  }

  async publish<T extends TopicName>(topic: T, records: readonly PublishRecord<T>[]): Promise<void> {
    const wire = encodeRecords(topic, records);
    if (wire.length === 0) return;
    await this.call({ op: 'call', method: 'publish', topic, wire });
  }

  async subscribe<T extends TopicName>(options: SubscribeOptions<T>): Promise<Subscription> {
    const sub = this.nextSub++;
    this.subscriptions.set(sub, options as unknown as SubscribeOptions<TopicName>);
    try {
      await this.call({ op: 'subscribe', sub, groupId: options.groupId, topics: options.topics, fromBeginning: options.fromBeginning ?? false, fetchLingerMs: options.fetchLingerMs });
    } catch (error) {
      this.subscriptions.delete(sub);
      throw error;
    }
    let closed: Promise<void> | undefined;
    return {
      close: () =>
        (closed ??= (async () => {
          if (!this.stopped) await this.call({ op: 'unsubscribe', sub });
          this.subscriptions.delete(sub);
        })()),
    };
  }

  async endOffsets(topic: TopicName): Promise<Map<number, string>> {
    return (await this.call({ op: 'call', method: 'endOffsets', topic })) as Map<number, string>;
  }

  async checkReady(): Promise<void> {
    await this.call({ op: 'call', method: 'checkReady' });
  }

  async consumerLag(): Promise<ConsumerLag[]> {
    return (await this.call({ op: 'call', method: 'consumerLag' })) as ConsumerLag[];
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        if (!this.stopped) await this.call({ op: 'call', method: 'close' });
      } finally {
        await this.worker.terminate();
      }
    })();
    return this.closing;
  }

  private call(message: DistributiveOmit<ToKafkaThread & { id: number }, 'id'>): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  private stop(error: Error): void {
    this.stopped ??= error;
    for (const { reject } of this.calls.values()) reject(this.stopped);
    this.calls.clear();
  }

  private receive(m: FromKafkaThread): void {
    switch (m.op) {
      case 'result': {
        const call = this.calls.get(m.id);
        this.calls.delete(m.id);
        if (m.error) call?.reject(fromThreadError(m.error));
        else call?.resolve(m.value);
        return;
      }
      case 'batch':
        void this.handle(m);
        return;
      case 'invalid':
        void this.invalid(m);
        return;
    }
  }

  private async handle(m: Extract<FromKafkaThread, { op: 'batch' }>): Promise<void> {
    const options = this.subscriptions.get(m.sub);
    const reply = (message: ToKafkaThread) => {
      if (!this.stopped) this.worker.postMessage(message);
    };
    if (!options) return reply({ op: 'handled', batch: m.batch, error: { name: 'Error', message: 'the subscription is closed' } });
    const batch: ConsumedBatch<TopicName> = { topic: m.topic, partition: m.partition, records: m.records };
    let settling: void | Settling;
    try {
      settling = await options.handleBatch(batch);
    } catch (error) {
      return reply({ op: 'handled', batch: m.batch, error: toThreadError(error) });
    }
    reply({ op: 'handled', batch: m.batch, settling: !!settling });
    if (!settling) return;
    settling.settled.then(
      () => reply({ op: 'settled', batch: m.batch }),
      (error) => reply({ op: 'settled', batch: m.batch, error: toThreadError(error) }),
    );
  }

  private async invalid(m: Extract<FromKafkaThread, { op: 'invalid' }>): Promise<void> {
    // Buffers arrive as plain Uint8Arrays, the error as a ThreadError.
    const record: InvalidRecord = { ...m.record, error: fromThreadError(m.record.error), value: m.record.value ? Buffer.from(m.record.value) : m.record.value };
    try {
      const onInvalid = this.subscriptions.get(m.sub)?.onInvalid;
      if (onInvalid) await onInvalid(record);
      else if (this.options.reportInvalid) this.options.reportInvalid(record);
      else this.options.logger.error({ err: record.error, topic: record.topic, offset: record.offset }, 'skipped an invalid record');
    } catch (error) {
      this.options.logger.error({ err: error, topic: record.topic, offset: record.offset }, 'reporting an invalid record failed');
    } finally {
      if (!this.stopped) this.worker.postMessage({ op: 'invalidHandled', invalid: m.invalid } satisfies ToKafkaThread);
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
