import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStatsStore } from './file.stats-store';
import { runStatsStoreContract } from './stats-store.contract';

runStatsStoreContract('files on disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-stats-'));
  return { store: new FileStatsStore(dir), reopen: async () => new FileStatsStore(dir), teardown: async () => rmSync(dir, { recursive: true, force: true }) };
});
