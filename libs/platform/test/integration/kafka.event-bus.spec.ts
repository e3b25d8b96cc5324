import { Kafka, logLevel } from 'kafkajs';
import { KafkaEventBus } from '../../src/bus/kafka.event-bus';
import { runEventBusContract } from '../../src/bus/event-bus.contract';
import { createLogger } from '../../src/observability/logger';
import { requireEnv } from '../../src/testing/eventually';

runEventBusContract(
  'Kafka',
  async () => {
    const brokers = requireEnv('KAFKA_BROKERS').split(',');
    const logger = createLogger({ name: 'test', level: 'error' });
    const bus = new KafkaEventBus({ brokers, clientId: 'contract-a', partitions: 6, logger });
    const secondBus = new KafkaEventBus({ brokers, clientId: 'contract-b', partitions: 6, logger });
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
