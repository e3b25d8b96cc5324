import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFileStoreContract } from './file-store.contract';
import { FileFileStore } from './file.file-store';

runFileStoreContract('files on disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-files-'));
  return {
    store: new FileFileStore(dir),
    reopen: async () => new FileFileStore(dir),
    teardown: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
