/**
 * Chat (issue 6): messages through the whole path with CLIENTS connected clients in CHANNELS
 * channels (CLIENTS / CHANNELS members each, every member subscribed), against a bare Socket.IO
 * relay measured in the same run with the same clients, rooms and load.
 *   Path: socket `command` → gateway (membership check, cached) → chat.commands.v1 (Kafka) → chat
 *   service (FerretDB: log, message, channel) → chat.events.v1 → gateway → every member's socket.
 *   Floor: socket `post` → relay process → `to(room).emit` → every member's socket.
 *   Measured per delivery: the post's emit → the `event` on a member's socket (post-to-delivery).
 *   1. offered load: RATE messages/s spread over the channels for PHASE_SECONDS (latency);
 *   2. saturation: each channel keeps WINDOW messages in flight (the next one is posted when one
 *      has reached every member) for PHASE_SECONDS: sustained messages/s delivered to all members.
 *   Every message must reach every member exactly once; lost and duplicated deliveries are counted.
 *
 *   node scripts/infra/up.mjs --only kafka,mongo -- node -r ./scripts/register.js bench/chat.ts
 *   (or with KAFKA_BROKERS and MONGO_URL of running servers; CLIENTS=500 CHANNELS=50 RATE=50
 *   PHASE_SECONDS=20 WINDOW=2 to change)
 */
import type { CommandAck } from '@tandem/contracts';
import { signToken } from '@tandem/platform';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { io, Socket } from 'socket.io-client';
import { startProcess, stopAll } from '../e2e/support/processes';
import { isLoopback } from './support/room';
import { summarize } from './support/stats';

const CLIENTS = Number(process.env.CLIENTS ?? 500);
const CHANNELS = Number(process.env.CHANNELS ?? 50);
const RATE = Number(process.env.RATE ?? 50);
const PHASE_SECONDS = Number(process.env.PHASE_SECONDS ?? 20);
const WINDOW = Number(process.env.WINDOW ?? 2);
const PER = CLIENTS / CHANNELS;
const log = (msg: string) => process.stderr.write(`[bench:chat] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Member = { socket: Socket; channel: number };
/** One system under test: how a member posts, and which `event`s are deliveries of which message. */
type Target = { name: string; members: Member[]; post(m: Member, messageId: string): void; idOf(event: unknown): string | null };

function serversOrExit(): { KAFKA_BROKERS: string; MONGO_URL: string } {
  const { KAFKA_BROKERS, MONGO_URL } = process.env;
  if (!KAFKA_BROKERS || !MONGO_URL) throw new Error('set KAFKA_BROKERS and MONGO_URL (node scripts/infra/up.mjs --only kafka,mongo -- node -r ./scripts/register.js bench/chat.ts)');
  const hosts = [...KAFKA_BROKERS.split(',').map((b) => b.trim().replace(/:\d+$/, '')), new URL(MONGO_URL).hostname];
  if (!hosts.every(isLoopback)) throw new Error('the benchmarks only talk to 127.0.0.1');
  return { KAFKA_BROKERS, MONGO_URL };
}

async function connect(url: string, auth: Record<string, string>): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], auth, forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/** Runs both phases against one target; every member of the channel (the poster included) must get each message once. */
async function measure(target: Target) {
  const sent = new Map<string, { at: number; channel: number }>();
  const got = new Map<string, number>(); // messageId → deliveries so far
  const latencies: number[] = [];
  let duplicates = 0;
  const seen = new Map<Socket, Set<string>>(target.members.map((m) => [m.socket, new Set()]));
  const whenComplete = new Map<string, () => void>();
  for (const m of target.members) {
    m.socket.on('event', (event: unknown) => {
      const now = performance.now();
      const id = target.idOf(event);
      const s = id ? sent.get(id) : undefined;
      if (!id || !s) return;
      const mine = seen.get(m.socket)!;
      if (mine.has(id)) return void duplicates++;
      mine.add(id);
      latencies.push(now - s.at);
      const n = (got.get(id) ?? 0) + 1;
      got.set(id, n);
      if (n === PER) whenComplete.get(id)?.();
    });
  }
  const byChannel = Array.from({ length: CHANNELS }, (_, c) => target.members.filter((m) => m.channel === c));
  let turn = 0;
  const post = (channel: number) => {
    const members = byChannel[channel];
    const member = members[turn++ % members.length]; // senders rotate, as people do (and per-socket limits stay far)
    const messageId = randomUUID().replace(/-/g, '');
    sent.set(messageId, { at: performance.now(), channel });
    target.post(member, messageId);
    return messageId;
  };
  const settle = async (ids: string[], timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (ids.some((id) => (got.get(id) ?? 0) < PER) && Date.now() < deadline) await sleep(100);
  };
  const report = (ids: string[], from: number) => {
    const want = ids.length * PER;
    const delivered = ids.reduce((n, id) => n + (got.get(id) ?? 0), 0);
    const latency = summarize(latencies.slice(from));
    return { messages: ids.length, deliveriesExpected: want, deliveriesReceived: delivered, lost: want - delivered, latency };
  };

  // Warm-up: every channel once (consumer groups, membership caches, connections).
  const warm = Array.from({ length: CHANNELS }, (_, c) => post(c));
  await settle(warm, 60_000);
  if (warm.some((id) => (got.get(id) ?? 0) < PER)) throw new Error(`${target.name}: the warm-up messages did not reach every member within 60 s`);

  log(`${target.name}: ${RATE} messages/s for ${PHASE_SECONDS} s…`);
  const from1 = latencies.length;
  const offered: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < RATE * PHASE_SECONDS; i++) {
    const wait = t0 + (i * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    offered.push(post(i % CHANNELS));
  }
  await settle(offered, 60_000);
  const load = report(offered, from1);

  log(`${target.name}: saturation, ${WINDOW} in flight per channel for ${PHASE_SECONDS} s…`);
  const from2 = latencies.length;
  const saturation: string[] = [];
  const end = performance.now() + PHASE_SECONDS * 1000;
  let completed = 0;
  const started = performance.now();
  const lane = async (channel: number) => {
    while (performance.now() < end) {
      const id = post(channel);
      saturation.push(id);
      await Promise.race([new Promise<void>((r) => whenComplete.set(id, r)), sleep(30_000)]);
      if ((got.get(id) ?? 0) >= PER && performance.now() <= end) completed++;
    }
  };
  await Promise.all(Array.from({ length: CHANNELS * WINDOW }, (_, i) => lane(i % CHANNELS)));
  const seconds = (Math.min(performance.now(), end) - started) / 1000;
  await settle(saturation, 30_000);
  await sleep(1_000); // late duplicates would show up now
  const sat = { ...report(saturation, from2), messagesPerSecond: Math.round((completed / seconds) * 10) / 10, deliveriesPerSecond: Math.round(((completed * PER) / seconds) * 10) / 10 };
  for (const m of target.members) m.socket.removeAllListeners('event');
  return { load: { ...load, offeredPerSecond: RATE }, saturation: sat, duplicates };
}

async function main() {
  const servers = serversOrExit();
  const jwtSecret = randomBytes(32).toString('hex');
  const mongoUrl = new URL(servers.MONGO_URL);
  mongoUrl.pathname = `/tandem_chat_bench_${randomBytes(4).toString('hex')}`;
  const env = { ...servers, JWT_SECRET: jwtSecret, INTERNAL_TOKEN: randomBytes(24).toString('hex'), LOG_LEVEL: 'error', REDIS_URL: '' };
  log('starting the chat service, a gateway and the relay…');
  const chat = await startProcess('chat', 'services/chat/src/main.ts', { ...env, MONGO_URL: mongoUrl.toString() }, 120_000);
  const gateway = await startProcess('gateway', 'services/gateway/src/main.ts', { ...env, CHAT_URL: chat.url, DOCS_URL: 'http://127.0.0.1:9' }, 120_000);
  const relay = await startProcess('relay', 'bench/support/relay-server.ts', {}, 60_000);
  const tenant = `bench-${randomBytes(4).toString('hex')}`;
  const sockets: Socket[] = [];
  try {
    const users = Array.from({ length: CLIENTS }, (_, i) => ({ userId: `u-${i}`, channel: Math.floor(i / PER) }));
    log(`connecting ${CLIENTS} clients to the gateway and ${CLIENTS} to the relay…`);
    const platform: Member[] = [];
    const floor: Member[] = [];
    await inBatches(users, 50, async (u) => {
      const token = await signToken(jwtSecret, { sub: u.userId, tenant, roles: ['member'] });
      const [s, r] = await Promise.all([connect(gateway.url, { token }), connect(relay.url, {})]);
      sockets.push(s, r);
      platform.push({ socket: s, channel: u.channel });
      floor.push({ socket: r, channel: u.channel });
    });
    const command = (socket: Socket, body: Record<string, unknown>) => socket.timeout(30_000).emitWithAck('command', { commandId: randomUUID().replace(/-/g, ''), ...body }) as Promise<CommandAck>;
    log(`creating ${CHANNELS} private channels and subscribing every member…`);
    await inBatches(Array.from({ length: CHANNELS }, (_, c) => c), 10, async (c) => {
      const members = users.filter((u) => u.channel === c).map((u) => u.userId);
      const owner = platform.find((m) => m.channel === c)!;
      const ack = await command(owner.socket, { type: 'chat.channel.create', channelId: `c-${c}`, kind: 'private', name: `c-${c}`, memberIds: members });
      if (!ack.ok) throw new Error(`could not create c-${c}: ${ack.error.message}`);
    });
    await inBatches(platform, 50, async (m) => {
      for (let attempt = 0; ; attempt++) {
        const answer = (await m.socket.timeout(30_000).emitWithAck('chat', { type: 'chat.subscribe', channelId: `c-${m.channel}` })) as { ok: boolean; error?: { message: string } };
        if (answer.ok) return;
        if (attempt > 100) throw new Error(`could not subscribe to c-${m.channel}: ${answer.error?.message}`);
        await sleep(200);
      }
    });
    await inBatches(floor, 100, (m) => m.socket.timeout(10_000).emitWithAck('join', `c-${m.channel}`));

    const viaPlatform: Target = {
      name: 'platform',
      members: platform,
      post: (m, messageId) => void command(m.socket, { type: 'chat.message.post', channelId: `c-${m.channel}`, messageId, text: `message ${messageId}` }).catch(() => undefined),
      idOf: (e) => {
        const event = e as { type?: string; change?: { event: string; data: { message?: { messageId: string } } } };
        return event.type === 'chat.change' && event.change?.event === 'tandem.chat.message.posted' ? (event.change.data.message?.messageId ?? null) : null;
      },
    };
    const viaRelay: Target = {
      name: 'relay',
      members: floor,
      post: (m, messageId) => m.socket.emit('post', { room: `c-${m.channel}`, messageId, text: `message ${messageId}` }, () => undefined),
      idOf: (e) => ((e as { type?: string }).type === 'relay' ? (e as { messageId: string }).messageId : null),
    };
    const relayResult = await measure(viaRelay);
    const platformResult = await measure(viaPlatform);
    // Three significant digits: the ratios span from ~0.001 to ~1000 (two decimals rounded 0.0024 to 0).
    const ratio = (a: number, b: number) => Number((a / b).toPrecision(3));
    const results = {
      benchmark: 'chat',
      command: 'node scripts/infra/up.mjs --only kafka,mongo -- node -r ./scripts/register.js bench/chat.ts',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.split(' ').slice(0, 2).join(' '), memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      config: { clients: CLIENTS, channels: CHANNELS, membersPerChannel: PER, rate: RATE, phaseSeconds: PHASE_SECONDS, window: WINDOW, target: 'chat service + one gateway process on real Kafka and FerretDB 1.24; the relay is a bare Socket.IO process; clients in the benchmark process' },
      platform: platformResult,
      relay: relayResult,
      ratios: {
        loadP50: ratio(platformResult.load.latency.p50, relayResult.load.latency.p50),
        loadP99: ratio(platformResult.load.latency.p99, relayResult.load.latency.p99),
        sustainedMessagesPerSecond: ratio(platformResult.saturation.messagesPerSecond, relayResult.saturation.messagesPerSecond),
      },
    };
    const file = join(__dirname, 'results', 'chat.json');
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    log(`written ${file}`);
    console.log(JSON.stringify(results, null, 2));
  } finally {
    for (const s of sockets) s.close();
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
