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

/** Picks the document store: MongoDB when `MONGO_URL` is set, files under `DATA_DIR` otherwise. */
export async function createDocumentStore(config: Config): Promise<DocumentStore> {
  if (config.MONGO_URL) {
    const store = new MongoDocumentStore(await connectMongo(config.MONGO_URL, 'tandem_docs'));
    await store.init();
    return store;
  }
  return new FileDocumentStore(join(resolve(config.DATA_DIR), 'docs'));
}

class DocumentStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DOCUMENT_STORE) private readonly store: DocumentStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** The docs service: documents on Automerge (counters so far), their store, consumer and reads. */
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
    return { module: DocsModule, controllers: [CounterController, AclController], providers: [store, DocumentStoreLifecycle, CounterService, AclService, DocsCommandsConsumer] };
  }
}
