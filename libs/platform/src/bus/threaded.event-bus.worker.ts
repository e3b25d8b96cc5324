/**
 * The Kafka thread of {@link ThreadedKafkaEventBus}: a {@link KafkaEventBus} serving the calls of the
 * thread that started it, and handing it consumed batches (committed once it says they are handled
 * or settled). Started by `ThreadedKafkaEventBus` only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TopicName } from '@tandem/contracts';
import { createLogger } from '../observability/logger';
import type { Settling, Subscription } from './event-bus.port';
import { KafkaEventBus } from './kafka.event-bus';
import { fromThreadError, toThreadError, type FromKafkaThread, type KafkaThreadData, type ToKafkaThread } from './threaded.event-bus';

const port = parentPort!;
const data = workerData as KafkaThreadData;
const logger = createLogger({ name: data.log.name, level: data.log.level });
const bus = new KafkaEventBus({ ...data.kafka, logger });
const subscriptions = new Map<number, Subscription>();
let nextBatch = 1;
let nextInvalid = 1;
/** Batches with the caller's handler: resolved with its answer. */
const handling = new Map<number, { resolve: (settling: void | Settling) => void; reject: (e: Error) => void }>();
/** Batches the caller settles in the background. */
const settling = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
const invalids = new Map<number, () => void>();
const post = (m: FromKafkaThread) => port.postMessage(m);

async function serve(m: Extract<ToKafkaThread, { id: number }>): Promise<unknown> {
  if (m.op === 'subscribe') {
    const { sub } = m;
    const subscription = await bus.subscribe({
      groupId: m.groupId,
      topics: m.topics,
      fromBeginning: m.fromBeginning,
      fetchLingerMs: m.fetchLingerMs,
      handleBatch: (batch) =>
        new Promise<void | Settling>((resolve, reject) => {
          const id = nextBatch++;
          handling.set(id, { resolve, reject });
          post({ op: 'batch', sub, batch: id, topic: batch.topic, partition: batch.partition, records: batch.records });
        }),
      onInvalid: (record) =>
        new Promise<void>((resolve) => {
          const id = nextInvalid++;
          invalids.set(id, resolve);
          post({ op: 'invalid', sub, invalid: id, record: { ...record, error: toThreadError(record.error) } });
        }),
    });
    subscriptions.set(sub, subscription);
    return undefined;
  }
  if (m.op === 'unsubscribe') {
    await subscriptions.get(m.sub)?.close();
    subscriptions.delete(m.sub);
    return undefined;
  }
  switch (m.method) {
    case 'ensureTopics':
      return bus.ensureTopics(m.topics);
    case 'publish':
      // Buffers arrive as plain Uint8Arrays; kafkajs wants Buffers.
      return bus.publishEncoded(m.topic as TopicName, m.wire.map((r) => ({ ...r, value: Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength) })));
    case 'endOffsets':
      return bus.endOffsets(m.topic);
    case 'checkReady':
      return bus.checkReady();
    case 'consumerLag':
      return bus.consumerLag();
    case 'close':
      await bus.close();
      subscriptions.clear();
      return undefined;
  }
}

port.on('message', (m: ToKafkaThread) => {
  switch (m.op) {
    case 'handled': {
      const h = handling.get(m.batch);
      handling.delete(m.batch);
      if (!h) return;
      if (m.error) return h.reject(fromThreadError(m.error));
      if (!m.settling) return h.resolve();
      const settled = new Promise<void>((resolve, reject) => settling.set(m.batch, { resolve, reject }));
      return h.resolve({ settled });
    }
    case 'settled': {
      const s = settling.get(m.batch);
      settling.delete(m.batch);
      if (m.error) s?.reject(fromThreadError(m.error));
      else s?.resolve();
      return;
    }
    case 'invalidHandled':
      invalids.get(m.invalid)?.();
      invalids.delete(m.invalid);
      return;
    default:
      serve(m).then(
        (value) => post({ op: 'result', id: m.id, value }),
        (error: unknown) => post({ op: 'result', id: m.id, error: toThreadError(error) }),
      );
  }
});
