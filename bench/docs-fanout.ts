/**
 * Fan-out at scale (issue 4): CLIENTS clients in rooms of ROOM_SIZE (one rich-text document each),
 * every client making one edit a second for DURATION_SECONDS, on three systems measured one after
 * another in the same run with the same load generators:
 *   tandem      SDK `TandemClient` → gateway (relays to the room at once, publishes to Kafka) →
 *               docs service (merges, stores on FerretDB) → `doc.merged` back to the room;
 *   relay       a bare Socket.IO relay process carrying the same Automerge change bytes;
 *   hocuspocus  a Hocuspocus 4 server (Yjs updates relayed in memory, nothing persisted).
 * The clients are spread over GENERATORS child processes (websocket transport only). Reported per
 * system: delivery ratio (edits seen in a peer's document / sent × (room − 1)), edit-to-peer latency
 * p50/p95/p99/max (sender's timestamp in the edit → the edit in the peer's document, and → its bytes
 * on the peer's socket, before the CRDT applies them), server CPU seconds (/proc) per delivery (and,
 * for Tandem, with the Kafka, FerretDB and Redis processes `up.mjs` started counted too), and
 * the ratios Tandem / Hocuspocus and Tandem / relay. Then the same
 * for SMALLER_CLIENTS (default 200; 0 skips it), since 1,000 clients may saturate a small machine.
 *
 *   flock /tmp/tandem-heavy.lock node scripts/infra/up.mjs --only kafka,mongo,redis -- node -r ./scripts/register.js bench/docs-fanout.ts
 *   (CLIENTS=1000 ROOM_SIZE=50 DURATION_SECONDS=60 SMALLER_CLIENTS=200 GENERATORS=4 DRAIN_SECONDS=20)
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, setPriority, totalmem } from 'node:os';
import { join } from 'node:path';
import { profileArgs, startProcess, stopAll } from '../e2e/support/processes';
import type { FanoutMessage, FanoutOptions, FanoutSystem } from './support/fanout-clients';
import { cpuSecondsOf, machineBusySeconds, siblingProcesses } from './support/proc';
import { counterByLabel, difference, summarizeHistogram } from './support/stats';
import { startTarget } from './support/target';

const ROOT = join(__dirname, '..');
const positive = (name: string, fallback: number, zero = false) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < (zero ? 0 : 1)) throw new Error(`${name} must be a whole number ${zero ? '≥ 0' : '≥ 1'}, got ${process.env[name]}`);
  return value;
};
const CLIENTS = positive('CLIENTS', 1000);
const ROOM_SIZE = positive('ROOM_SIZE', 50);
const DURATION_SECONDS = positive('DURATION_SECONDS', 60);
const SMALLER_CLIENTS = positive('SMALLER_CLIENTS', 200, true);
const GENERATORS = positive('GENERATORS', 4);
const DRAIN_SECONDS = positive('DRAIN_SECONDS', 20);
const GENERATOR_NICE = positive('GENERATOR_NICE', 0, true);
const ALL_SYSTEMS: FanoutSystem[] = ['relay', 'hocuspocus', 'tandem'];
const SYSTEMS = (process.env.SYSTEMS ?? ALL_SYSTEMS.join(',')).split(',').map((s) => s.trim()) as FanoutSystem[];
const unknown = SYSTEMS.filter((s) => !ALL_SYSTEMS.includes(s));
if (unknown.length > 0) throw new Error(`SYSTEMS: unknown ${unknown.join(', ')}; choose among ${ALL_SYSTEMS.join(', ')}`);
if (ROOM_SIZE < 2) throw new Error('ROOM_SIZE must be at least 2: an edit needs a peer to be delivered to');
const log = (m: string) => process.stdout.write(`[fanout ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

interface SystemUnderTest {
  name: FanoutSystem;
  url: string;
  /** The server processes whose CPU counts: gateway + docs service, the relay, Hocuspocus. */
  pids: () => Array<number | undefined>;
  /** Names of those processes, in the same order (for the per-process CPU figures). */
  names: () => string[];
  /** Tandem: the processes' `/metrics` URLs (sync rounds by trigger show the gap syncs clients needed). */
  metricsUrls?: () => string[];
}

async function syncRounds(urls: string[]): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const url of urls) {
    const text = await fetch(`${url}/metrics`).then((r) => r.text(), () => '');
    for (const [k, v] of Object.entries(counterByLabel(text, 'tandem_docs_syncs_total', 'trigger'))) totals[k] = (totals[k] ?? 0) + v;
  }
  return totals;
}

/** Deliveries a run must make: every member's every edit to each other member of its room. */
function expectedDeliveries(clients: number): number {
  let total = 0;
  for (let first = 0; first < clients; first += ROOM_SIZE) {
    const n = Math.min(ROOM_SIZE, clients - first);
    total += n * (n - 1) * DURATION_SECONDS;
  }
  return total;
}

async function measure(system: SystemUnderTest, clients: number, jwtSecret: string) {
  const tenant = `fanout-${randomBytes(4).toString('hex')}`;
  const generators = Math.min(GENERATORS, clients);
  const children = Array.from({ length: generators }, (_, generator) => {
    const options: FanoutOptions = { system: system.name, url: system.url, jwtSecret, tenant, docPrefix: `room-${clients}`, clients, roomSize: ROOM_SIZE, generators, generator, durationSeconds: DURATION_SECONDS };
    const child = fork(join(__dirname, 'support', 'fanout-clients.ts'), [], { execArgv: [...profileArgs(`generator-${system.name}`), '-r', join(ROOT, 'scripts', 'register.js')], env: { ...process.env, FANOUT_OPTIONS: JSON.stringify(options) } });
    // Real clients run on their own devices: here they share 2 cores with the servers, so they yield
    // the CPU to them with GENERATOR_NICE=10 (0 by default: they compete as equals), the same for every system.
    if (GENERATOR_NICE !== 0 && child.pid) setPriority(child.pid, GENERATOR_NICE);
    return child;
  });
  const latest = children.map(() => ({ sent: 0, received: 0, pending: 0 }));
  const done: Array<Extract<FanoutMessage, { type: 'done' }>> = [];
  const reported = children.map(() => false);
  let failure: string | null = null;
  const ready = children.map(
    (child, i) =>
      new Promise<number>((resolve, reject) => {
        child.on('message', (m: FanoutMessage) => {
          if (m.type === 'ready') resolve(m.connectSeconds);
          else if (m.type === 'progress') latest[i] = m;
          else if (m.type === 'done') {
            done.push(m);
            reported[i] = true;
          }
          else if (m.type === 'failed') reject(new Error((failure = `${system.name} generator ${i}: ${m.message}`)));
        });
        // 'close' comes after the IPC channel is drained; a generator that reported may exit while others still work.
        child.once('close', (code) => {
          if (!reported[i] && !failure) failure = `${system.name} generator ${i} exited (${code}) without reporting`;
          reject(new Error(failure ?? `generator ${i} exited (${code})`));
        });
      }),
  );
  try {
    log(`${system.name}: connecting ${clients} clients from ${generators} processes…`);
    const connectSeconds = await Promise.race([Promise.all(ready), sleep(300_000).then(() => Promise.reject(new Error(`${system.name}: clients not connected within 300 s`)))]);
    const expected = expectedDeliveries(clients);
    const syncsBefore = await syncRounds(system.metricsUrls?.() ?? []);
    const serverCpuBefore = system.pids().map(cpuSecondsOf);
    // Kafka, FerretDB and Redis work for Tandem only, but run (mostly idle) through every phase.
    const infrastructure = siblingProcesses();
    const infrastructureCpuBefore = infrastructure.map((p) => cpuSecondsOf(p.pid));
    const busyBefore = machineBusySeconds();
    const startedAt = performance.timeOrigin + performance.now() + 1000;
    for (const child of children) child.send({ at: startedAt });
    log(`${system.name}: ${clients} clients connected (slowest generator ${Math.max(...connectSeconds).toFixed(1)} s); editing for ${DURATION_SECONDS} s, ${expected} deliveries expected`);
    const total = () => latest.reduce((a, l) => ({ sent: a.sent + l.sent, received: a.received + l.received, pending: a.pending + l.pending }), { sent: 0, received: 0, pending: 0 });
    await sleep(1000);
    const editEnd = Date.now() + DURATION_SECONDS * 1000;
    while (Date.now() < editEnd) {
      await sleep(Math.min(5000, editEnd - Date.now()));
      const t = total();
      log(`${system.name}: sent ${t.sent}, delivered ${t.received} (${round((100 * t.received) / Math.max(1, t.sent * (ROOM_SIZE - 1)), 1)} % of sent × ${ROOM_SIZE - 1})${system.name === 'tandem' ? `, not yet durable ${t.pending}` : ''}`);
      if (failure) throw new Error(failure);
    }
    const drainEnd = Date.now() + DRAIN_SECONDS * 1000;
    while (Date.now() < drainEnd && (total().received < expected || total().pending > 0 || total().sent < clients * DURATION_SECONDS)) await sleep(250);
    const drainSeconds = round((DRAIN_SECONDS * 1000 - (drainEnd - Date.now())) / 1000, 1);
    const cpuByProcess = Object.fromEntries(system.pids().map((pid, i) => [system.names()[i], round(cpuSecondsOf(pid) - serverCpuBefore[i])]));
    const serverCpuSeconds = system.pids().reduce<number>((n, pid, i) => n + cpuSecondsOf(pid) - serverCpuBefore[i], 0);
    const infrastructureCpu = infrastructure.map((p, i) => cpuSecondsOf(p.pid) - infrastructureCpuBefore[i]);
    const infrastructureCpuSeconds = infrastructureCpu.reduce((a, b) => a + b, 0);
    const machineBusy = machineBusySeconds() - busyBefore;
    for (const child of children) child.send({ finish: true });
    const syncs = system.metricsUrls ? difference(await syncRounds(system.metricsUrls()), syncsBefore) : undefined;
    const deadline = Date.now() + 60_000;
    while (done.length < generators && Date.now() < deadline && !failure) await sleep(100);
    if (done.length < generators) throw new Error(failure ?? `${system.name}: ${generators - done.length} generators did not report`);
    const sum = (f: (d: (typeof done)[number]) => number) => done.reduce((n, d) => n + f(d), 0);
    const received = sum((d) => d.applied.received);
    const summary = (kind: 'arrived' | 'applied') => ({
      deliveriesReceived: sum((d) => d[kind].received),
      deliveryRatio: round(sum((d) => d[kind].received) / expected, 5),
      duplicates: sum((d) => d[kind].duplicates),
      latencyMs: summarizeHistogram(
        done.map((d) => d[kind].histogram),
        Math.max(...done.map((d) => d[kind].maxMs)),
      ),
    });
    const inDocument = summary('applied');
    const onSocket = summary('arrived');
    const latency = inDocument.latencyMs;
    const result = {
      clients,
      rooms: Math.ceil(clients / ROOM_SIZE),
      editsSent: sum((d) => d.sent),
      editsSentOver100msLate: sum((d) => d.late),
      maxSendLagMs: round(Math.max(...done.map((d) => d.maxLagMs))),
      deliveriesExpected: expected,
      deliveriesReceived: received,
      deliveryRatio: inDocument.deliveryRatio,
      latencyMs: latency,
      duplicates: inDocument.duplicates,
      onSocket,
      drainSeconds,
      durable: system.name === 'tandem' ? { editsNotDurableAtEnd: sum((d) => d.durable?.pending ?? 0) } : undefined,
      docsSyncRoundsByTrigger: syncs,
      serverCpuSeconds: round(serverCpuSeconds),
      serverCpuSecondsByProcess: cpuByProcess,
      serverCpuMicrosecondsPerDelivery: round((serverCpuSeconds / Math.max(1, received)) * 1e6, 1),
      infrastructureCpuSeconds: round(infrastructureCpuSeconds),
      infrastructureCpuSecondsByProcess: Object.fromEntries(infrastructure.map((p, i) => [`${p.name} ${p.pid}`, round(infrastructureCpu[i])])),
      // Tandem's whole server side: its processes plus the Kafka, FerretDB and Redis they use.
      serverAndInfrastructureCpuMicrosecondsPerDelivery: round(((serverCpuSeconds + infrastructureCpuSeconds) / Math.max(1, received)) * 1e6, 1),
      loadGeneratorCpuSeconds: round(sum((d) => d.cpuSeconds)),
      machineBusySeconds: round(machineBusy),
      machineBusyShare: round(machineBusy / (cpus().length * (DURATION_SECONDS + 1 + drainSeconds)), 2),
    };
    log(`${system.name}: in documents ${received}/${expected} (${round(100 * result.deliveryRatio, 3)} %), p50 ${latency.p50} / p99 ${latency.p99} / max ${latency.max} ms; on sockets ${onSocket.deliveriesReceived}, p50 ${onSocket.latencyMs.p50} / p99 ${onSocket.latencyMs.p99} ms; server ${result.serverCpuSeconds} CPU-s (${result.serverCpuMicrosecondsPerDelivery} µs per delivery), infrastructure ${result.infrastructureCpuSeconds} CPU-s, machine ${Math.round(100 * result.machineBusyShare)} % busy`);
    return result;
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const target = await startTarget({ LOG_LEVEL: process.env.SERVICE_LOG_LEVEL ?? 'error' }, log);
  try {
    log('starting the Socket.IO relay and the Hocuspocus server…');
    const relay = await startProcess('doc-relay', 'bench/support/doc-relay-server.ts', {});
    const hocuspocus = await startProcess('hocuspocus', 'bench/support/hocuspocus-server.ts', {});
    const systems: SystemUnderTest[] = [
      { name: 'relay', url: relay.url, pids: () => [relay.child.pid], names: () => ['relay'] },
      { name: 'hocuspocus', url: hocuspocus.url.replace(/^http/, 'ws'), pids: () => [hocuspocus.child.pid], names: () => ['hocuspocus'] },
      { name: 'tandem', url: target.gatewayUrl, pids: () => target.processes.map((p) => p.child.pid), names: () => target.processes.map((p) => p.name), metricsUrls: () => target.processes.map((p) => p.url) },
    ];
    const sizes = [CLIENTS, ...(SMALLER_CLIENTS > 0 && SMALLER_CLIENTS < CLIENTS ? [SMALLER_CLIENTS] : [])];
    const runs = [];
    for (const clients of sizes) {
      const bySystem: Record<string, Awaited<ReturnType<typeof measure>>> = {};
      const failed: Record<string, string> = {};
      for (const system of systems.filter((s) => SYSTEMS.includes(s.name))) {
        try {
          bySystem[system.name] = await measure(system, clients, target.jwtSecret);
          const notDurable = (bySystem[system.name] as { durable?: { editsNotDurableAtEnd?: number } }).durable?.editsNotDurableAtEnd ?? 0;
          // Edits not durable at the end: what the server processes said (errors only) is the first thing to read.
          if (system.name === 'tandem' && notDurable > 0) for (const p of target.processes) log(`${p.name} (exit ${p.child.exitCode ?? 'running'}) said:\n${p.output().slice(-4000) || '(nothing)'}`);
        } catch (error) {
          // One system failing (e.g. its clients never connecting) is a result too: the others still run.
          failed[system.name] = error instanceof Error ? error.message : String(error);
          log(`${system.name} with ${clients} clients failed: ${failed[system.name]}`);
        }
      }
      if (SYSTEMS.length < ALL_SYSTEMS.length || Object.keys(failed).length > 0) {
        runs.push({ clients, ...bySystem, failed });
        continue;
      }
      const { tandem, hocuspocus: hp, relay: floor } = bySystem;
      const ratio = (a: number, b: number) => Number((a / b).toPrecision(3));
      const ratios = {
        p50VsHocuspocus: ratio(tandem.latencyMs.p50, hp.latencyMs.p50),
        p99VsHocuspocus: ratio(tandem.latencyMs.p99, hp.latencyMs.p99),
        p50VsRelay: ratio(tandem.latencyMs.p50, floor.latencyMs.p50),
        p99VsRelay: ratio(tandem.latencyMs.p99, floor.latencyMs.p99),
        onSocketP99VsHocuspocus: ratio(tandem.onSocket.latencyMs.p99, hp.onSocket.latencyMs.p99),
        onSocketP99VsRelay: ratio(tandem.onSocket.latencyMs.p99, floor.onSocket.latencyMs.p99),
        cpuPerDeliveryVsHocuspocus: ratio(tandem.serverCpuMicrosecondsPerDelivery, hp.serverCpuMicrosecondsPerDelivery),
        cpuPerDeliveryVsRelay: ratio(tandem.serverCpuMicrosecondsPerDelivery, floor.serverCpuMicrosecondsPerDelivery),
        cpuWithInfrastructurePerDeliveryVsHocuspocus: ratio(tandem.serverAndInfrastructureCpuMicrosecondsPerDelivery, hp.serverCpuMicrosecondsPerDelivery),
      };
      const goal = { everyEditDelivered: tandem.deliveryRatio === 1, p99NoWorseThanHocuspocus: tandem.latencyMs.p99 <= hp.latencyMs.p99 };
      log(`${clients} clients: Tandem/Hocuspocus p99 ×${ratios.p99VsHocuspocus}, Tandem/relay p99 ×${ratios.p99VsRelay}; goal: every edit delivered ${goal.everyEditDelivered}, p99 ≤ Hocuspocus ${goal.p99NoWorseThanHocuspocus}`);
      runs.push({ clients, ...bySystem, ratios, goal });
    }
    const results = {
      benchmark: 'docs-fanout',
      command: 'flock /tmp/tandem-heavy.lock node scripts/infra/up.mjs --only kafka,mongo,redis -- node -r ./scripts/register.js bench/docs-fanout.ts',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.split(' ').slice(0, 2).join(' '), memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverageAtEnd: loadavg().map((l) => round(l, 1)) },
      config: { roomSize: ROOM_SIZE, durationSeconds: DURATION_SECONDS, editsPerClientPerSecond: 1, generators: GENERATORS, generatorNice: GENERATOR_NICE, drainSecondsMax: DRAIN_SECONDS, tandem: target.description, relay: 'bare Socket.IO process relaying the Automerge change bytes to the rest of the room', hocuspocus: '@hocuspocus/server 4 with no extensions (in memory, nothing persisted); clients @hocuspocus/provider + Y.Text, awareness off' },
      runs,
    };
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    const file = join(__dirname, 'results', 'docs-fanout.json');
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    log(`written ${file}`);
  } finally {
    await target.stop();
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
