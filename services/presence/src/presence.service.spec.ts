import { PresenceService } from './presence.service';
import { connection, expirations, setupPresence } from './testing/presence.harness';

const DOC = 'doc:plans';

/** Two users, ann (phone and laptop) and bob, as one gateway reports them. */
function setup(options: Parameters<typeof setupPresence>[0] = {}) {
  const p = setupPresence(options);
  return { ...p, phone: p.connection('ann', 'ann-phone', 'Ann', 'phone'), laptop: p.connection('ann', 'ann-laptop', 'Ann', 'laptop'), bob: p.connection('bob', 'bob-1', 'Bob') };
}

describe(PresenceService.name, () => {
  describe('users across devices', () => {
    it('shows a user online while any device is connected, and offline once none is', async () => {
      const { send, phone, laptop, lastUser, bus } = setup();
      await send(phone.connected());
      expect(lastUser('ann')).toEqual({ userId: 'ann', name: 'Ann', status: 'online', text: null, connections: 1 });
      await send(laptop.connected());
      expect(lastUser('ann')).toMatchObject({ status: 'online', connections: 2 });
      await send(phone.disconnected());
      expect(lastUser('ann')).toMatchObject({ status: 'online', connections: 1 });
      await send(laptop.disconnected());
      expect(lastUser('ann')).toMatchObject({ status: 'offline', connections: 0 });
      expect(bus.published('tandem.presence.user').map((u) => u.status)).toEqual(['online', 'online', 'online', 'offline']);
    });

    it('publishes nothing for heartbeats of a connection that stays live', async () => {
      const { send, phone, bus, pass } = setup();
      await send(phone.connected());
      await pass(120_000, [phone]);
      expect(bus.events).toHaveLength(1);
    });

    it('keys user events by tenant and user, and validates them against the contract', async () => {
      const { send, phone, bus } = setup();
      await send(phone.connected());
      // The recording bus is the real in-process bus: it rejects events that break the contract.
      expect(bus.events[0]).toMatchObject({ type: 'tandem.presence.user', tenant: 'acme', source: '/presence-test' });
    });

    it('reads statuses of followed users, offline for users never seen', async () => {
      const { send, phone, bob, views } = setup();
      await send(phone.connected(), bob.connected(), bob.disconnected());
      expect(await views.users('acme', ['ann', 'bob', 'nobody'])).toEqual([
        { userId: 'ann', name: 'Ann', status: 'online', text: null, connections: 1 },
        { userId: 'bob', name: 'Bob', status: 'offline', text: null, connections: 0 },
        { userId: 'nobody', name: 'nobody', status: 'offline', text: null, connections: 0 },
      ]);
    });

    it('keeps tenants apart', async () => {
      const { send, phone, clock, views } = setup();
      const other = connection(clock, 'globex', 'ann', 'ann-phone');
      await send(phone.connected(), phone.joined(DOC));
      expect((await views.users('globex', ['ann']))[0].status).toBe('offline');
      expect((await views.roster('globex', DOC)).members).toEqual([]);
      await send(other.connected(), other.disconnected());
      expect((await views.users('acme', ['ann']))[0].status).toBe('online');
    });
  });

  describe('expiry', () => {
    it('shows a user offline once their connection misses heartbeats for the TTL, within one sweep', async () => {
      const { send, phone, bob, pass, lastUser, rosters, metrics, settings } = setup();
      await send(phone.connected(), phone.joined(DOC), bob.connected(), bob.joined(DOC));
      await pass(settings.ttlMs - 1_000, [bob]);
      expect(lastUser('ann')?.status).toBe('online');
      await pass(1_000, [bob]);
      expect(lastUser('ann')).toMatchObject({ status: 'offline', connections: 0 });
      expect(rosters(DOC).at(-1)?.map((m) => m.userId)).toEqual(['bob']);
      expect(lastUser('bob')?.status).toBe('online');
      expect(await expirations(metrics, 'connection')).toBe(1);
    });

    it('expires one device without heartbeat while the other keeps the user online', async () => {
      const { send, phone, laptop, pass, lastUser, rosters } = setup();
      await send(phone.connected(), phone.joined(DOC), laptop.connected());
      await pass(40_000, [laptop]);
      expect(lastUser('ann')).toMatchObject({ status: 'online', connections: 1 });
      expect(rosters(DOC).at(-1)).toEqual([]);
    });

    it('revives an expired connection that heartbeats again, with its rooms', async () => {
      const { send, phone, pass, lastUser, rosters } = setup();
      await send(phone.connected(), phone.joined(DOC));
      await pass(30_000);
      expect(lastUser('ann')?.status).toBe('offline');
      await send(phone.heartbeat());
      expect(lastUser('ann')?.status).toBe('online');
      expect(rosters(DOC).map((r) => r.map((m) => m.userId))).toEqual([['ann'], [], ['ann']]);
    });

    it('does not revive an expired connection from a heartbeat sent before it expired', async () => {
      const { send, phone, pass, bus, clock } = setup();
      await send(phone.connected());
      clock.advance(1_000);
      const stale = phone.heartbeat();
      await pass(40_000);
      const published = bus.events.length;
      await send(stale);
      expect(bus.events).toHaveLength(published);
    });

    it('expires a connection exactly once when two instances sweep the same store', async () => {
      const first = setup();
      const second = setupPresence({ store: first.store, clock: first.clock, bus: first.bus });
      await first.send(first.phone.connected(), first.phone.joined(DOC));
      first.clock.advance(30_000);
      await Promise.all([first.sweeper.sweep(), second.sweeper.sweep(), first.sweeper.sweep(), second.sweeper.sweep()]);
      expect(first.bus.published('tandem.presence.user', (u) => u.status === 'offline')).toHaveLength(1);
      expect((await expirations(first.metrics, 'connection')) + (await expirations(second.metrics, 'connection'))).toBe(1);
    });

    it('retries an expiry whose handling failed once its lease runs out', async () => {
      const { send, phone, bus, clock, sweeper, settings, lastUser } = setup();
      await send(phone.connected());
      clock.advance(settings.ttlMs);
      bus.failures = 1;
      await sweeper.sweep();
      expect(lastUser('ann')?.status).toBe('online');
      clock.advance(settings.leaseMs);
      await sweeper.sweep();
      expect(bus.published('tandem.presence.user').map((u) => u.status)).toEqual(['online', 'offline']);
    });
  });

  describe('rooms', () => {
    it('lists a user in a room while any of their connections joined it', async () => {
      const { send, phone, laptop, bob, rosters, views } = setup();
      await send(phone.connected(), laptop.connected(), bob.connected());
      await send(bob.joined(DOC));
      await send(phone.joined(DOC), laptop.joined(DOC));
      await send(phone.left(DOC));
      expect((await views.roster('acme', DOC)).members.map((m) => m.userId)).toEqual(['ann', 'bob']);
      await send(laptop.left(DOC));
      expect(rosters(DOC)).toEqual([
        [{ userId: 'bob', name: 'Bob', status: 'online' }],
        [
          { userId: 'ann', name: 'Ann', status: 'online' },
          { userId: 'bob', name: 'Bob', status: 'online' },
        ],
        [{ userId: 'bob', name: 'Bob', status: 'online' }],
      ]);
    });

    it('takes a disconnected connection out of its rooms at once', async () => {
      const { send, phone, bob, rosters } = setup();
      await send(phone.connected(), phone.joined(DOC), bob.connected(), bob.joined(DOC), phone.disconnected());
      expect(rosters(DOC).at(-1)?.map((m) => m.userId)).toEqual(['bob']);
    });

    it('shows status changes of members in the roster', async () => {
      const { send, phone, bob, rosters } = setup();
      await send(phone.connected(), phone.joined(DOC), bob.connected(), bob.joined(DOC), phone.status('dnd'));
      expect(rosters(DOC).at(-1)).toEqual([
        { userId: 'ann', name: 'Ann', status: 'dnd' },
        { userId: 'bob', name: 'Bob', status: 'online' },
      ]);
    });

    it('ignores joins of a connection that is not live', async () => {
      const { send, phone, views, bus } = setup();
      await send(phone.joined(DOC));
      expect((await views.roster('acme', DOC)).members).toEqual([]);
      expect(bus.published('tandem.presence.roster')).toEqual([]);
    });
  });

  describe('typing', () => {
    const CHAT = 'chat:general';

    it('shows a typist until they are silent for the typing TTL', async () => {
      const { send, phone, bob, typists, pass, metrics } = setup();
      await send(phone.connected(), phone.joined(CHAT), bob.connected(), bob.joined(CHAT));
      await send(phone.typing(CHAT));
      expect(typists(CHAT)).toEqual([[{ userId: 'ann', name: 'Ann', kind: 'typing' }]]);
      await pass(4_000);
      await send(phone.typing(CHAT));
      await pass(4_000);
      expect(typists(CHAT)).toHaveLength(1);
      await pass(1_000);
      expect(typists(CHAT)).toEqual([[{ userId: 'ann', name: 'Ann', kind: 'typing' }], []]);
      expect(await expirations(metrics, 'typing')).toBe(1);
    });

    it('stops a typist at once on active:false, on leaving and on disconnect', async () => {
      const { send, phone, bob, typists } = setup();
      await send(phone.connected(), phone.joined(CHAT), bob.connected(), bob.joined(CHAT));
      await send(phone.typing(CHAT), bob.typing(CHAT));
      await send(phone.typing(CHAT, false));
      expect(typists(CHAT).at(-1)?.map((t) => t.userId)).toEqual(['bob']);
      await send(phone.typing(CHAT), bob.left(CHAT));
      expect(typists(CHAT).at(-1)?.map((t) => t.userId)).toEqual(['ann']);
      await send(phone.disconnected());
      expect(typists(CHAT).at(-1)).toEqual([]);
    });

    it('stops a typist whose connection expires, however recently they typed', async () => {
      const { send, phone, typists, pass, lastUser } = setup();
      await send(phone.connected(), phone.joined(CHAT));
      // Typing signals keep coming, but heartbeats do not: the connection goes after its TTL.
      for (let i = 0; i < 8; i++) {
        await send(phone.typing(CHAT, true, 'editing'));
        await pass(4_000);
      }
      expect(typists(CHAT)).toEqual([[{ userId: 'ann', name: 'Ann', kind: 'editing' }], []]);
      expect(lastUser('ann')?.status).toBe('offline');
    });

    it('keeps threads of a room apart and shows a user typing on two devices once', async () => {
      const { send, phone, laptop, typists } = setup();
      await send(phone.connected(), laptop.connected(), phone.joined(CHAT), laptop.joined(CHAT));
      await send(phone.typing(CHAT, true, 'typing', 'thread-1'), laptop.typing(CHAT, true, 'typing', 'thread-1'));
      expect(typists(CHAT, 'thread-1')).toEqual([[{ userId: 'ann', name: 'Ann', kind: 'typing' }]]);
      expect(typists(CHAT)).toEqual([]);
      await send(phone.typing(CHAT, false, 'typing', 'thread-1'));
      expect(typists(CHAT, 'thread-1')).toHaveLength(1);
      await send(laptop.typing(CHAT, false, 'typing', 'thread-1'));
      expect(typists(CHAT, 'thread-1').at(-1)).toEqual([]);
    });
  });

  describe('status', () => {
    it('turns a user away after inactivity, and back online on activity', async () => {
      const { send, phone, bob, pass, lastUser, rosters, metrics, settings } = setup();
      await send(phone.connected(), phone.joined(DOC), bob.connected(), bob.joined(DOC));
      await pass(settings.awayAfterMs - 10_000, [phone, bob]);
      await send(bob.activity());
      await pass(10_000, [phone, bob]);
      expect(lastUser('ann')).toMatchObject({ status: 'away', connections: 1 });
      expect(lastUser('bob')?.status).toBe('online');
      expect(rosters(DOC).at(-1)).toEqual([
        { userId: 'ann', name: 'Ann', status: 'away' },
        { userId: 'bob', name: 'Bob', status: 'online' },
      ]);
      expect(await expirations(metrics, 'away')).toBe(1);
      await send(phone.activity());
      expect(lastUser('ann')?.status).toBe('online');
      expect(rosters(DOC).at(-1)?.[0]).toEqual({ userId: 'ann', name: 'Ann', status: 'online' });
    });

    it('counts activity on any device of the user', async () => {
      const { send, phone, laptop, pass, lastUser, settings } = setup();
      await send(phone.connected(), laptop.connected());
      await pass(settings.awayAfterMs - 10_000, [phone, laptop]);
      await send(laptop.activity());
      await pass(20_000, [phone, laptop]);
      expect(lastUser('ann')?.status).toBe('online');
    });

    it('does not override a chosen status with automatic away, nor clear a chosen away on activity', async () => {
      const { send, phone, bob, pass, lastUser, settings, bus } = setup();
      await send(phone.connected(), phone.status('dnd'), bob.connected(), bob.status('away'));
      await pass(settings.awayAfterMs + 10_000, [phone, bob]);
      await send(bob.activity(), phone.activity());
      expect(lastUser('ann')?.status).toBe('dnd');
      expect(lastUser('bob')?.status).toBe('away');
      expect(bus.published('tandem.presence.user', (u) => u.userId === 'ann').map((u) => u.status)).toEqual(['online', 'dnd']);
    });

    it('shows a status text until it expires', async () => {
      const { send, phone, pass, lastUser, clock, metrics } = setup();
      await send(phone.connected(), phone.status('dnd', 'in a meeting', new Date(clock.now() + 60_000).toISOString()));
      expect(lastUser('ann')).toMatchObject({ status: 'dnd', text: 'in a meeting' });
      await pass(59_000, [phone]);
      expect(lastUser('ann')?.text).toBe('in a meeting');
      await pass(1_000, [phone]);
      expect(lastUser('ann')).toMatchObject({ status: 'dnd', text: null });
      expect(await expirations(metrics, 'status_text')).toBe(1);
    });

    it('shows an invisible user as offline everywhere, and back when they are not', async () => {
      const { send, phone, bob, lastUser, rosters, typists, views } = setup();
      await send(phone.connected(), phone.joined(DOC), bob.connected(), bob.joined(DOC), phone.typing(DOC, true, 'editing'));
      await send(phone.status('invisible', 'secret'));
      expect(lastUser('ann')).toEqual({ userId: 'ann', name: 'Ann', status: 'offline', text: null, connections: 0 });
      expect(rosters(DOC).at(-1)?.map((m) => m.userId)).toEqual(['bob']);
      expect(typists(DOC).at(-1)).toEqual([]);
      expect((await views.users('acme', ['ann']))[0].status).toBe('offline');
      await send(phone.status('online'));
      expect(lastUser('ann')).toMatchObject({ status: 'online', text: null, connections: 1 });
      expect(rosters(DOC).at(-1)?.map((m) => m.userId)).toEqual(['ann', 'bob']);
    });
  });

  describe('idempotence and order', () => {
    it('changes nothing when a batch is redelivered', async () => {
      const { send, phone, laptop, bob, bus, clock } = setup();
      const batch = [phone.connected(), phone.joined(DOC), laptop.connected(), bob.connected(), bob.joined(DOC), phone.status('dnd', 'busy'), bob.typing(DOC), phone.activity()];
      await send(...batch);
      const published = bus.events.length;
      clock.advance(500);
      await send(...batch);
      expect(bus.events).toHaveLength(published);
    });

    it('does not bring back a disconnected connection with a late heartbeat, join or redelivered connect', async () => {
      const { send, phone, bus, views, clock } = setup();
      const history = [phone.connected(), phone.joined(DOC), phone.heartbeat()];
      await send(...history, phone.disconnected());
      const published = bus.events.length;
      clock.advance(1_000);
      await send(phone.heartbeat(), phone.joined('doc:other'), phone.typing(DOC));
      await send(...history);
      expect(bus.events).toHaveLength(published);
      expect((await views.users('acme', ['ann']))[0].status).toBe('offline');
      expect((await views.roster('acme', DOC)).members).toEqual([]);
    });

    it('remembers a disconnect that arrives before its connect', async () => {
      const { send, phone, bus } = setup();
      await send(phone.disconnected(), phone.connected());
      expect(bus.published('tandem.presence.user', (u) => u.status !== 'offline')).toEqual([]);
    });

    it('publishes on redelivery what a failed publish left unsaid, exactly once', async () => {
      const { send, phone, bus } = setup();
      const batch = [phone.connected()];
      bus.failures = 1;
      await expect(send(...batch)).rejects.toThrow('publish failed');
      await send(...batch);
      await send(...batch);
      expect(bus.published('tandem.presence.user')).toEqual([expect.objectContaining({ status: 'online' })]);
    });
  });
});
