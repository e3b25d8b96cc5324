import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { join, resolve } from 'node:path';
import { EVENT_BUS, EventBus, InvalidRecord } from './bus/event-bus.port';
import { KafkaEventBus } from './bus/kafka.event-bus';
import { MemoryEventBus } from './bus/memory.event-bus';
import { ThreadedKafkaEventBus } from './bus/threaded.event-bus';
import { Config } from './config/config';
import { HealthController } from './health/health.controller';
import { Readiness } from './health/readiness';
import { LocalObjectStore } from './object-store/local.object-store';
import { MinioObjectStore } from './object-store/minio.object-store';
import { OBJECT_STORE, ObjectStore } from './object-store/object-store.port';
import { Logger, createLogger } from './observability/logger';
import { Metrics } from './observability/metrics';
import { InstrumentedEventBus } from './observability/instrumented.event-bus';
import { timed } from './observability/timed';
import { MemoryPresenceStore } from './presence-store/memory.presence-store';
import { PRESENCE_STORE, PresenceStore } from './presence-store/presence-store.port';
import { RedisPresenceStore } from './presence-store/redis.presence-store';
import { CONFIG, LOGGER, SERVICE_NAME } from './platform.tokens';
import { ALL_TOPICS } from '@tandem/contracts';

export interface PlatformOptions {
  service: string;
  config: Config;
  /** Adapters this process needs besides the event bus. */
  objectStore?: boolean;
  presenceStore?: boolean;
  /** Base URL of the embedded object store's presigned links (default `PUBLIC_URL`, else localhost:PORT). */
  objectStorePublicUrl?: () => string;
}

/**
 * Creates the event bus the configuration asks for: Kafka if `KAFKA_BROKERS` is set, else in-process
 * on disk. Records that fail validation are counted (`tandem_bus_invalid_records_total`) and logged
 * here, once for every consumer of the process. Either is wrapped in {@link InstrumentedEventBus}
 * (bus metrics, consumer lag and trace spans across the Kafka hops).
 */
export function createEventBus(config: Config, logger: Logger, metrics: Metrics, clientId: string, logName = clientId): EventBus {
  const reportInvalid = (record: InvalidRecord) => {
    metrics.invalidRecords.inc({ topic: record.topic });
    logger.error({ err: record.error, topic: record.topic, partition: record.partition, offset: record.offset }, 'skipped an invalid record');
  };
  const kafka = config.KAFKA_BROKERS && { brokers: config.KAFKA_BROKERS, clientId, partitions: config.KAFKA_PARTITIONS, sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS, logger, reportInvalid };
  const bus = !kafka
    ? new MemoryEventBus({ dataDir: resolve(config.DATA_DIR), logger, reportInvalid })
    : config.KAFKA_CLIENT_THREAD
      ? new ThreadedKafkaEventBus({ ...kafka, log: { name: logName, level: config.LOG_LEVEL } })
      : new KafkaEventBus(kafka);
  return new InstrumentedEventBus(bus, metrics);
}

/** Object store operations, timed into `tandem_object_store_seconds` and traced. */
export const OBJECT_STORE_OPERATIONS = ['ensureBucket', 'put', 'get', 'getRange', 'stat', 'delete', 'presignPut', 'presignGet', 'createMultipartUpload', 'presignUploadPart', 'listParts', 'completeMultipartUpload', 'abortMultipartUpload'] as const;
/** Presence store operations, timed into `tandem_store_seconds{operation="presence.*"}` and traced. */
export const PRESENCE_STORE_OPERATIONS = ['upsert', 'remove', 'list', 'takeExpired'] as const;

export function createObjectStore(config: Config, publicUrl?: () => string): ObjectStore {
  if (config.S3_ENDPOINT) {
    return new MinioObjectStore({ endpoint: config.S3_ENDPOINT, accessKey: config.S3_ACCESS_KEY!, secretKey: config.S3_SECRET_KEY!, bucket: config.S3_BUCKET, region: config.S3_REGION });
  }
  return new LocalObjectStore({ directory: join(resolve(config.DATA_DIR), 'objects'), publicUrl: publicUrl ?? (() => config.PUBLIC_URL ?? `http://localhost:${config.PORT}`) });
}

export function createPresenceStore(config: Config): PresenceStore {
  return config.REDIS_URL ? new RedisPresenceStore(config.REDIS_URL) : new MemoryPresenceStore();
}

class PlatformLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    this.logger.info('event bus closed');
  }
}

/**
 * The platform of one process: configuration, logger, metrics, health endpoints and the adapters the
 * configuration selects. Global, so each service module injects only the ports it uses.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const { config, service } = options;
    const logger = createLogger({ name: service, level: config.LOG_LEVEL });
    const metrics = new Metrics(service);
    const readiness = new Readiness();
    const bus = createEventBus(config, logger, metrics, `${config.KAFKA_CLIENT_ID}-${service}`, service);
    readiness.add('event-bus', () => bus.checkReady());
    const providers: Provider[] = [
      { provide: SERVICE_NAME, useValue: service },
      { provide: CONFIG, useValue: config },
      { provide: LOGGER, useValue: logger },
      { provide: Metrics, useValue: metrics },
      { provide: Readiness, useValue: readiness },
      {
        provide: EVENT_BUS,
        useFactory: async () => {
          await bus.ensureTopics(ALL_TOPICS);
          return bus;
        },
      },
      PlatformLifecycle,
    ];
    const exported: Array<string | symbol | Provider | Function> = [SERVICE_NAME, CONFIG, LOGGER, Metrics, Readiness, EVENT_BUS];
    if (options.objectStore) {
      providers.push({
        provide: OBJECT_STORE,
        useFactory: async () => {
          const store = timed(createObjectStore(config, options.objectStorePublicUrl), metrics.objectStoreLatency, 'object', OBJECT_STORE_OPERATIONS);
          await store.ensureBucket();
          readiness.add('object-store', () => store.checkReady());
          return store;
        },
      });
      exported.push(OBJECT_STORE);
    }
    if (options.presenceStore) {
      providers.push({
        provide: PRESENCE_STORE,
        useFactory: () => {
          const store = timed(createPresenceStore(config), metrics.storeLatency, 'presence', PRESENCE_STORE_OPERATIONS);
          readiness.add('presence-store', () => store.checkReady());
          return store;
        },
      });
      exported.push(PRESENCE_STORE);
    }
    return { module: PlatformModule, controllers: [HealthController], providers, exports: exported };
  }
}
