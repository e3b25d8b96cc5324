import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChangeLogContract } from './change-log.contract';
import { FileChangeLogStore } from './file.change-log';

runChangeLogContract('files on disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-doclog-'));
  return {
    store: new FileChangeLogStore(dir),
    reopen: async () => new FileChangeLogStore(dir),
    teardown: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
