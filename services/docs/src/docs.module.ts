import { DynamicModule, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { Config, Metrics, Readiness, connectMongo, timed } from '@tandem/platform';
import { join, resolve } from 'node:path';
import { AclController } from './acl/acl.controller';
import { AclService } from './acl/acl.service';
import { DocsCommandsConsumer } from './docs-commands.consumer';
import { CounterController } from './counter/counter.controller';
import { CounterService } from './counter/counter.service';
import { DOCUMENT_STORE, DocumentStore } from './store/document-store.port';
import { FileDocumentStore } from './store/file.document-store';
import { MongoDocumentStore } from './store/mongo.document-store';
import { DocumentLoader } from './documents/document-loader';
import { DocumentsController } from './documents/documents.controller';
import { DocumentsHistoryService } from './documents/documents-history.service';
import { DocumentsMetrics } from './documents/documents.metrics';
import { DocumentsService } from './documents/documents.service';
import { CHANGE_LOG_STORE, ChangeLogStore } from './documents/store/change-log.port';
import { FileChangeLogStore } from './documents/store/file.change-log';
import { MongoChangeLogStore } from './documents/store/mongo.change-log';

/** Picks the document store: MongoDB when `MONGO_URL` is set, files under `DATA_DIR` otherwise. */
export async function createDocumentStore(config: Config): Promise<DocumentStore> {
  if (config.MONGO_URL) {
    const store = new MongoDocumentStore(await connectMongo(config.MONGO_URL, 'tandem_docs'));
    await store.init();
    return store;
  }
  return new FileDocumentStore(join(resolve(config.DATA_DIR), 'docs'));
}

/** Picks the change log of collaborative documents, like {@link createDocumentStore}. */
export async function createChangeLogStore(config: Config): Promise<ChangeLogStore> {
  if (config.MONGO_URL) {
    const store = new MongoChangeLogStore(await connectMongo(config.MONGO_URL, 'tandem_docs'));
    await store.init();
    return store;
  }
  return new FileChangeLogStore(join(resolve(config.DATA_DIR), 'docs'));
}

class DocumentStoreLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(DOCUMENT_STORE) private readonly store: DocumentStore,
    @Inject(CHANGE_LOG_STORE) private readonly log: ChangeLogStore,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.store.close(), this.log.close()]);
  }
}

/** The docs service: documents on Automerge (counters and every collaborative kind), their stores, consumer and reads. */
@Module({})
export class DocsModule {
  static forRoot(config: Config): DynamicModule {
    const store: Provider = {
      provide: DOCUMENT_STORE,
      inject: [Readiness, Metrics],
      useFactory: async (readiness: Readiness, metrics: Metrics) => {
        const s = await createDocumentStore(config);
        readiness.add('document-store', () => s.checkReady());
        // Each store call is timed (tandem_store_seconds{operation="docs.*"}) and traced.
        return timed(s, metrics.storeLatency, 'docs', ['load', 'appendChange', 'saveSnapshot', 'loadAcl', 'saveAcl']);
      },
    };
    const log: Provider = {
      provide: CHANGE_LOG_STORE,
      inject: [Readiness, Metrics],
      useFactory: async (readiness: Readiness, metrics: Metrics) => {
        const s = await createChangeLogStore(config);
        readiness.add('change-log', () => s.checkReady());
        return timed(s, metrics.storeLatency, 'doclog', ['load', 'entriesAfter', 'append', 'saveSnapshot', 'compact']);
      },
    };
    return {
      module: DocsModule,
      controllers: [CounterController, AclController, DocumentsController],
      providers: [store, log, DocumentStoreLifecycle, CounterService, AclService, DocumentsMetrics, DocumentLoader, DocumentsService, DocumentsHistoryService, DocsCommandsConsumer],
    };
  }
}
