import { Injectable } from '@nestjs/common';
import { Metrics } from '@tandem/platform';
import { Counter, Histogram } from 'prom-client';

/** The files service's metrics: upload sizes, verifications, preview time and failures by reason. */
@Injectable()
export class FilesMetrics {
  readonly uploadBytes: Histogram<'mode'>;
  readonly verified: Counter<'kind'>;
  readonly verifySeconds: Histogram;
  readonly previewSeconds: Histogram<'kind'>;
  readonly failures: Counter<'reason'>;
  readonly workerPeakRss: Histogram;

  constructor(metrics: Metrics) {
    const registers = [metrics.registry];
    this.uploadBytes = new Histogram({
      name: 'tandem_files_upload_bytes',
      help: 'Sizes of uploaded files that passed verification, by upload mode (single, multipart)',
      labelNames: ['mode'],
      buckets: [1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9],
      registers,
    });
    this.verified = new Counter({ name: 'tandem_files_verified_total', help: 'Uploads that passed verification, by the major part of the detected type', labelNames: ['kind'], registers });
    this.verifySeconds = new Histogram({ name: 'tandem_files_verify_seconds', help: 'Time to verify a completed upload (stat, first bytes, type by content)', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers });
    this.previewSeconds = new Histogram({ name: 'tandem_files_preview_seconds', help: 'Time to make and store a preview, by preview kind', labelNames: ['kind'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers });
    this.failures = new Counter({ name: 'tandem_files_failures_total', help: 'Refused uploads and failed previews, by reason', labelNames: ['reason'], registers });
    // Every label value is exported from the start, so dashboards and alerts see zeros, not gaps.
    for (const mode of ['single', 'multipart']) this.uploadBytes.zero({ mode });
    for (const kind of ['image', 'application', 'text', 'audio', 'video']) this.verified.inc({ kind }, 0);
    for (const kind of ['image', 'pdf', 'text', 'icon', 'generic']) this.previewSeconds.zero({ kind });
    for (const reason of ['TOO_LARGE', 'QUOTA_EXCEEDED', 'TYPE_NOT_ALLOWED', 'SIZE_MISMATCH', 'PREVIEW_FAILED', 'PREVIEW_TIMEOUT']) this.failures.inc({ reason }, 0);
    this.workerPeakRss = new Histogram({ name: 'tandem_files_worker_peak_rss_bytes', help: 'Peak resident memory of the content worker after each preview', buckets: [64e6, 128e6, 256e6, 512e6, 1e9, 2e9], registers });
  }
}
