import { MemoryPresenceStore } from './memory.presence-store';
import { runPresenceStoreContract } from './presence-store.contract';

runPresenceStoreContract('in-process', async () => {
  const store = new MemoryPresenceStore();
  return { store, teardown: () => store.close() };
});

describe(MemoryPresenceStore.name, () => {
  it('forgets a set nobody wrote to for twice its longest TTL, as a Redis key expires', async () => {
    let now = 1_000;
    const sut = new MemoryPresenceStore(() => now);
    await sut.upsert('kept', 'long', 'x', 1_000);
    await sut.upsert('kept', 'short', 'y', 100);
    await sut.upsert('forgotten', 'a', 'z', 100);
    now += 1_500;
    expect(await sut.takeExpired('kept')).toEqual(['long', 'short']);
    expect(await sut.takeExpired('forgotten')).toEqual([]);
  });
});
