import type { Connection } from 'mongoose';
import { connectMongo } from '../store/mongo';
import { requireEnv, uniqueId } from './eventually';

/**
 * The `setup` of a store contract suite run against the MongoDB-compatible server at `MONGO_URL`:
 * a fresh database per run (named from `dbPrefix`), the store made by `create` and initialised,
 * `reopen` for another instance on the same data (a restart), and a teardown that drops the
 * database and closes every connection.
 */
export async function mongoStoreSetup<S extends { init(): Promise<void> }>(dbPrefix: string, create: (connection: Connection) => S): Promise<{ store: S; reopen: () => Promise<S>; teardown: () => Promise<void> }> {
  const url = requireEnv('MONGO_URL');
  const db = uniqueId(dbPrefix);
  const connections: Connection[] = [];
  const open = async () => {
    const connection = await connectMongo(url, db);
    connections.push(connection);
    const store = create(connection);
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
}
