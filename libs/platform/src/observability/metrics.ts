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
  readonly kafkaProduceLatency: Histogram;
  readonly crdtMergeSeconds: Histogram;
  readonly crdtMergeBatchSize: Histogram;
  readonly storeLatency: Histogram;
  readonly invalidRecords: Counter;
  readonly limitRejections: Counter;
  readonly kicks: Counter;
  readonly aclChangeLatency: Histogram;

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
    this.kafkaProduceLatency = new Histogram({
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
    this.invalidRecords = new Counter({ name: 'tandem_bus_invalid_records_total', help: 'Consumed records skipped because they failed validation', labelNames: ['topic'], registers: r });
  }
}
