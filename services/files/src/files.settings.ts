import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, Config } from '@tandem/platform';
import type { PreviewLimits } from './content/content.protocol';

/** The files service's limits, from the configuration (see `FILES_*` in libs/platform config). */
@Injectable()
export class FilesSettings {
  readonly maxBytes: number;
  readonly quotaBytes: number;
  readonly allowedTypes: string[];
  readonly partBytes: number;
  readonly uploadTtlSeconds: number;
  readonly urlTtlSeconds: number;
  readonly previewWorkers: number;
  readonly previewTimeoutMs: number;
  readonly previewLimits: PreviewLimits;
  /** Images and PDFs larger than this are not read for a preview (they get a generic one). */
  readonly maxPreviewSourceBytes = 64 * 1024 * 1024;

  constructor(@Inject(CONFIG) config: Config) {
    this.maxBytes = config.FILES_MAX_BYTES;
    this.quotaBytes = config.FILES_QUOTA_BYTES;
    this.allowedTypes = config.FILES_ALLOWED_TYPES;
    this.partBytes = config.FILES_PART_BYTES;
    this.uploadTtlSeconds = config.FILES_UPLOAD_TTL_SECONDS;
    this.urlTtlSeconds = config.FILES_URL_TTL_SECONDS;
    this.previewWorkers = config.FILES_PREVIEW_WORKERS;
    this.previewTimeoutMs = config.FILES_PREVIEW_TIMEOUT_MS;
    this.previewLimits = { maxPixels: config.FILES_MAX_IMAGE_PIXELS, smallSide: 256, largeSide: 1024, snippetChars: 1000 };
  }
}
