import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChatStoreContract } from './chat-store.contract';
import { FileChatStore } from './file.chat-store';

runChatStoreContract('files on disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-chat-'));
  return {
    store: new FileChatStore(dir),
    reopen: async () => new FileChatStore(dir),
    teardown: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
