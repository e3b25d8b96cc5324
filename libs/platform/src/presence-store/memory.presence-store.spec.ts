import { MemoryPresenceStore } from './memory.presence-store';
import { runPresenceStoreContract } from './presence-store.contract';

runPresenceStoreContract('in-process', async () => {
  const store = new MemoryPresenceStore();
  return { store, teardown: () => store.close() };
});
