import { Injectable } from '@nestjs/common';
import { Metrics } from '@tandem/platform';
import { Counter, Gauge, Histogram } from 'prom-client';

/** The stats service's metrics (on the process registry, `tandem_stats_` prefix). */
@Injectable()
export class StatsMetrics {
  /** Ingested events by outcome (`applied`, `duplicate`); rate() of it is events/s. */
  readonly ingested: Counter;
  readonly deadLettered: Counter;
  /** Seconds from an ingested event's CloudEvents time to the end of the batch that applied it (last batch). */
  readonly lag: Gauge;
  readonly batchSeconds: Histogram;
  /**
   * Per stage of the ingest path: `wait` (an event's CloudEvents time to its batch being handed
   * over), `fold` (folding a batch in memory, store loads of matches not held included) and `write`
   * (one write pass: matches, match lines, entries, ranks).
   */
  readonly stageSeconds: Histogram;
  readonly published: Counter;

  constructor(metrics: Metrics) {
    const registers = [metrics.registry];
    this.ingested = new Counter({ name: 'tandem_stats_events_ingested_total', help: 'Events read from stats.ingest.v1, by outcome (applied or duplicate)', labelNames: ['outcome'], registers });
    this.deadLettered = new Counter({ name: 'tandem_stats_dead_lettered_total', help: 'Invalid records of stats.ingest.v1 sent to stats.ingest.dlq.v1', registers });
    this.lag = new Gauge({ name: 'tandem_stats_ingest_lag_seconds', help: 'From the newest event of the last applied batch being produced to it being applied', registers });
    this.batchSeconds = new Histogram({ name: 'tandem_stats_batch_seconds', help: 'Time to apply one batch of ingested events', buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers });
    this.stageSeconds = new Histogram({ name: 'tandem_stats_stage_seconds', help: 'Time spent per stage of the ingest path (wait, fold, write)', labelNames: ['stage'], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5], registers });
    this.published = new Counter({ name: 'tandem_stats_events_published_total', help: 'Events published to stats.events.v1, by type', labelNames: ['type'], registers });
  }
}
