import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDocumentStoreContract } from './document-store.contract';
import { FileDocumentStore } from './file.document-store';

runDocumentStoreContract('files on disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-docs-'));
  return {
    store: new FileDocumentStore(dir),
    reopen: async () => new FileDocumentStore(dir),
    teardown: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
