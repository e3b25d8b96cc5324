import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus registry: Node runtime metrics plus Tandem's own (`tandem_` prefix).
 * One instance per process, served on `/metrics`.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly socketConnections: Gauge;
  readonly messagesIn: Counter;
  readonly messagesOut: Counter;
  readonly fanoutLatency: Histogram;
  /** Observed by the event bus wrapper on every publish: do not time publishes again in services. */
  readonly busPublishLatency: Histogram;
  readonly crdtMergeSeconds: Histogram;
  readonly crdtMergeBatchSize: Histogram;
  readonly storeLatency: Histogram;
  readonly invalidRecords: Counter;
  readonly limitRejections: Counter;
  readonly kicks: Counter;
  readonly aclChangeLatency: Histogram;
  readonly socketRooms: Gauge;
  readonly busPublished: Counter;
  readonly busPublishFailures: Counter;
  readonly busConsumed: Counter;
  readonly busBatchSeconds: Histogram;
  readonly busBatchFailures: Counter;
  readonly busConsumerLag: Gauge;
  readonly objectStoreLatency: Histogram;
  private roomCount: () => number = () => 0;
  private lagSource: () => Promise<Array<{ group: string; topic: string; partition: number; lag: number }>> = async () => [];

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'tandem_' });
    const r = [this.registry];
    this.socketConnections = new Gauge({ name: 'tandem_socket_connections', help: 'Open Socket.IO connections on this gateway', registers: r });
    this.messagesIn = new Counter({ name: 'tandem_messages_in_total', help: 'Client messages received, by type and outcome', labelNames: ['type', 'outcome'], registers: r });
    this.messagesOut = new Counter({ name: 'tandem_messages_out_total', help: 'Events emitted to rooms, by type', labelNames: ['type'], registers: r });
    this.fanoutLatency = new Histogram({
      name: 'tandem_fanout_latency_seconds',
      help: 'From the event time to its emit to the room',
      labelNames: ['type'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: r,
    });
    this.busPublishLatency = new Histogram({
      name: 'tandem_bus_publish_seconds',
      help: 'Time until the event bus acknowledged a publish',
      labelNames: ['topic'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: r,
    });
    this.crdtMergeSeconds = new Histogram({ name: 'tandem_crdt_merge_seconds', help: 'Time to merge one batch of changes into a document', buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1], registers: r });
    this.crdtMergeBatchSize = new Histogram({ name: 'tandem_crdt_merge_batch_size', help: 'Changes merged per batch', buckets: [1, 2, 5, 10, 20, 50, 100, 500], registers: r });
    this.storeLatency = new Histogram({ name: 'tandem_store_seconds', help: 'Service store operation latency', labelNames: ['operation'], buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1], registers: r });
    this.limitRejections = new Counter({ name: 'tandem_limit_rejections_total', help: 'Messages or connections refused by a limit, by limit', labelNames: ['limit'], registers: r });
    this.kicks = new Counter({ name: 'tandem_kicks_total', help: 'Sockets removed from a room or disconnected, by reason', labelNames: ['reason'], registers: r });
    this.aclChangeLatency = new Histogram({
      name: 'tandem_acl_change_seconds',
      help: 'From an ACL change being published to this gateway applying it to its sockets',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: r,
    });
    const self = this;
    this.socketRooms = new Gauge({
      name: 'tandem_socket_rooms',
      help: 'Rooms with at least one socket on this gateway',
      registers: r,
      collect() {
        this.set(self.roomCount());
      },
    });
    this.busPublished = new Counter({ name: 'tandem_bus_published_total', help: 'Records the event bus acknowledged, by topic', labelNames: ['topic'], registers: r });
    this.busPublishFailures = new Counter({ name: 'tandem_bus_publish_failures_total', help: 'Publishes the event bus refused or could not acknowledge, by topic', labelNames: ['topic'], registers: r });
    this.busConsumed = new Counter({ name: 'tandem_bus_consumed_total', help: 'Records handed to a consumer, by group and topic (redeliveries count again)', labelNames: ['group', 'topic'], registers: r });
    this.busBatchSeconds = new Histogram({
      name: 'tandem_bus_batch_seconds',
      help: "Time a consumer took to handle one partition's batch, by group and topic",
      labelNames: ['group', 'topic'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: r,
    });
    this.busBatchFailures = new Counter({ name: 'tandem_bus_batch_failures_total', help: 'Batches whose handler threw (they are redelivered), by group and topic', labelNames: ['group', 'topic'], registers: r });
    this.busConsumerLag = new Gauge({
      name: 'tandem_bus_consumer_lag',
      help: "Records not yet committed by this process's consumer groups, by group, topic and partition (read at scrape time)",
      labelNames: ['group', 'topic', 'partition'],
      registers: r,
      async collect() {
        this.reset();
        for (const l of await self.lagSource().catch(() => [])) this.set({ group: l.group, topic: l.topic, partition: String(l.partition) }, l.lag);
      },
    });
    this.objectStoreLatency = new Histogram({
      name: 'tandem_object_store_seconds',
      help: 'Object store (S3/MinIO or local directory) operation latency, by operation',
      labelNames: ['operation'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: r,
    });
    this.invalidRecords = new Counter({ name: 'tandem_bus_invalid_records_total', help: 'Consumed records skipped because they failed validation', labelNames: ['topic'], registers: r });
  }

  /** Where `tandem_socket_rooms` reads its value at scrape time (the gateway's Socket.IO server). */
  countRoomsWith(source: () => number): void {
    this.roomCount = source;
  }

  /** Where `tandem_bus_consumer_lag` reads its values at scrape time (the event bus). */
  readLagFrom(source: () => Promise<Array<{ group: string; topic: string; partition: number; lag: number }>>): void {
    this.lagSource = source;
  }
}
