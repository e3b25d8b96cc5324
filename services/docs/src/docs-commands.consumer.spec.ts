import { TOPICS } from '@tandem/contracts';
import { MemoryEventBus, Metrics, createLogger, loadConfig } from '@tandem/platform';
import { eventually, incrementRecord } from '@tandem/platform/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AclService } from './acl/acl.service';
import { CounterService } from './counter/counter.service';
import { DocsCommandsConsumer } from './docs-commands.consumer';
import { DocumentsService } from './documents/documents.service';
import { FileDocumentStore } from './store/file.document-store';

describe(DocsCommandsConsumer.name, () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('makes the first writer of a new document its owner, even when others write in the same batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-docs-consumer-'));
    dirs.push(dir);
    const bus = new MemoryEventBus();
    const logger = createLogger({ name: 'test', level: 'silent' });
    const store = new FileDocumentStore(dir);
    const acls = new AclService(store, bus, 'docs-test');
    const counters = new CounterService(store, bus, logger, 'docs-test', new Metrics('docs-test'));
    const documents = {} as DocumentsService; // not reached: the batch holds only increments
    const sut = new DocsCommandsConsumer(bus, logger, loadConfig({ DATA_DIR: dir }), counters, acls, documents);

    // Three writers of one new document, published together so the consumer sees one batch.
    const writes = ['bob', 'ann', 'cid'].map((userId) => {
      const r = incrementRecord('acme', 'new-doc');
      return { ...r, event: { ...r.event, data: { ...r.event.data, userId } } };
    });
    await bus.publish(TOPICS.docsCommands, writes);
    await sut.onApplicationBootstrap();
    try {
      await eventually(async () => expect(await counters.read('acme', 'new-doc')).toEqual({ seq: 1, value: 3 }));
      const acl = await acls.read('acme', 'new-doc');
      expect(acl.grants).toEqual([{ userId: 'bob', role: 'owner' }]);
    } finally {
      await sut.onApplicationShutdown();
      await bus.close();
    }
  });
});
