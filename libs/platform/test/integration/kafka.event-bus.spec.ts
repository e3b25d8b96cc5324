import { TOPICS } from '@tandem/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaEventBus } from '../../src/bus/kafka.event-bus';
import { ThreadedKafkaEventBus } from '../../src/bus/threaded.event-bus';
import { runEventBusContract } from '../../src/bus/event-bus.contract';
import { createLogger } from '../../src/observability/logger';
import { eventually, requireEnv, uniqueId } from '../../src/testing/eventually';
import { incrementRecord } from '../../src/testing/factories';

const logger = createLogger({ name: 'test', level: 'error' });
const adapters = {
  // The client on the caller's thread (KAFKA_CLIENT_THREAD=false).
  Kafka: (brokers: string[], clientId: string) => new KafkaEventBus({ brokers, clientId, partitions: 6, logger }),
  // The client on a worker thread of its own (the default).
  'Kafka on its own thread': (brokers: string[], clientId: string) => new ThreadedKafkaEventBus({ brokers, clientId, partitions: 6, logger, log: { name: 'test', level: 'error' } }),
};

for (const [name, create] of Object.entries(adapters)) {
  runEventBusContract(
    name,
    async () => {
      const brokers = requireEnv('KAFKA_BROKERS').split(',');
      const bus = create(brokers, 'contract-a');
      const secondBus = create(brokers, 'contract-b');
      const raw = new Kafka({ brokers, clientId: 'contract-raw', logLevel: logLevel.NOTHING }).producer();
      await raw.connect();
      return {
        bus,
        secondBus,
        injectRaw: async (topic, record) => {
          await raw.send({ topic, messages: [{ key: record.key, value: record.value, headers: record.headers }] });
        },
        teardown: async () => {
          await Promise.all([bus.close(), secondBus.close(), raw.disconnect()]);
        },
      };
    },
    60_000,
  );
}

for (const [name, create] of Object.entries(adapters)) {
  describe(`${name}: fetchLingerMs`, () => {
    it('gathers a trickle of records into a few batches, every record delivered once and in order', async () => {
      const brokers = requireEnv('KAFKA_BROKERS').split(',');
      const bus = create(brokers, 'linger');
      const tenant = uniqueId('tenant');
      const batches: number[][] = [];
      try {
        await bus.ensureTopics([TOPICS.docsCommands]);
        const sub = await bus.subscribe({
          groupId: uniqueId('linger'),
          topics: [TOPICS.docsCommands],
          fetchLingerMs: 250,
          handleBatch: async (batch) => {
            const mine = batch.records.filter((r) => r.event.tenant === tenant).map((r) => (r.event.data as { by: number }).by);
            if (mine.length > 0) batches.push(mine);
          },
        });
        // 40 records, one every 10 ms (400 ms), all for one document (one partition).
        for (let by = 1; by <= 40; by++) {
          const record = incrementRecord(tenant, 'trickle');
          await bus.publish(TOPICS.docsCommands, [{ ...record, event: { ...record.event, data: { ...record.event.data, by } } }]);
          await new Promise((r) => setTimeout(r, 10));
        }
        await eventually(() => expect(batches.flat()).toEqual(Array.from({ length: 40 }, (_, i) => i + 1)), 15_000);
        // Without the linger each fetch returns as soon as a record is there: about one batch per record.
        expect(batches.length).toBeLessThanOrEqual(8);
        await sub.close();
      } finally {
        await bus.close();
      }
    }, 60_000);
  });
}

describe('Kafka on its own thread', () => {
  const topic = TOPICS.docsCommands;
  let brokers: string[];
  beforeAll(() => {
    brokers = requireEnv('KAFKA_BROKERS').split(',');
  });

  /** Busy-waits: the caller's event loop does nothing else meanwhile (as a saturated gateway's). */
  const block = (ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until);
  };

  it("sends a publish to Kafka while the caller's event loop is blocked", async () => {
    const bus = new ThreadedKafkaEventBus({ brokers, clientId: 'thread-blocked', partitions: 6, logger, log: { name: 'test', level: 'error' } });
    const kafka = new Kafka({ brokers, clientId: 'thread-blocked-reader', logLevel: logLevel.NOTHING });
    const reader = kafka.consumer({ groupId: uniqueId('thread-blocked') });
    try {
      await bus.ensureTopics([topic]);
      await bus.checkReady();
      const record = incrementRecord(uniqueId('tenant'), 'doc-blocked');
      const seen: number[] = [];
      await reader.connect();
      await reader.subscribe({ topics: [topic], fromBeginning: false });
      const joined = new Promise<void>((resolve) => reader.on(reader.events.GROUP_JOIN, () => resolve()));
      await reader.run({ eachMessage: async ({ message }) => void (message.key?.toString() === record.key && seen.push(Number(message.timestamp))) });
      await joined;
      await new Promise((r) => setTimeout(r, 1_000)); // the reader's first fetch is under way
      const published = bus.publish(topic, [record]);
      const blockedAt = Date.now();
      block(3_000);
      const unblockedAt = Date.now();
      await published;
      await eventually(() => expect(seen).toHaveLength(1), 15_000);
      // The record's timestamp is the producer's (CreateTime): it was sent while this thread was blocked.
      expect(seen[0]).toBeGreaterThanOrEqual(blockedAt);
      expect(seen[0]).toBeLessThan(unblockedAt - 1_000);
    } finally {
      await Promise.all([bus.close(), reader.disconnect()]);
    }
  }, 60_000);

  it('fails every call with a message to restart once its thread is gone', async () => {
    const bus = new ThreadedKafkaEventBus({ brokers, clientId: 'thread-gone', partitions: 6, logger: createLogger({ name: 'test', level: 'silent' }), log: { name: 'test', level: 'silent' } });
    await bus.checkReady();
    // The thread dying (an out-of-memory kill of the isolate, a crash in a native module).
    await (bus as unknown as { worker: import('node:worker_threads').Worker }).worker.terminate();
    await expect(bus.checkReady()).rejects.toThrow(/Kafka client thread exited.*restart the process/);
    await expect(bus.publish(topic, [incrementRecord(uniqueId('tenant'), 'doc-gone')])).rejects.toThrow(/restart the process/);
    await bus.close();
  }, 60_000);
});
