/**
 * Memory (issue 4): DOCS documents touched (opened, edited with TEXT_BYTES of text, durable, closed)
 * by CLIENTS SDK clients, IN_FLIGHT documents at a time each, through the whole path, then left idle: the docs service must drop them
 * (idle eviction after DOCS_IDLE_SECONDS, lowered for the run) and its memory come back under its cap
 * (DOCS_MEMORY_CAP_MB, which bounds the documents' estimated memory at every moment).
 * Sampled every second from the docs service: documents in memory, their estimated bytes, evictions
 * by reason (its `/metrics`), resident memory (/proc) split into WebAssembly (Automerge's), other
 * anonymous and file-mapped memory (/proc/<pid>/smaps), and V8 heap used.
 *
 * Before the 1,000, WARMUP_DOCS documents are touched the same way and left to go idle: the first
 * documents a process ever loads compile Automerge's WebAssembly and the service's hot paths, once
 * per process (`warmUpCostMiB`), which is not memory the documents hold. Growth is reported from that
 * warmed, empty service (what the cap is compared with) and from the cold one. Both the warmed
 * baseline and the final figure are taken SETTLE_SECONDS after every document has left memory: V8
 * hands the heap pages it grew into back only once its memory reducer sees the process idle, which
 * takes tens of seconds (the samples show when).
 *
 *   node scripts/infra/up.mjs --only kafka,mongo -- node -r ./scripts/register.js bench/docs-memory.ts
 *   (DOCS=1000 WARMUP_DOCS=50 SETTLE_SECONDS=90 CLIENTS=25 IN_FLIGHT=2 TEXT_BYTES=1000 CAP_MB=64 IDLE_SECONDS=15 TOUCH_MAX_SECONDS=600 to change)
 */
import { richtext } from '@tandem/documents';
import { signToken } from '@tandem/platform';
import { TandemClient } from '@tandem/sdk';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { metricValue, residentByKindOf, rssMiBOf } from './support/proc';
import { retryUnavailable } from './support/retry';
import { counterByLabel } from './support/stats';
import { startTarget } from './support/target';

const DOCS = Number(process.env.DOCS ?? 1000);
const WARMUP_DOCS = Number(process.env.WARMUP_DOCS ?? 50);
/** How long after the idle eviction the memory figures are taken. */
const SETTLE_SECONDS = Number(process.env.SETTLE_SECONDS ?? 90);
const CLIENTS = Number(process.env.CLIENTS ?? 25);
/** Documents each client touches at the same time (open → edit → durable → close). */
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 2);
const TEXT_BYTES = Number(process.env.TEXT_BYTES ?? 1000);
const CAP_MB = Number(process.env.CAP_MB ?? 64);
const IDLE_SECONDS = Number(process.env.IDLE_SECONDS ?? 15);
/** Touching stops after this long even if not every document was touched (the run stays bounded). */
const TOUCH_MAX_SECONDS = Number(process.env.TOUCH_MAX_SECONDS ?? 600);
const log = (m: string) => process.stderr.write(`[bench:docs-memory] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MiB = 2 ** 20;

interface Sample {
  t: number;
  phase: 'before' | 'warm-up' | 'warmed' | 'touching' | 'idle';
  touched: number;
  inMemory: number;
  estimatedMiB: number;
  rssMiB: number;
  /** RSS split: Automerge's WebAssembly memory, other anonymous memory, file mappings. */
  wasmMiB: number;
  anonymousMiB: number;
  filesMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
  evictions: Record<string, number>;
}

async function main(): Promise<void> {
  if (!process.env.KAFKA_BROKERS || !process.env.MONGO_URL) throw new Error('needs real servers: node scripts/infra/up.mjs --only kafka,mongo -- node -r ./scripts/register.js bench/docs-memory.ts');
  // Per-user limits stay at their defaults; each client is its own user, so touching is spread over them.
  const target = await startTarget({ DOCS_MEMORY_CAP_MB: String(CAP_MB), DOCS_IDLE_SECONDS: String(IDLE_SECONDS) }, log);
  const clients: TandemClient[] = [];
  try {
    const docs = target.processes.find((p) => p.name === 'docs')!;
    const samples: Sample[] = [];
    const t0 = performance.now();
    let phase: Sample['phase'] = 'before';
    let touched = 0;
    const sample = async () => {
      const text = await (await fetch(`${docs.url}/metrics`)).text();
      samples.push({
        t: Math.round(performance.now() - t0) / 1000,
        phase,
        touched,
        inMemory: metricValue(text, 'tandem_docs_in_memory'),
        estimatedMiB: Math.round((metricValue(text, 'tandem_docs_memory_bytes') / MiB) * 10) / 10,
        rssMiB: rssMiBOf(docs.child.pid),
        ...resident(docs.child.pid),
        heapUsedMiB: Math.round((metricValue(text, 'tandem_nodejs_heap_size_used_bytes') / MiB) * 10) / 10,
        externalMiB: Math.round((metricValue(text, 'tandem_nodejs_external_memory_bytes') / MiB) * 10) / 10,
        evictions: counterByLabel(text, 'tandem_docs_evictions_total', 'reason'),
      });
    };
    await sample();
    const sampler = setInterval(() => void sample().catch(() => undefined), 1000);

    for (let c = 0; c < CLIENTS; c++) {
      const token = await signToken(target.jwtSecret, { sub: `user-${c}`, tenant: 'bench' });
      const client = new TandemClient({ url: target.gatewayUrl, getToken: () => token, ackTimeoutMs: 60_000 });
      await client.ready();
      clients.push(client);
    }
    const run = Date.now().toString(36);
    const text = 'All work and no play makes Jack a dull boy. '.repeat(Math.ceil(TEXT_BYTES / 44)).slice(0, TEXT_BYTES);
    const openMs: number[] = [];
    let retries = 0;
    const durableMs: number[] = [];
    /** Touches `count` documents named `prefix-<n>`, every client `IN_FLIGHT` at a time, until `endAt`. */
    const touchAll = async (prefix: string, count: number, endAt: number, timed: boolean) => {
      let next = 0;
      let done = 0;
      await Promise.all(
        clients.flatMap((client) =>
          Array.from({ length: IN_FLIGHT }, async () => {
            while (next < count && performance.now() < endAt) {
              const docId = `${prefix}-${next++}`;
              const opening = performance.now();
              // An overloaded docs service answers a join UNAVAILABLE ("try again shortly"): so does the bench, up to 5 times.
              const handle = await retryUnavailable(() => client.documents.open(docId, 'richtext'), () => {
                if (timed) retries++;
              });
              const opened = performance.now();
              handle.change((d) => richtext.insertText(d, 0, text));
              await handle.whenDurable();
              if (timed) {
                openMs.push(opened - opening);
                durableMs.push(performance.now() - opened);
                touched++;
              }
              handle.close();
              done++;
            }
          }),
        ),
      );
      return done;
    };
    /** Waits until the sweep (every second) has evicted everything older than the idle time, then SETTLE_SECONDS more. */
    const idle = () => sleep((IDLE_SECONDS + 10 + SETTLE_SECONDS) * 1000);

    let warmed: Sample | undefined;
    if (WARMUP_DOCS > 0) {
      log(`warm-up: ${WARMUP_DOCS} documents touched, then idle, so that the process has compiled what it runs before the baseline…`);
      phase = 'warm-up';
      const done = await touchAll(`warm-${run}`, WARMUP_DOCS, performance.now() + TOUCH_MAX_SECONDS * 1000, false);
      await idle();
      phase = 'warmed';
      await sample();
      warmed = samples.at(-1)!;
      log(`warm-up: ${done} touched; ${warmed.inMemory} in memory, RSS ${warmed.rssMiB} MiB (${samples[0].rssMiB} cold)`);
    }

    log(`touching ${DOCS} documents (${TEXT_BYTES} characters each) with ${CLIENTS} clients, ${IN_FLIGHT} at a time each; cap ${CAP_MB} MiB, idle after ${IDLE_SECONDS} s…`);
    phase = 'touching';
    const touchStart = performance.now();
    const progress = setInterval(() => log(`${touched} touched after ${((performance.now() - touchStart) / 1000).toFixed(0)} s; ${samples.at(-1)?.inMemory} in memory, RSS ${samples.at(-1)?.rssMiB} MiB`), 10_000);
    await touchAll(`mem-${run}`, DOCS, touchStart + TOUCH_MAX_SECONDS * 1000, true);
    const touchSeconds = (performance.now() - touchStart) / 1000;
    clearInterval(progress);
    log(`touched ${touched} documents in ${touchSeconds.toFixed(1)} s; now idle…`);
    phase = 'idle';
    const idleStart = performance.now();
    await idle();
    clearInterval(sampler);
    await sample();

    const touching = samples.filter((s) => s.phase === 'touching');
    const before = samples[0];
    const last = samples.at(-1)!;
    const firstEmpty = samples.find((s) => s.phase === 'idle' && s.inMemory === 0);
    const result = {
      benchmark: 'docs-memory',
      command: 'node scripts/infra/up.mjs --only kafka,mongo -- node -r ./scripts/register.js bench/docs-memory.ts',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.split(' ').slice(0, 2).join(' '), memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      config: { docs: DOCS, warmupDocs: WARMUP_DOCS, settleSeconds: SETTLE_SECONDS, clients: CLIENTS, inFlightPerClient: IN_FLIGHT, textBytes: TEXT_BYTES, capMiB: CAP_MB, idleSeconds: IDLE_SECONDS, target: target.description },
      touched,
      touchSeconds: Math.round(touchSeconds * 10) / 10,
      touchedPerSecond: Math.round((touched / touchSeconds) * 10) / 10,
      // Per touch, at the client: open (join + sync) and edit → durable (gateway → Kafka → docs service → store → doc.merged).
      openMs: percentiles(openMs),
      openRetries: retries,
      durableMs: percentiles(durableMs),
      peak: {
        inMemory: Math.max(...touching.map((s) => s.inMemory)),
        estimatedMiB: Math.max(...touching.map((s) => s.estimatedMiB)),
        rssMiB: Math.max(...samples.map((s) => s.rssMiB)),
        wasmMiB: Math.max(...samples.map((s) => s.wasmMiB)),
        heapUsedMiB: Math.max(...samples.map((s) => s.heapUsedMiB)),
      },
      before: memoryOf(before),
      warmed: warmed && memoryOf(warmed),
      afterIdle: { inMemory: last.inMemory, estimatedMiB: last.estimatedMiB, ...memoryOf(last), evictions: last.evictions },
      allEvictedAfterSeconds: firstEmpty ? Math.round((firstEmpty.t - (idleStart - t0) / 1000) * 10) / 10 : null,
      // The same figures the moment the last document left memory, before V8 gave pages back.
      whenAllEvicted: firstEmpty && memoryOf(firstEmpty),
      estimateStayedUnderCap: samples.every((s) => !(s.estimatedMiB > CAP_MB)),
      // The cap bounds the documents, not the process: its resident memory is compared as growth over
      // the warmed, empty service's (the documents' share), and shown over the cold process's too.
      rssGrowthAfterIdleMiB: warmed ? round1(last.rssMiB - warmed.rssMiB) : null,
      rssGrowthAfterIdleUnderCap: warmed ? last.rssMiB - warmed.rssMiB <= CAP_MB : null,
      wasmGrowthAfterIdleMiB: warmed ? round1(last.wasmMiB - warmed.wasmMiB) : null,
      rssGrowthFromColdMiB: round1(last.rssMiB - before.rssMiB),
      warmUpCostMiB: warmed ? round1(warmed.rssMiB - before.rssMiB) : null,
      samples,
    };
    writeFileSync(join(__dirname, 'results', 'docs-memory.json'), `${JSON.stringify(result, null, 2)}\n`);
    const { samples: _, ...summary } = result;
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    for (const c of clients) c.close();
    await target.stop();
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** The memory figures of a sample. */
function memoryOf(s: Sample) {
  return { rssMiB: s.rssMiB, wasmMiB: s.wasmMiB, anonymousMiB: s.anonymousMiB, filesMiB: s.filesMiB, heapUsedMiB: s.heapUsedMiB, externalMiB: s.externalMiB };
}

/** The resident split of a process, rounded as the other figures are. */
function resident(pid: number | undefined): Pick<Sample, 'wasmMiB' | 'anonymousMiB' | 'filesMiB'> {
  const r = residentByKindOf(pid);
  return { wasmMiB: r.wasm, anonymousMiB: r.anonymous, filesMiB: r.files };
}

/** Median and 95th percentile, in whole milliseconds. */
function percentiles(values: number[]): { p50: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { p50: at(0.5), p95: at(0.95) };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
