import { RedisPresenceStore } from '@tandem/platform';
import { requireEnv, uniqueId } from '@tandem/platform/testing';
import { ManualClock, RecordingBus, expirations, setupPresence } from '../../src/testing/presence.harness';

/**
 * The presence service on real Redis, as it runs in production: several instances sharing one store
 * (each with its own connection), consuming different users' commands and sweeping at the same time.
 */
describe('presence service on Redis', () => {
  const stores: RedisPresenceStore[] = [];
  afterAll(async () => Promise.all(stores.map((s) => s.close())));

  /** `n` instances sharing one Redis key prefix, one clock and one recording bus. */
  function instances(n: number) {
    const prefix = `${uniqueId('presence')}:`;
    const clock = new ManualClock();
    const bus = new RecordingBus();
    const tenant = uniqueId('tenant');
    const store = (now: () => number) => {
      const s = new RedisPresenceStore(requireEnv('REDIS_URL'), prefix, now);
      stores.push(s);
      return s;
    };
    return Array.from({ length: n }, (_, i) => setupPresence({ store, clock, bus, tenant, name: `presence-${i}` }));
  }

  it('shows a user online across devices handled by different instances, and offline once none is left', async () => {
    const [a, b] = instances(2);
    const phone = a.connection('ann', 'phone', 'Ann');
    const laptop = b.connection('ann', 'laptop', 'Ann');
    await a.send(phone.connected());
    await b.send(laptop.connected());
    await a.send(phone.disconnected());
    expect(a.lastUser('ann')).toMatchObject({ status: 'online', connections: 1 });
    await b.send(laptop.disconnected());
    expect(a.bus.published('tandem.presence.user').map((u) => `${u.status}/${u.connections}`)).toEqual(['online/1', 'online/2', 'online/1', 'offline/0']);
  });

  it('expires each connection of a crashed gateway exactly once while two instances sweep', async () => {
    const [a, b] = instances(2);
    const users = Array.from({ length: 50 }, (_, i) => a.connection(`user-${i}`, `sock-${i}`));
    await a.send(...users.flatMap((u) => [u.connected(), u.joined('doc:plans')]));
    a.clock.advance(a.settings.ttlMs);
    await Promise.all([a.sweeper.sweep(), b.sweeper.sweep(), a.sweeper.sweep(), b.sweeper.sweep()]);
    const offline = a.bus.published('tandem.presence.user', (u) => u.status === 'offline').map((u) => u.userId);
    expect(offline.sort()).toEqual(users.map((u) => u.userId).sort());
    expect((await expirations(a.metrics, 'connection')) + (await expirations(b.metrics, 'connection'))).toBe(50);
    expect(a.rosters('doc:plans').at(-1)).toEqual([]);
    expect((await a.views.roster(a.tenant, 'doc:plans')).members).toEqual([]);
  });

  it('ends with the full roster when instances change one room at the same time', async () => {
    const [a, b, c] = instances(3);
    const all = [a, b, c];
    const joins = Array.from({ length: 30 }, (_, i) => ({ via: all[i % 3], user: a.connection(`user-${i}`, `sock-${i}`) }));
    await Promise.all(joins.map(({ via, user }) => via.send(user.connected(), user.joined('doc:busy'))));
    const expected = joins.map((j) => j.user.userId).sort();
    expect(a.rosters('doc:busy').at(-1)?.map((m) => m.userId)).toEqual(expected);
    expect((await b.views.roster(a.tenant, 'doc:busy')).members.map((m) => m.userId)).toEqual(expected);
  });

  it('clears typing by itself, and keeps a heartbeating user online across many TTLs', async () => {
    const [a, b] = instances(2);
    const ann = a.connection('ann', 'phone', 'Ann');
    await a.send(ann.connected(), ann.joined('chat:general'), ann.typing('chat:general'));
    expect(a.typists('chat:general')).toEqual([[{ userId: 'ann', name: 'Ann', kind: 'typing' }]]);
    a.clock.advance(a.settings.typingTtlMs);
    await b.sweeper.sweep();
    expect(a.typists('chat:general').at(-1)).toEqual([]);
    await b.pass(3 * a.settings.ttlMs, [ann], 5_000);
    expect(a.bus.published('tandem.presence.user').map((u) => u.status)).toEqual(['online']);
  });
});
