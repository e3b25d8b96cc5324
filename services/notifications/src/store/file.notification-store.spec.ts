import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileNotificationStore } from './file.notification-store';
import { runNotificationStoreContract } from './notification-store.contract';

runNotificationStoreContract('files on disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-notifications-'));
  return {
    store: new FileNotificationStore(dir),
    reopen: async () => new FileNotificationStore(dir),
    teardown: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
