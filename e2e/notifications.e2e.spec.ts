import { TOPICS, TopicEvent } from '@tandem/contracts';
import { KafkaEventBus, createLogger, signToken } from '@tandem/platform';
import { eventually, requireEnv, uniqueId } from '@tandem/platform/testing';
import { TandemClient } from '@tandem/sdk';
import type { Notification } from '@tandem/contracts';
import { randomBytes } from 'node:crypto';
import { chatKey, chatMessage, posted } from '../services/notifications/test/integration/support';
import { Link } from './support/link';
import { RunningProcess, startProcess, stopAll } from './support/processes';

/** Long enough for anything still on its way to have arrived. */
const settle = () => new Promise((r) => setTimeout(r, 2_000));

/**
 * Notifications through the whole platform on real Kafka and FerretDB: source events produced to
 * `chat.events.v1`, the notifications service, `notifications.events.v1`, a gateway process and the
 * SDK over real sockets. A user's two devices lose their network (a TCP link cut under them) while
 * notifications pile up, and each gets every one exactly once when it comes back.
 */
describe('notifications across the platform', () => {
  const jwtSecret = randomBytes(32).toString('hex');
  let gateway: RunningProcess;
  let bus: KafkaEventBus;
  const clients: TandemClient[] = [];
  const links: Link[] = [];
  let tenant: string;

  beforeAll(async () => {
    const env = { KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'), MONGO_URL: requireEnv('MONGO_URL'), JWT_SECRET: jwtSecret, INTERNAL_TOKEN: randomBytes(24).toString('hex') };
    const notifications = await startProcess('notifications', 'services/notifications/src/main.ts', env, 120_000);
    gateway = await startProcess('gateway', 'services/gateway/src/main.ts', { ...env, NOTIFICATIONS_URL: notifications.url }, 120_000);
    bus = new KafkaEventBus({ brokers: env.KAFKA_BROKERS.split(','), clientId: 'e2e-notifications', logger: createLogger({ name: 'e2e', level: 'silent' }) });
    await bus.ensureTopics([TOPICS.chatEvents]);
  }, 240_000);
  beforeEach(() => {
    tenant = uniqueId('tenant');
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all(links.splice(0).map((l) => l.close()));
  });
  afterAll(async () => {
    await bus?.close();
    await stopAll();
  });

  /** A device of `sub`: a connected SDK client (through a cuttable link, if asked) recording what it is told. */
  async function device(sub: string, opts: { link?: boolean; resumeFrom?: number } = {}) {
    const token = await signToken(jwtSecret, { sub, tenant, roles: ['member'] });
    let url = gateway.url;
    let link: Link | undefined;
    if (opts.link) {
      link = new Link(gateway.url);
      links.push(link);
      url = await link.url;
    }
    const client = new TandemClient({ url, getToken: () => token });
    clients.push(client);
    const received: Notification[] = [];
    client.notifications.onNotification((n) => received.push(n));
    if (opts.resumeFrom !== undefined) client.notifications.resumeFrom(opts.resumeFrom);
    await client.ready();
    await eventually(() => expect(client.state).toBe('online'), 10_000);
    return { client, received, link, token, ids: () => received.map((n) => n.notificationId) };
  }
  type Device = Awaited<ReturnType<typeof device>>;

  const channel = 'war-room';
  const members = ['ann', 'bob', 'cat'];
  /** A message by ann in a private channel, mentioning herself, bob (a member) and eve (not a member). */
  const mention = (seq: number) => posted(tenant, chatMessage({ channelId: channel, seq, authorId: 'ann', text: `update ${seq}`, mentions: { userIds: ['ann', 'bob', 'eve'], channel: false, here: false } }), { kind: 'private', memberIds: members });
  async function produce(events: Array<ReturnType<typeof mention>>) {
    for (let i = 0; i < events.length; i += 25) {
      await bus.publish(TOPICS.chatEvents, events.slice(i, i + 25).map((event) => ({ key: chatKey(tenant, channel), event: event as TopicEvent<typeof TOPICS.chatEvents> })));
    }
  }
  async function unreadOverHttp(d: Device): Promise<number> {
    const res = await fetch(`${gateway.url}/api/v1/notifications/unread`, { headers: { authorization: `Bearer ${d.token}` } });
    return ((await res.json()) as { unread: number }).unread;
  }
  const offline = async (...ds: Device[]) => {
    for (const d of ds) d.link!.cut();
    await eventually(() => expect(ds.map((d) => d.client.state)).not.toContain('online'), 10_000);
  };
  const online = async (...ds: Device[]) => {
    for (const d of ds) d.link!.restore();
    await eventually(() => expect(ds.map((d) => d.client.state)).toEqual(ds.map(() => 'online')), 30_000);
  };

  it('gives a user offline for 100 notifications all 100 exactly once on reconnect, on both devices, with the same badge, and nothing to the sender or non-members', async () => {
    const [phone, laptop] = [await device('bob', { link: true }), await device('bob', { link: true })];
    const [ann, eve, cat] = [await device('ann'), await device('eve'), await device('cat')];

    await produce([mention(1)]);
    await eventually(() => expect([phone.received.length, laptop.received.length]).toEqual([1, 1]), 20_000);
    expect([phone.client.notifications.unread, laptop.client.notifications.unread]).toEqual([1, 1]);

    await offline(phone, laptop);
    const missed = Array.from({ length: 100 }, (_, i) => mention(i + 2));
    // Redelivered as they are, and the same messages under new event ids: nothing twice.
    await produce([...missed, ...missed.slice(0, 20), ...missed.slice(50, 60).map((e) => posted(tenant, e.data.message, { kind: 'private', memberIds: members }))]);
    await eventually(async () => expect(await unreadOverHttp(phone)).toBe(101), 60_000);
    expect([phone.received.length, laptop.received.length]).toEqual([1, 1]); // really offline

    await online(phone, laptop);
    for (const d of [phone, laptop]) {
      await eventually(() => expect(d.received.length).toBeGreaterThanOrEqual(101), 30_000);
    }
    await settle();
    for (const d of [phone, laptop]) {
      expect(d.received).toHaveLength(101);
      expect(new Set(d.ids()).size).toBe(101);
      // Caught up oldest first, each pointing at its message.
      expect(d.received.map((n) => n.link.kind === 'chat' && n.link.seq)).toEqual(Array.from({ length: 101 }, (_, i) => i + 1));
      expect(d.client.notifications.unread).toBe(101);
    }
    expect(laptop.ids()).toEqual(phone.ids());
    for (const other of [ann, eve, cat]) expect(other.received).toEqual([]);
    expect(await Promise.all([ann, eve, cat].map(unreadOverHttp))).toEqual([0, 0, 0]);

    // Badges follow across devices: read on one, the other's count drops.
    await phone.client.notifications.markRead(phone.received[0].notificationId);
    await eventually(() => expect(laptop.client.notifications.unread).toBe(100), 10_000);
    expect(await laptop.client.notifications.delete(laptop.received[1].notificationId)).toBe(true);
    await eventually(() => expect(phone.client.notifications.unread).toBe(99), 10_000);
    await laptop.client.notifications.markAllRead();
    await eventually(() => expect(phone.client.notifications.unread).toBe(0), 10_000);

    // Live again on both, and a reloaded device resumes from the seq it had saved.
    const saved = phone.client.notifications.lastSeq!;
    expect(saved).toBe(phone.received.at(-1)!.seq);
    phone.client.close();
    await produce([mention(102), mention(103)]);
    await eventually(() => expect(laptop.received.length).toBe(103), 20_000);
    expect(laptop.client.notifications.unread).toBe(2);
    const reloaded = await device('bob', { resumeFrom: saved });
    await eventually(() => expect(reloaded.received.length).toBe(2), 20_000);
    expect(reloaded.received.map((n) => n.notificationId)).toEqual(laptop.ids().slice(101));
    expect(reloaded.client.notifications.unread).toBe(2);
  }, 180_000);
});
