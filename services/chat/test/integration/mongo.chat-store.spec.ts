import { connectMongo } from '@tandem/platform';
import { requireEnv, uniqueId } from '@tandem/platform/testing';
import type { Connection } from 'mongoose';
import { runChatStoreContract } from '../../src/store/chat-store.contract';
import { MongoChatStore } from '../../src/store/mongo.chat-store';

runChatStoreContract('MongoDB-compatible server', async () => {
  const url = requireEnv('MONGO_URL');
  const db = uniqueId('tandem_chat_test_');
  const connections: Connection[] = [];
  const open = async () => {
    const connection = await connectMongo(url, db);
    connections.push(connection);
    const store = new MongoChatStore(connection);
    await store.init();
    return store;
  };
  return {
    store: await open(),
    reopen: open,
    teardown: async () => {
      await connections[0]?.dropDatabase().catch(() => undefined);
      await Promise.all(connections.map((c) => c.close()));
    },
  };
});
