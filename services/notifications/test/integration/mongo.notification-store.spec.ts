import { connectMongo } from '@tandem/platform';
import { requireEnv, uniqueId } from '@tandem/platform/testing';
import type { Connection } from 'mongoose';
import { MongoNotificationStore } from '../../src/store/mongo.notification-store';
import { runNotificationStoreContract } from '../../src/store/notification-store.contract';

runNotificationStoreContract('MongoDB-compatible server', async () => {
  const url = requireEnv('MONGO_URL');
  const db = uniqueId('tandem_notifications_test_');
  const connections: Connection[] = [];
  const open = async () => {
    const connection = await connectMongo(url, db);
    connections.push(connection);
    const store = new MongoNotificationStore(connection);
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
