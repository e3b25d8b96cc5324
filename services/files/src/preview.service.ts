import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { FilePreview } from '@tandem/contracts';
import { LOGGER, Logger, OBJECT_STORE, ObjectStore } from '@tandem/platform';
import { ContentError, ContentWorkers, PREVIEW_WORKERS } from './content/content-workers';
import { FilesMetrics } from './files.metrics';
import { FilesPublisher } from './files.publisher';
import { FilesSettings } from './files.settings';
import { viewOf } from './files.view';
import { FILE_STORE, FileStore, StoredFile } from './store/file-store.port';

/** Progress events of one preview are at most this frequent (the last one always goes out). */
const PROGRESS_EVERY_MS = 200;
/** Bytes read from files that are previewed from their head only (text, audio, video). */
const HEAD_BYTES = 64 * 1024;

/**
 * Makes previews in the background, in the content worker processes, and stores them beside the
 * original (`<tenant>/files/<id>/preview-small.webp`, `-large.webp`). Publishes progress, then
 * `preview.ready` (or `failed` with a generic preview kept, so the file stays usable).
 */
@Injectable()
export class PreviewService implements OnApplicationBootstrap {
  private readonly running = new Set<Promise<void>>();
  private readonly inFlight = new Set<string>();

  constructor(
    @Inject(FILE_STORE) private readonly store: FileStore,
    @Inject(OBJECT_STORE) private readonly objects: ObjectStore,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly settings: FilesSettings,
    @Inject(PREVIEW_WORKERS) private readonly content: ContentWorkers,
    private readonly publisher: FilesPublisher,
    private readonly metrics: FilesMetrics,
  ) {}

  /** Picks up files whose previews a stopped instance did not finish (making one twice is harmless). */
  async onApplicationBootstrap(): Promise<void> {
    const pending = await this.store.processing(1000);
    if (pending.length > 0) this.logger.info({ files: pending.length }, 'resuming previews left unfinished');
    for (const file of pending) this.enqueue(file);
  }

  /** Starts making the preview of a verified file; returns at once. */
  enqueue(file: StoredFile): void {
    const key = `${file.tenant}/${file.fileId}`;
    if (this.inFlight.has(key)) return;
    this.inFlight.add(key);
    const run = this.generate(file).catch((error) => this.logger.error({ err: error, fileId: file.fileId }, 'preview bookkeeping failed'));
    this.running.add(run);
    void run.finally(() => {
      this.running.delete(run);
      this.inFlight.delete(key);
    });
  }

  /** Resolves when every preview started so far is done (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async generate(file: StoredFile): Promise<void> {
    const { tenant, fileId, target } = file;
    const type = file.type ?? 'application/octet-stream';
    const started = performance.now();
    let lastProgress = 0;
    const progress = (value: number, step: string) => {
      const now = Date.now();
      if (value < 1 && now - lastProgress < PROGRESS_EVERY_MS) return;
      lastProgress = now;
      void this.publisher.publish(tenant, fileId, 'tandem.files.preview.progress', { fileId, target, progress: Math.min(1, Math.max(0, value)), step }).catch(() => undefined);
    };
    progress(0, 'started');
    let preview: FilePreview;
    const previewKeys: StoredFile['previewKeys'] = {};
    let failure: { reason: 'PREVIEW_FAILED' | 'PREVIEW_TIMEOUT'; message: string } | null = null;
    try {
      const whole = type.startsWith('image/') || type === 'application/pdf';
      if (whole && file.size > this.settings.maxPreviewSourceBytes) {
        preview = { kind: 'generic', sizes: [], icon: type === 'application/pdf' ? 'pdf' : 'image', note: `too large to preview (${file.size} bytes)` };
      } else {
        const bytes = whole ? await this.objects.get(file.objectKey) : await this.objects.getRange(file.objectKey, 0, HEAD_BYTES);
        const result = await this.content.preview(bytes, type, file.name, file.size, this.settings.previewLimits, (p, step) => progress(0.1 + p * 0.8, step));
        this.metrics.workerPeakRss.observe(result.maxRssBytes);
        preview = result.preview;
        for (const size of ['small', 'large'] as const) {
          const image = result[size];
          if (!image) continue;
          const key = `${tenant}/files/${fileId}/preview-${size}.webp`;
          await this.objects.put(key, Buffer.from(image), 'image/webp');
          previewKeys[size] = key;
        }
      }
    } catch (error) {
      const timeout = error instanceof ContentError && error.code === 'TIMEOUT';
      failure = { reason: timeout ? 'PREVIEW_TIMEOUT' : 'PREVIEW_FAILED', message: `no preview could be made: ${(error as Error).message}`.slice(0, 500) };
      preview = { kind: 'generic', sizes: [], icon: iconOf(type), note: 'preview failed' };
      this.metrics.failures.inc({ reason: failure.reason });
      this.logger.warn({ tenant, fileId, type, err: error }, 'preview failed');
    }
    const ready = await this.store.transition(tenant, fileId, 'processing', { status: 'ready', preview, previewKeys });
    if (!ready) {
      // Deleted while the preview was being made: drop what was stored for it. (If another instance
      // finished it first, the keys are the same objects and stay.)
      if (!(await this.store.get(tenant, fileId))) for (const key of Object.values(previewKeys)) if (key) await this.objects.delete(key);
      return;
    }
    this.metrics.previewSeconds.observe({ kind: preview.kind }, (performance.now() - started) / 1000);
    if (failure) await this.publisher.publish(tenant, fileId, 'tandem.files.failed', { fileId, target, name: file.name, ...failure });
    else await this.publisher.publish(tenant, fileId, 'tandem.files.preview.ready', { file: viewOf(ready) });
  }
}

function iconOf(type: string): FilePreview['icon'] {
  if (type === 'application/pdf') return 'pdf';
  const major = type.split('/')[0];
  return major === 'image' || major === 'text' || major === 'audio' || major === 'video' ? major : 'file';
}
