import { connectMongo } from '@tandem/platform';
import { requireEnv, uniqueId } from '@tandem/platform/testing';
import type { Connection } from 'mongoose';
import { runFileStoreContract } from '../../src/store/file-store.contract';
import { MongoFileStore } from '../../src/store/mongo.file-store';

runFileStoreContract('MongoDB-compatible server', async () => {
  const url = requireEnv('MONGO_URL');
  const db = uniqueId('tandem_files_test_');
  const connections: Connection[] = [];
  const open = async () => {
    const connection = await connectMongo(url, db);
    connections.push(connection);
    const store = new MongoFileStore(connection);
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
