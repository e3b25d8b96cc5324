/**
 * Notifications (issue 7): event-to-notification latency with USERS connected users.
 *   Source events (`tandem.chat.message.posted`) are produced to `chat.events.v1` on real Kafka; the
 *   notifications service (FerretDB) stores and publishes them on `notifications.events.v1`; a gateway
 *   process emits them to the users' sockets; USERS SDK clients in this process receive them. Measured
 *   per notification: produce call → the SDK's `onNotification`, in two phases:
 *   1. mentions: RATE messages/s for PHASE_SECONDS, each mentioning MENTIONS random users;
 *   2. fan-out: FANOUTS `@channel` messages in a channel of every user, FANOUT_GAP_MS apart.
 *   Reference in the same run, on the same records: one Kafka hop through the platform's bus (a
 *   consumer group of this process on `chat.events.v1`, produce call → handler). The path measured
 *   has two such hops, a store write and a socket emit; the ratio says what they cost over the floor.
 *   Every notification must arrive exactly once; lost and duplicated ones are counted.
 *
 *   node scripts/infra/up.mjs --only kafka,mongo -- node -r ./scripts/register.js bench/notifications.ts
 *   (or with KAFKA_BROKERS and MONGO_URL of running servers; USERS=500 RATE=5 MENTIONS=4
 *   PHASE_SECONDS=20 FANOUTS=5 to change)
 */
import { TOPICS, TopicEvent } from '@tandem/contracts';
import { KafkaEventBus, createLogger, signToken } from '@tandem/platform';
import { TandemClient } from '@tandem/sdk';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startProcess, stopAll } from '../e2e/support/processes';
import { chatKey, chatMessage, posted } from '../services/notifications/test/integration/support';
import { isLoopback } from './support/room';
import { summarize } from './support/stats';

const USERS = Number(process.env.USERS ?? 500);
const RATE = Number(process.env.RATE ?? 5);
const MENTIONS = Number(process.env.MENTIONS ?? 4);
const PHASE_SECONDS = Number(process.env.PHASE_SECONDS ?? 20);
const FANOUTS = Number(process.env.FANOUTS ?? 5);
const FANOUT_GAP_MS = 3_000;
const log = (msg: string) => process.stderr.write(`[bench:notifications] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function serversOrExit(): { KAFKA_BROKERS: string; MONGO_URL: string } {
  const { KAFKA_BROKERS, MONGO_URL } = process.env;
  if (!KAFKA_BROKERS || !MONGO_URL) throw new Error('set KAFKA_BROKERS and MONGO_URL (node scripts/infra/up.mjs --only kafka,mongo -- node -r ./scripts/register.js bench/notifications.ts)');
  const hosts = [...KAFKA_BROKERS.split(',').map((b) => b.trim().replace(/:\d+$/, '')), new URL(MONGO_URL).hostname];
  if (!hosts.every(isLoopback)) throw new Error('the benchmarks only talk to 127.0.0.1');
  return { KAFKA_BROKERS, MONGO_URL };
}

async function main() {
  const servers = serversOrExit();
  const jwtSecret = randomBytes(32).toString('hex');
  const env = { ...servers, JWT_SECRET: jwtSecret, INTERNAL_TOKEN: randomBytes(24).toString('hex'), LOG_LEVEL: 'error', REDIS_URL: '' };
  log('starting the notifications service and a gateway…');
  const service = await startProcess('notifications', 'services/notifications/src/main.ts', env, 120_000);
  const gateway = await startProcess('gateway', 'services/gateway/src/main.ts', { ...env, NOTIFICATIONS_URL: service.url }, 120_000);
  const bus = new KafkaEventBus({ brokers: servers.KAFKA_BROKERS.split(','), clientId: 'bench-notifications', logger: createLogger({ name: 'bench', level: 'silent' }) });
  await bus.ensureTopics([TOPICS.chatEvents]);
  const tenant = `bench-${randomBytes(4).toString('hex')}`;
  const clients: TandemClient[] = [];
  try {
    /** messageId → when its produce call was made, and when this process's own consumer got it. */
    const sent = new Map<string, number>();
    const hop = new Map<string, number>();
    const reference = await bus.subscribe({
      groupId: `bench-reference-${tenant}`,
      topics: [TOPICS.chatEvents],
      handleBatch: async ({ records }) => {
        const now = performance.now();
        for (const { event } of records) {
          if (event.tenant !== tenant || event.type !== 'tandem.chat.message.posted') continue;
          const t = sent.get(event.data.message.messageId);
          if (t !== undefined && !hop.has(event.data.message.messageId)) hop.set(event.data.message.messageId, now - t);
        }
      },
    });

    const users = Array.from({ length: USERS }, (_, i) => `u-${i}`);
    /** Per user: messageId → latency in ms (a second arrival is a duplicate). */
    const received = new Map<string, Map<string, number>>(users.map((u) => [u, new Map()]));
    let duplicates = 0;
    log(`connecting ${USERS} users…`);
    for (let i = 0; i < USERS; i += 50) {
      await Promise.all(
        users.slice(i, i + 50).map(async (sub) => {
          const token = await signToken(jwtSecret, { sub, tenant, roles: ['member'] });
          const client = new TandemClient({ url: gateway.url, getToken: () => token });
          clients.push(client);
          client.notifications.onNotification((n) => {
            const now = performance.now();
            if (n.link.kind !== 'chat') return;
            const mine = received.get(sub)!;
            if (mine.has(n.link.messageId)) return void duplicates++;
            mine.set(n.link.messageId, now - (sent.get(n.link.messageId) ?? now));
          });
          await client.ready();
        }),
      );
    }
    await Promise.all(clients.map((c) => (c.state === 'online' ? undefined : new Promise<void>((r) => c.onStateChange((s) => s === 'online' && r())))));
    log(`${clients.length} users online`);

    const expected = new Map<string, string[]>(); // messageId → users it should notify
    let seq = 0;
    const publish = (channelId: string, mentioned: string[], everyone: boolean) => {
      const message = chatMessage({ channelId, seq: ++seq, authorId: 'author', text: `m ${seq}`, mentions: { userIds: everyone ? [] : mentioned, channel: everyone, here: false } });
      expected.set(message.messageId, everyone ? users : mentioned);
      const event = posted(tenant, message, { memberIds: everyone ? ['author', ...users] : null });
      sent.set(message.messageId, performance.now());
      return bus.publish(TOPICS.chatEvents, [{ key: chatKey(tenant, channelId), event: event as TopicEvent<typeof TOPICS.chatEvents> }]);
    };
    const latencies = (ids: string[]) => ids.flatMap((id) => expected.get(id)!.map((u) => received.get(u)!.get(id)).filter((x): x is number => x !== undefined));
    const waitFor = async (ids: string[], timeoutMs: number) => {
      const want = ids.reduce((n, id) => n + expected.get(id)!.length, 0);
      const deadline = Date.now() + timeoutMs;
      while (latencies(ids).length < want && Date.now() < deadline) await sleep(200);
    };

    // Warm-up: every path (consumer groups, connections, indexes) exercised once before measuring.
    await Promise.all(Array.from({ length: 10 }, (_, i) => publish('warmup', [users[i]], false)));
    const warm = new Set(sent.keys());
    await waitFor([...warm], 60_000);
    if (latencies([...warm]).length < warm.size) throw new Error('the warm-up notifications did not arrive within 60 s: is the notifications consumer group behind on an old backlog? Run on fresh servers');

    log(`phase 1: ${RATE} messages/s for ${PHASE_SECONDS} s, ${MENTIONS} mentions each…`);
    const pending: Promise<void>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < RATE * PHASE_SECONDS; i++) {
      const wait = t0 + (i * 1000) / RATE - performance.now();
      if (wait > 0) await sleep(wait);
      const mentioned = new Set<string>();
      while (mentioned.size < MENTIONS) mentioned.add(users[Math.floor(Math.random() * USERS)]);
      pending.push(publish(`ch-${i % 20}`, [...mentioned], false));
    }
    await Promise.all(pending);
    const mentionIds = [...sent.keys()].filter((id) => !warm.has(id));
    await waitFor(mentionIds, 60_000);

    log(`phase 2: ${FANOUTS} @channel messages to all ${USERS} users…`);
    const fanoutIds: string[] = [];
    for (let i = 0; i < FANOUTS; i++) {
      const before = new Set(sent.keys());
      await publish('all-hands', [], true);
      fanoutIds.push(...[...sent.keys()].filter((id) => !before.has(id)));
      await sleep(FANOUT_GAP_MS);
    }
    await waitFor(fanoutIds, 120_000);
    await sleep(2_000); // late duplicates would show up now

    const phase = (ids: string[]) => {
      const want = ids.reduce((n, id) => n + expected.get(id)!.length, 0);
      const got = latencies(ids);
      const kafka = summarize(ids.map((id) => hop.get(id)).filter((x): x is number => x !== undefined));
      const notification = summarize(got);
      return { messages: ids.length, notificationsExpected: want, notificationsReceived: got.length, lost: want - got.length, notification, kafkaHop: kafka, ratioP50: notification.p50 / kafka.p50, ratioP99: notification.p99 / kafka.p99 };
    };
    const results = {
      benchmark: 'notifications',
      command: 'node scripts/infra/up.mjs --only kafka,mongo -- node -r ./scripts/register.js bench/notifications.ts',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.split(' ').slice(0, 2).join(' '), memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      config: { users: USERS, rate: RATE, mentions: MENTIONS, phaseSeconds: PHASE_SECONDS, fanouts: FANOUTS, target: 'notifications service + one gateway process on real Kafka and FerretDB; SDK clients in the benchmark process' },
      mentions: phase(mentionIds),
      fanout: phase(fanoutIds),
      duplicates,
    };
    const file = join(__dirname, 'results', 'notifications.json');
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    log(`written ${file}`);
    console.log(JSON.stringify(results, null, 2));
    await reference.close();
  } finally {
    for (const c of clients) c.close();
    await bus.close();
    await stopAll();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    void stopAll().finally(() => process.exit(1));
  },
);
