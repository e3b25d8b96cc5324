import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, Logger } from '@tandem/platform';
import { FilesService } from './files.service';

const SWEEP_EVERY_MS = 60_000;

/** Drops abandoned uploads once their URLs have expired, so reserved quota comes back. */
@Injectable()
export class UploadSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly files: FilesService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.files.sweepExpiredUploads().then(
        (n) => n > 0 && this.logger.info({ dropped: n }, 'dropped abandoned uploads'),
        (error) => this.logger.warn({ err: error }, 'sweeping abandoned uploads failed; will retry'),
      );
    }, SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
