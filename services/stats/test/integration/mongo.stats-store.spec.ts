import { connectMongo } from '@tandem/platform';
import { requireEnv, uniqueId } from '@tandem/platform/testing';
import type { Connection } from 'mongoose';
import { MongoStatsStore } from '../../src/store/mongo.stats-store';
import { runStatsStoreContract } from '../../src/store/stats-store.contract';

runStatsStoreContract('MongoDB-compatible server', async () => {
  const url = requireEnv('MONGO_URL');
  const db = uniqueId('tandem_stats_test_');
  const connections: Connection[] = [];
  const open = async () => {
    const connection = await connectMongo(url, db);
    connections.push(connection);
    const store = new MongoStatsStore(connection);
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
