import { Injectable } from '@nestjs/common';
import { Metrics } from '@tandem/platform';
import { Counter, Gauge, Histogram } from 'prom-client';

/**
 * The docs service's document metrics, beside the platform's `tandem_crdt_merge_seconds` and
 * `tandem_crdt_merge_batch_size` (one observation per document per batch).
 */
@Injectable()
export class DocumentsMetrics {
  readonly changes: Counter;
  readonly inMemory: Gauge;
  readonly memoryBytes: Gauge;
  readonly evictions: Counter<'reason'>;
  readonly coldLoadSeconds: Histogram;
  readonly snapshotBytes: Histogram;
  readonly syncs: Counter<'trigger'>;
  readonly rejected: Counter<'code'>;

  constructor(readonly platform: Metrics) {
    const registers = [platform.registry];
    this.changes = new Counter({ name: 'tandem_docs_changes_total', help: 'New Automerge changes merged and stored (rate = changes/s)', registers });
    this.inMemory = new Gauge({ name: 'tandem_docs_in_memory', help: 'Documents held merged in memory', registers });
    this.memoryBytes = new Gauge({ name: 'tandem_docs_memory_bytes', help: 'Estimated memory of the documents held (bounded by DOCS_MEMORY_CAP_MB)', registers });
    this.evictions = new Counter({ name: 'tandem_docs_evictions_total', help: 'Documents dropped from memory, by reason (idle, memory)', labelNames: ['reason'], registers });
    this.coldLoadSeconds = new Histogram({ name: 'tandem_docs_cold_load_seconds', help: 'Time to load a document from its snapshot and log', buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers });
    this.snapshotBytes = new Histogram({ name: 'tandem_docs_snapshot_bytes', help: 'Size of saved snapshots', buckets: [1e3, 1e4, 1e5, 1e6, 5e6, 2e7, 1e8], registers });
    this.syncs = new Counter({ name: 'tandem_docs_syncs_total', help: 'Sync rounds answered, by trigger (join, gap); gap/join = extra rounds per join', labelNames: ['trigger'], registers });
    this.rejected = new Counter({ name: 'tandem_docs_rejected_total', help: 'Client commands whose changes were refused, by code', labelNames: ['code'], registers });
  }
}
