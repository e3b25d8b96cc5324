import { DynamicModule, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { Config, Metrics, Readiness, connectMongo, timed } from '@tandem/platform';
import { join, resolve } from 'node:path';
import { ContentWorkers, PREVIEW_WORKERS, SNIFF_WORKERS } from './content/content-workers';
import { FilesController } from './files.controller';
import { FilesMetrics } from './files.metrics';
import { FilesPublisher } from './files.publisher';
import { FilesService } from './files.service';
import { FilesSettings } from './files.settings';
import { PreviewService } from './preview.service';
import { FILE_STORE, FileStore } from './store/file-store.port';
import { FileFileStore } from './store/file.file-store';
import { MongoFileStore } from './store/mongo.file-store';
import { UploadSweeper } from './upload-sweeper';

/** Picks the file store: MongoDB when `MONGO_URL` is set, files under `DATA_DIR` otherwise. */
export async function createFileStore(config: Config): Promise<FileStore> {
  if (config.MONGO_URL) {
    const store = new MongoFileStore(await connectMongo(config.MONGO_URL, 'tandem_files'));
    await store.init();
    return store;
  }
  return new FileFileStore(join(resolve(config.DATA_DIR), 'files'));
}

class FilesLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(FILE_STORE) private readonly store: FileStore,
    private readonly previews: PreviewService,
    @Inject(SNIFF_WORKERS) private readonly sniffers: ContentWorkers,
    @Inject(PREVIEW_WORKERS) private readonly previewers: ContentWorkers,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.sniffers.close(), this.previewers.close()]);
    await this.previews.idle().catch(() => undefined);
    await this.store.close();
  }
}

/**
 * The files service: upload tickets, verification, previews, read URLs, lists and quota. Needs the
 * platform's object store (`PlatformModule.forRoot({ objectStore: true })`).
 */
@Module({})
export class FilesModule {
  static forRoot(config: Config): DynamicModule {
    const store: Provider = {
      provide: FILE_STORE,
      inject: [Readiness, Metrics],
      useFactory: async (readiness: Readiness, metrics: Metrics) => {
        const s = await createFileStore(config);
        readiness.add('file-store', () => s.checkReady());
        // Each store call is timed (tandem_store_seconds{operation="files.*"}) and traced.
        return timed(s, metrics.storeLatency, 'files', ['create', 'get', 'transition', 'listByContainer', 'delete', 'usage', 'expiredUploads', 'processing', 'getSettings', 'putSettings']);
      },
    };
    // Two pools, so verifying an upload never waits behind previews being made.
    const sniffers: Provider = {
      provide: SNIFF_WORKERS,
      inject: [FilesSettings],
      useFactory: (settings: FilesSettings) => new ContentWorkers({ size: 1, timeoutMs: settings.previewTimeoutMs }),
    };
    const previewers: Provider = {
      provide: PREVIEW_WORKERS,
      inject: [FilesSettings],
      useFactory: (settings: FilesSettings) => new ContentWorkers({ size: settings.previewWorkers, timeoutMs: settings.previewTimeoutMs }),
    };
    return {
      module: FilesModule,
      controllers: [FilesController],
      providers: [store, sniffers, previewers, FilesSettings, FilesMetrics, FilesPublisher, PreviewService, FilesService, UploadSweeper, FilesLifecycle],
      exports: [FilesService, PreviewService, SNIFF_WORKERS, PREVIEW_WORKERS],
    };
  }
}
