import { Link, SpanKind, context, trace } from '@opentelemetry/api';
import type { TopicName } from '@tandem/contracts';
import type { ConsumerLag, EventBus, PublishRecord, SubscribeOptions, Subscription } from '../bus/event-bus.port';
import type { Metrics } from './metrics';
import { currentTraceparent, inSpan, spanContextOf } from './tracing';

/** The lag read at one scrape is reused by scrapes within this long of it (it costs Kafka admin calls). */
const LAG_CACHE_MS = 2_000;
const LAG_TIMEOUT_MS = 5_000;

/**
 * Wraps an event bus (either adapter) with the platform's bus metrics and trace spans, so every
 * producer and consumer of the process is measured and traced the same way in embedded and Kafka
 * mode:
 *
 * - publish: a PRODUCER span `<topic> publish` (a child of the active span); each record's
 *   `traceparent` names that span, so the consumer continues the same trace across the Kafka hop.
 *   `tandem_bus_publish_seconds`, `tandem_bus_published_total`, `tandem_bus_publish_failures_total`.
 * - consume: a CONSUMER span `<topic> process` around each batch, the child of its first record's
 *   `traceparent` and linked to the others'; handlers that publish from inside continue it.
 *   `tandem_bus_consumed_total`, `tandem_bus_batch_seconds`, `tandem_bus_batch_failures_total`.
 * - `tandem_bus_consumer_lag`, read from the adapter at scrape time.
 */
export class InstrumentedEventBus implements EventBus {
  private lag?: { at: number; value: Promise<ConsumerLag[]> };

  constructor(
    private readonly inner: EventBus,
    private readonly metrics: Metrics,
  ) {
    metrics.readLagFrom(() => this.consumerLag());
  }

  ensureTopics(topics: readonly TopicName[]): Promise<void> {
    return this.inner.ensureTopics(topics);
  }

  async publish<T extends TopicName>(topic: T, records: readonly PublishRecord<T>[]): Promise<void> {
    if (records.length === 0) return;
    const stop = this.metrics.busPublishLatency.startTimer({ topic });
    try {
      await inSpan(
        `${topic} publish`,
        async () => {
          const traceparent = currentTraceparent();
          const traceId = trace.getSpan(context.active())?.spanContext().traceId;
          // Records of this trace (or of none) now name the producer span; others keep theirs.
          const stamped = records.map((r) => (traceparent && (!r.event.traceparent || r.event.traceparent.split('-')[1] === traceId) ? { ...r, event: { ...r.event, traceparent } } : r));
          await this.inner.publish(topic, stamped);
        },
        { kind: SpanKind.PRODUCER, parent: records[0].event.traceparent, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.batch.message_count': records.length } },
      );
      this.metrics.busPublished.inc({ topic }, records.length);
    } catch (error) {
      this.metrics.busPublishFailures.inc({ topic });
      throw error;
    } finally {
      stop();
    }
  }

  subscribe<T extends TopicName>(options: SubscribeOptions<T>): Promise<Subscription> {
    const group = options.groupId;
    return this.inner.subscribe({
      ...options,
      handleBatch: async (batch) => {
        const labels = { group, topic: batch.topic };
        this.metrics.busConsumed.inc(labels, batch.records.length);
        const stop = this.metrics.busBatchSeconds.startTimer(labels);
        const links: Link[] = batch.records
          .slice(1, 128)
          .map((r) => spanContextOf(r.event.traceparent))
          .filter((c) => c !== undefined)
          .map((c) => ({ context: c }));
        try {
          // A consumer runs outside any request: its span's parent is the record's, never an ambient one.
          await context.with(trace.deleteSpan(context.active()), () =>
            inSpan(`${batch.topic} process`, () => options.handleBatch(batch), {
              kind: SpanKind.CONSUMER,
              parent: batch.records[0]?.event.traceparent,
              links,
              attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': batch.topic, 'messaging.consumer.group.name': group, 'messaging.destination.partition.id': String(batch.partition), 'messaging.batch.message_count': batch.records.length },
            }),
          );
        } catch (error) {
          this.metrics.busBatchFailures.inc(labels);
          throw error;
        } finally {
          stop();
        }
      },
    });
  }

  endOffsets(topic: TopicName): Promise<Map<number, string>> {
    return this.inner.endOffsets(topic);
  }

  checkReady(): Promise<void> {
    return this.inner.checkReady();
  }

  consumerLag(): Promise<ConsumerLag[]> {
    if (!this.inner.consumerLag) return Promise.resolve([]);
    const now = Date.now();
    if (!this.lag || now - this.lag.at > LAG_CACHE_MS) {
      const read = this.inner.consumerLag();
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('consumer lag read timed out')), LAG_TIMEOUT_MS).unref());
      this.lag = { at: now, value: Promise.race([read, timeout]) };
    }
    return this.lag.value;
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** The adapter underneath (tests reach adapter-specific helpers through it). */
  unwrap(): EventBus {
    return this.inner;
  }
}
