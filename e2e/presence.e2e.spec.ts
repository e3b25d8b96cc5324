import type { UserPresence } from '@tandem/contracts';
import { signToken } from '@tandem/platform';
import { eventually, requireEnv, uniqueId } from '@tandem/platform/testing';
import { TandemClient } from '@tandem/sdk';
import { randomBytes } from 'node:crypto';
import { RunningProcess, startProcess, stopAll } from './support/processes';

/**
 * Presence on real Redis and Kafka: a presence service, a docs service and two gateways. TTLs are
 * shortened so "offline within the bounded time" is seconds here (production default: 30 s).
 */
describe('presence across gateways', () => {
  const jwtSecret = randomBytes(32).toString('hex');
  const ttlMs = 3_000;
  let env: Record<string, string>;
  let gateways: RunningProcess[];
  const clients: TandemClient[] = [];
  let tenant: string;

  beforeAll(async () => {
    env = {
      KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
      MONGO_URL: requireEnv('MONGO_URL'),
      REDIS_URL: requireEnv('REDIS_URL'),
      JWT_SECRET: jwtSecret,
      INTERNAL_TOKEN: randomBytes(24).toString('hex'),
      PRESENCE_TTL_MS: String(ttlMs),
      PRESENCE_HEARTBEAT_MS: '1000',
      PRESENCE_SWEEP_MS: '200',
      TYPING_TTL_MS: '1500',
      MAX_CONNECTIONS_PER_USER: '200',
      USER_RATE_PER_SECOND: '1000',
      USER_RATE_BURST: '1000',
    };
    const [docs, presence] = await Promise.all([startProcess('docs', 'services/docs/src/main.ts', env), startProcess('presence', 'services/presence/src/main.ts', env)]);
    env = { ...env, DOCS_URL: docs.url, PRESENCE_URL: presence.url };
    gateways = await Promise.all([1, 2].map((n) => startProcess(`gateway-${n}`, 'services/gateway/src/main.ts', env)));
  });
  beforeEach(() => {
    tenant = uniqueId('tenant');
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => stopAll());

  async function connect(sub: string, gateway: RunningProcess, device?: string): Promise<TandemClient> {
    const token = await signToken(jwtSecret, { sub, tenant, name: sub.toUpperCase() });
    const client = new TandemClient({ url: gateway.url, getToken: () => token, device });
    clients.push(client);
    await client.ready();
    return client;
  }
  const statusesOf = (observer: TandemClient, ids: string[]) => ids.map((id) => observer.presence.statusOf(id)?.status);

  it('keeps a user online while any device is connected, and offline once none is', async () => {
    const observer = await connect('obs', gateways[1]);
    const phone = await connect('ann', gateways[0], 'phone');
    const laptop = await connect('ann', gateways[1], 'laptop');
    await observer.presence.follow(['ann']);
    await eventually(() => expect(observer.presence.statusOf('ann')).toMatchObject({ status: 'online', connections: 2 }), 5_000);
    phone.close();
    await eventually(() => expect(observer.presence.statusOf('ann')).toMatchObject({ status: 'online', connections: 1 }), ttlMs * 2);
    laptop.close();
    await eventually(() => expect(observer.presence.statusOf('ann')?.status).toBe('offline'), ttlMs * 2);
  });

  it('shows all 100 users of a SIGKILLed gateway offline within the TTL, and online again once they reconnect elsewhere', async () => {
    const doomed = await startProcess('gateway-doomed', 'services/gateway/src/main.ts', env);
    const ids = Array.from({ length: 100 }, (_, i) => `user-${i}`);
    const observer = await connect('watcher', gateways[1]);
    const users = await Promise.all(ids.map((id) => connect(id, doomed)));
    await observer.presence.follow(ids);
    await eventually(() => expect(statusesOf(observer, ids)).toEqual(ids.map(() => 'online')), 10_000);

    const killedAt = Date.now();
    await doomed.kill();
    await eventually(() => expect(statusesOf(observer, ids)).toEqual(ids.map(() => 'offline')), ttlMs * 3, 100);
    const tookMs = Date.now() - killedAt;
    console.log(`100 users of a SIGKILLed gateway shown offline after ${tookMs} ms (TTL ${ttlMs} ms)`);
    expect(tookMs).toBeLessThan(ttlMs + 2_000);

    users.forEach((u) => u.close());
    await Promise.all(ids.map((id) => connect(id, gateways[0])));
    await eventually(() => expect(statusesOf(observer, ids)).toEqual(ids.map(() => 'online')), 10_000);
  });

  it('shows who is in a document and who is editing, and clears editing by itself', async () => {
    const ann = await connect('ann', gateways[0]);
    const bob = await connect('bob', gateways[1]);
    await ann.counter('notes');
    await bob.counter('notes');
    await eventually(() => expect(bob.presence.rosterOf('notes').map((m) => m.userId).sort()).toEqual(['ann', 'bob']), 5_000);

    const typists: string[][] = [];
    bob.presence.onTyping('notes', (t) => typists.push(t.map((x) => x.userId)));
    await ann.presence.typing('notes', true, 'editing');
    await eventually(() => expect(typists.at(-1)).toEqual(['ann']), 5_000);
    // Ann goes silent: the indicator clears itself.
    await eventually(() => expect(typists.at(-1)).toEqual([]), 5_000);

    await ann.presence.typing('notes', true, 'editing');
    await eventually(() => expect(typists.at(-1)).toEqual(['ann']), 5_000);
    ann.close();
    await eventually(() => expect(typists.at(-1)).toEqual([]), 5_000);
    await eventually(() => expect(bob.presence.rosterOf('notes').map((m) => m.userId)).toEqual(['bob']), 5_000);
  });

  it('relays at most ~20 cursor updates a second per user and always ends on the latest position', async () => {
    const ann = await connect('ann', gateways[0]);
    const bob = await connect('bob', gateways[1]);
    await ann.counter('canvas');
    await bob.counter('canvas');
    const seen: Array<{ at: number; x?: number }> = [];
    bob.presence.onCursor('canvas', (c) => seen.push({ at: Date.now(), x: c.cursor.x }));
    const started = Date.now();
    for (let i = 1; i <= 200; i++) {
      ann.presence.moveCursor('canvas', { x: i, y: 0 });
      await new Promise((r) => setTimeout(r, 5));
    }
    const seconds = (Date.now() - started) / 1000;
    await eventually(() => expect(seen.at(-1)?.x).toBe(200), 5_000);
    console.log(`200 cursor moves in ${seconds.toFixed(2)} s → ${seen.length} delivered`);
    expect(seen.length).toBeLessThanOrEqual(Math.ceil(seconds * 20) + 2);
    expect(seen.length).toBeGreaterThan(3);
  });

  it('shows a caret again after its user reconnects, without their moving it', async () => {
    const ann = await connect('ann', gateways[0]);
    const bob = await connect('bob', gateways[1]);
    await ann.counter('sketch');
    await bob.counter('sketch');
    const seen: Array<number | undefined> = [];
    bob.presence.onCursor('sketch', (c) => c.userId === 'ann' && seen.push(c.cursor.x));
    ann.presence.moveCursor('sketch', { x: 42, y: 0 });
    await eventually(() => expect(seen.at(-1)).toBe(42), 5_000);
    ann.disconnect();
    await eventually(() => expect(bob.presence.rosterOf('sketch').map((m) => m.userId)).toEqual(['bob']), 10_000);
    seen.length = 0;
    await ann.reconnect();
    await eventually(() => expect(bob.presence.rosterOf('sketch').map((m) => m.userId).sort()).toEqual(['ann', 'bob']), 10_000);
    await eventually(() => expect(seen).toContain(42), 5_000);
  });

  it('shows a chosen status, its text, and invisible as offline', async () => {
    const observer = await connect('obs', gateways[0]);
    const cat = await connect('cat', gateways[1]);
    await observer.presence.follow(['cat']);
    const updates: UserPresence[] = [];
    observer.presence.onUser((u) => updates.push(u));
    await cat.presence.setStatus('dnd', 'in a meeting');
    await eventually(() => expect(observer.presence.statusOf('cat')).toMatchObject({ status: 'dnd', text: 'in a meeting' }), 5_000);
    await cat.presence.setStatus('invisible');
    await eventually(() => expect(observer.presence.statusOf('cat')?.status).toBe('offline'), 5_000);
    await cat.presence.setStatus('online');
    await eventually(() => expect(observer.presence.statusOf('cat')?.status).toBe('online'), 5_000);
  });
});
