/**
 * Flood vs. everyone else in the room (issue 3): "one session sends 50× its rate limit; other users in
 * the same room see their p99 delivery latency grow by less than 2×".
 *
 * USERS users in one document's room each send a counter increment every EDIT_EVERY_MS. Delivery
 * latency of a command: from its send to the moment every other user has received the
 * `doc.counter.changed` event carrying its command id. Measured for PHASE_SECONDS without a flood
 * (baseline), then for as long again while one more session in the room sends increments at 50× its
 * socket rate limit (from a process of its own), in the same run; reports p50/p95/p99/max of both and
 * the p99 ratio. Targets the standalone process by default, or a docs service and a gateway on real
 * servers when KAFKA_BROKERS and MONGO_URL are set; talks only to 127.0.0.1 and stops by itself.
 *
 *   node -r ./scripts/register.js bench/flood.ts
 *   node scripts/infra/up.mjs --only kafka,mongo,redis -- node -r ./scripts/register.js bench/flood.ts
 *   (USERS=8 PHASE_SECONDS=15 EDIT_EVERY_MS=250 FLOOD_MULTIPLE=50 to change)
 */
import type { ServerEvent } from '@tandem/contracts';
import { signToken } from '@tandem/platform';
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import type { FlooderMessage, FlooderOptions } from './support/flooder';
import { increment, joinRoom } from './support/room';
import { Summary, counterByLabel, difference, summarize } from './support/stats';
import { BenchTarget, startTarget } from './support/target';

const USERS = Number(process.env.USERS ?? 8);
const PHASE_SECONDS = Number(process.env.PHASE_SECONDS ?? 15);
const EDIT_EVERY_MS = Number(process.env.EDIT_EVERY_MS ?? 250);
const WARM_UP_SECONDS = 3;
const DRAIN_MS = 2_000;
/** The gateway's default limits, set explicitly so that the flood's multiple does not depend on the shell. */
const LIMITS = { SOCKET_RATE_PER_SECOND: 50, SOCKET_RATE_BURST: 100, USER_RATE_PER_SECOND: 100, USER_RATE_BURST: 200 };
const FLOOD_MULTIPLE = Number(process.env.FLOOD_MULTIPLE ?? 50);
const FLOOD_PER_SECOND = LIMITS.SOCKET_RATE_PER_SECOND * FLOOD_MULTIPLE;
const DOC = 'bench-flood';
const ROOT = join(__dirname, '..');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => process.stderr.write(`[bench:flood] ${msg}\n`);
const ms = (n: number) => `${n.toFixed(1)} ms`;
const round = (n: number) => Math.round(n * 100) / 100;

/** Idle and total CPU time of the machine, all cores together (ms). */
function machineTimes(): { idle: number; total: number } {
  return cpus().reduce((t, c) => ({ idle: t.idle + c.times.idle, total: t.total + c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle }), { idle: 0, total: 0 });
}

interface Command {
  phase: string;
  from: number;
  sentAt: number;
  receivedBy: number;
  allReceivedAt?: number;
}

interface PhaseResult {
  seconds: number;
  commandsSent: number;
  /** Send → every other user has the event: the figure the target is about. */
  allReceived: Summary & { missing: number };
  /** The five slowest of those, by when in the phase they were sent: shows whether the tail is spread out or one burst. */
  slowest: { sentAtSecond: number; ms: number }[];
  /** Send → one other user has the event, over every (command, receiver) pair. */
  perDelivery: Summary & { expected: number };
  ack: Summary & { errors: Record<string, number> };
  limitRejections: Record<string, number>;
  /** CPU time of the Tandem process(es) under test, of this process (the users) and the machine's busy share of all cores. */
  cpu: { serverSeconds: number; benchSeconds: number; machineBusy: number };
  /** Event-loop delay of each Tandem process during the phase (ms), from its /metrics. */
  eventLoopDelayMs: { p99: Record<string, number>; max: Record<string, number> };
  flooder?: { sent: number; perSecond: number; cpuSeconds: number; answers: Record<string, number> };
}

async function scrape(target: BenchTarget) {
  const texts = await Promise.all(target.processes.map(async (p) => (await fetch(`${p.url}/metrics`)).text()));
  const all = texts.join('\n');
  const cpu = Object.values(counterByLabel(all, 'tandem_process_cpu_seconds_total', 'service')).reduce((a, b) => a + b, 0);
  // prom-client resets its event-loop delay histogram on every scrape: these cover the time since the last one.
  const lagMs = (name: string) => Object.fromEntries(Object.entries(counterByLabel(all, name, 'service')).map(([service, seconds]) => [service, round(seconds * 1000)]));
  const lag = { p99: lagMs('tandem_nodejs_eventloop_lag_p99_seconds'), max: lagMs('tandem_nodejs_eventloop_lag_max_seconds') };
  return { rejections: counterByLabel(all, 'tandem_limit_rejections_total', 'limit'), cpu, lag };
}

async function main(): Promise<void> {
  const budgetMs = (WARM_UP_SECONDS + 2 * PHASE_SECONDS) * 1000 + 3 * DRAIN_MS + 180_000;
  setTimeout(() => (log(`still running after ${budgetMs / 1000} s: giving up`), process.exit(2)), budgetMs).unref();
  const target = await startTarget(Object.fromEntries(Object.entries(LIMITS).map(([k, v]) => [k, String(v)])), log);
  const sockets: Socket[] = [];
  let flooder: ReturnType<typeof fork> | undefined;
  try {
    const tenant = `bench-${Date.now().toString(36)}`;
    const token = (sub: string) => signToken(target.jwtSecret, { sub, tenant });
    const users = await Promise.all(Array.from({ length: USERS }, async (_, i) => joinRoom(target.gatewayUrl, await token(`user-${i}`), DOC)));
    sockets.push(...users);
    let disconnects = 0;

    const commands = new Map<string, Command>();
    const deliveries = new Map<string, number[]>();
    users.forEach((socket, receiver) => {
      socket.on('disconnect', () => disconnects++);
      socket.on('event', (event: ServerEvent) => {
        if (event.type !== 'doc.counter.changed') return;
        const now = performance.now();
        for (const id of event.commandIds) {
          const c = commands.get(id);
          if (!c || c.from === receiver) continue;
          deliveries.get(c.phase)!.push(now - c.sentAt);
          if (++c.receivedBy === USERS - 1) c.allReceivedAt = now;
        }
      });
    });

    const flooderOptions: FlooderOptions = { url: target.gatewayUrl, token: await token('flooder'), docId: DOC, perSecond: FLOOD_PER_SECOND, seconds: PHASE_SECONDS };
    flooder = fork(join(__dirname, 'support', 'flooder.ts'), [], { execArgv: ['-r', join(ROOT, 'scripts', 'register.js')], env: { ...process.env, FLOODER_OPTIONS: JSON.stringify(flooderOptions) } });
    const fromFlooder = (type: FlooderMessage['type']) =>
      new Promise<FlooderMessage>((resolve, reject) => {
        const onMessage = (m: FlooderMessage) => {
          if (m.type === 'failed') reject(new Error(`the flooder failed: ${m.message}`));
          else if (m.type === type) (flooder!.off('message', onMessage), resolve(m));
        };
        flooder!.on('message', onMessage);
        flooder!.once('exit', (code) => reject(new Error(`the flooder exited (${code}) before "${type}"`)));
      });
    let floodProgress = '';
    flooder.on('message', (m: FlooderMessage) => m.type === 'progress' && (floodProgress = `; flooder sent ${m.sent} (${m.answered} answered)`));
    await fromFlooder('ready');
    log(`${USERS} users and the flooder are in the room (${target.description})`);

    async function phase(name: string, seconds: number, flood = false): Promise<PhaseResult> {
      deliveries.set(name, []);
      const ackLatencies: number[] = [];
      const ackErrors: Record<string, number> = {};
      const before = await scrape(target);
      const [benchCpu, machineBefore] = [process.cpuUsage(), machineTimes()];
      const floodDone = flood ? fromFlooder('done') : undefined;
      if (flood) flooder!.send({ start: true });
      const started = performance.now();
      const end = started + seconds * 1000;
      let sent = 0;
      const progress = setInterval(() => {
        const elapsed = Math.round((performance.now() - started) / 1000);
        const when = elapsed <= seconds ? `${elapsed}/${seconds} s` : 'draining';
        log(`${name} ${when}: ${sent} increments sent, ${deliveries.get(name)!.length} of ${sent * (USERS - 1)} deliveries${floodProgress}`);
      }, 1000);
      await Promise.all(
        users.map(async (socket, from) => {
          await sleep((from * EDIT_EVERY_MS) / USERS); // spread the users over the interval
          for (let n = 0; performance.now() < end; n++) {
            const id = `${name}-u${from}-${n}-${tenant}`;
            const sentAt = performance.now();
            commands.set(id, { phase: name, from, sentAt, receivedBy: 0 });
            sent++;
            increment(socket, DOC, id, (ack) => {
              if (ack?.ok) ackLatencies.push(performance.now() - sentAt);
              else ackErrors[ack ? ack.error.code : 'no answer'] = (ackErrors[ack ? ack.error.code : 'no answer'] ?? 0) + 1;
            });
            await sleep(EDIT_EVERY_MS * (0.9 + Math.random() * 0.2));
          }
        }),
      );
      const flooded = floodDone && ((await floodDone) as Extract<FlooderMessage, { type: 'done' }>);
      await sleep(DRAIN_MS); // the last deliveries land
      clearInterval(progress);
      floodProgress = '';
      const after = await scrape(target);
      const [benchUsed, machineAfter] = [process.cpuUsage(benchCpu), machineTimes()];
      const mine = [...commands.values()].filter((c) => c.phase === name);
      const complete = mine.filter((c) => c.allReceivedAt !== undefined);
      const all = complete.map((c) => c.allReceivedAt! - c.sentAt);
      const slowest = complete
        .map((c) => ({ sentAtSecond: round((c.sentAt - started) / 1000), ms: round(c.allReceivedAt! - c.sentAt) }))
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 5);
      const result: PhaseResult = {
        seconds,
        commandsSent: mine.length,
        allReceived: { ...summarize(all), missing: mine.length - all.length },
        slowest,
        perDelivery: { ...summarize(deliveries.get(name)!), expected: mine.length * (USERS - 1) },
        ack: { ...summarize(ackLatencies), errors: ackErrors },
        limitRejections: difference(after.rejections, before.rejections),
        eventLoopDelayMs: after.lag,
        cpu: {
          serverSeconds: round(after.cpu - before.cpu),
          benchSeconds: round((benchUsed.user + benchUsed.system) / 1e6),
          machineBusy: round(1 - (machineAfter.idle - machineBefore.idle) / (machineAfter.total - machineBefore.total)),
        },
        ...(flooded && { flooder: { sent: flooded.sent, perSecond: Math.round(flooded.sent / flooded.seconds), cpuSeconds: round(flooded.cpuSeconds), answers: flooded.answers } }),
      };
      const a = result.allReceived;
      log(`${name}: ${a.count}/${mine.length} increments reached all ${USERS - 1} others; p50 ${ms(a.p50)}, p95 ${ms(a.p95)}, p99 ${ms(a.p99)}, max ${ms(a.max)}; CPU: server ${result.cpu.serverSeconds} s, users ${result.cpu.benchSeconds} s, machine ${Math.round(result.cpu.machineBusy * 100)} % busy; event-loop delay max ${JSON.stringify(result.eventLoopDelayMs.max)} ms`);
      log(`${name}: slowest (sent at → ms): ${slowest.map((x) => `${x.sentAtSecond.toFixed(2)} s → ${x.ms.toFixed(0)}`).join(', ')}`);
      if (result.flooder) log(`${name}: the flooder sent ${result.flooder.sent} (${result.flooder.perSecond}/s) using ${result.flooder.cpuSeconds} s of CPU; answers ${JSON.stringify(result.flooder.answers)}`);
      return result;
    }

    log(`warm-up, ${WARM_UP_SECONDS} s (not measured)`);
    await phase('warm-up', WARM_UP_SECONDS);
    log(`phase 1: ${USERS} users alone, ${PHASE_SECONDS} s`);
    const baseline = await phase('baseline', PHASE_SECONDS);
    log(`phase 2: the same, while one session sends ${FLOOD_PER_SECOND}/s (${FLOOD_MULTIPLE}× its socket limit of ${LIMITS.SOCKET_RATE_PER_SECOND}/s), ${PHASE_SECONDS} s`);
    const flood = await phase('flood', PHASE_SECONDS, true);

    const ratio = (a: number, b: number) => round(a / b);
    const run = {
      date: new Date().toISOString(),
      command: target.kind === 'standalone' ? 'node -r ./scripts/register.js bench/flood.ts' : 'node scripts/infra/up.mjs --only kafka,mongo,redis -- node -r ./scripts/register.js bench/flood.ts',
      target: target.description,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}/${process.arch}` },
      config: { users: USERS, editEveryMs: EDIT_EVERY_MS, phaseSeconds: PHASE_SECONDS, warmUpSeconds: WARM_UP_SECONDS, limits: LIMITS, floodMultiple: FLOOD_MULTIPLE, floodPerSecond: FLOOD_PER_SECOND },
      phases: { baseline, flood },
      ratios: { allReceivedP99: ratio(flood.allReceived.p99, baseline.allReceived.p99), allReceivedP50: ratio(flood.allReceived.p50, baseline.allReceived.p50), perDeliveryP99: ratio(flood.perDelivery.p99, baseline.perDelivery.p99) },
      goal: 'allReceivedP99 < 2',
      meetsGoal: flood.allReceived.p99 / baseline.allReceived.p99 < 2,
      clientDisconnects: disconnects,
    };
    const file = join(ROOT, 'bench', 'results', 'flood.json');
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { runs?: Record<string, unknown> }) : {};
    const key = FLOOD_MULTIPLE === 50 ? target.kind : `${target.kind}, flood ×${FLOOD_MULTIPLE}`;
    const runs = { ...(previous.runs ?? {}), [key]: run };
    writeFileSync(file, JSON.stringify({ benchmark: 'flood', note: 'the latest run per target; see BENCHMARKS.md', runs }, null, 2) + '\n');

    log('');
    log(`                 ${'baseline'.padStart(10)} ${'flood'.padStart(10)}   (send → all ${USERS - 1} others have it)`);
    for (const k of ['p50', 'p95', 'p99', 'max'] as const) log(`  ${k.padEnd(14)} ${ms(baseline.allReceived[k]).padStart(10)} ${ms(flood.allReceived[k]).padStart(10)}`);
    log(`  p99 ratio ${run.ratios.allReceivedP99} (goal < 2: ${run.meetsGoal ? 'met' : 'NOT met'}); p50 ratio ${run.ratios.allReceivedP50}; per-delivery p99 ratio ${run.ratios.perDeliveryP99}`);
    log(`  limit rejections during the flood: ${JSON.stringify(flood.limitRejections)}; client disconnects: ${disconnects}`);
    log(`written to bench/results/flood.json (runs["${key}"])`);
  } finally {
    flooder?.kill();
    sockets.forEach((s) => s.close());
    await target.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
