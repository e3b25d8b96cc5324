import { RedisPresenceStore } from '../../src/presence-store/redis.presence-store';
import { runPresenceStoreContract } from '../../src/presence-store/presence-store.contract';
import { requireEnv, uniqueId } from '../../src/testing/eventually';

runPresenceStoreContract('Redis', async () => {
  const store = new RedisPresenceStore(requireEnv('REDIS_URL'), `${uniqueId('test')}:`);
  return { store, teardown: () => store.close() };
});
