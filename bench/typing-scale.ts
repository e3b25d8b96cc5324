/**
 * Typing speed at scale (issue 4): 50 SDK clients on two gateways (Redis adapter between them) type
 * 5 keystrokes/s each for 60 s into ONE rich-text document that already holds the whole
 * `automerge-paper` history (259,778 changes), through the whole path: TandemClient → gateway →
 * Kafka → docs service → FerretDB. Measures keystroke-to-peer latency over every (keystroke, peer)
 * pair, the docs service's backlog each second (changes typed but not yet durable, and the Kafka
 * lag of its group) with its slope, CPU, and convergence (all clients and a fresh one end with the
 * same text; the run fails otherwise). Then the same clients, documents and keystrokes through the
 * plain Socket.IO relay (`support/relay-server.ts`) as the reference, in the same run.
 *
 *   node scripts/infra/up.mjs --only kafka,mongo,redis -- node -r ./scripts/register.js bench/typing-scale.ts
 *   (CLIENTS=50 DURATION_SECONDS=60 PER_SECOND=5 CLIENT_PROCESSES=2 DRAIN_SECONDS=300 REFERENCE=1)
 */
import * as A from '@automerge/automerge';
import { roomOf } from '@tandem/contracts';
import { RichTextDoc, createDoc, richtext } from '@tandem/documents';
import { connectMongo, signToken } from '@tandem/platform';
import { TandemClient } from '@tandem/sdk';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { startProcess } from '../e2e/support/processes';
import { MongoChangeLogStore } from '../services/docs/src/documents/store/mongo.change-log';
import { paperSnapshot } from './support/paper-snapshot';
import { rssMiBOf } from './support/proc';
import { summarize } from './support/stats';
import { startTarget } from './support/target';
import type { ClientSpec } from './support/typing-clients';
import { ClientProcess, Phase, runPhase, startClients } from './support/typing-phase';

const ROOT = join(__dirname, '..');
const log = (m: string) => process.stdout.write(`[typing] ${new Date().toISOString().slice(11, 19)} ${m}\n`);
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, not ${process.env[name]}`);
  return v;
};
const CLIENTS = num('CLIENTS', 50);
const DURATION_SECONDS = num('DURATION_SECONDS', 60);
const PER_SECOND = num('PER_SECOND', 5);
const PROCESSES = Math.min(CLIENTS, num('CLIENT_PROCESSES', 2));
const DRAIN_SECONDS = num('DRAIN_SECONDS', 300);
const OPEN_SECONDS = num('OPEN_SECONDS', 900);
const REFERENCE = process.env.REFERENCE !== '0';

async function main(): Promise<void> {
  const { KAFKA_BROKERS, MONGO_URL, REDIS_URL } = process.env;
  if (!KAFKA_BROKERS || !MONGO_URL || !REDIS_URL) {
    throw new Error('this benchmark runs on real servers (two gateways need Redis): node scripts/infra/up.mjs --only kafka,mongo,redis -- node -r ./scripts/register.js bench/typing-scale.ts');
  }
  log(`${CLIENTS} clients in ${PROCESSES} processes, ${PER_SECOND} keystrokes/s each for ${DURATION_SECONDS} s`);
  const paper = paperSnapshot(log);
  const floor = applyFloor(paper.doc);
  log(`floor: one keystroke applied to the paper document costs ${floor.p50Ms} ms (median of ${floor.runs} applyChanges calls, this process); the same text made by one change ${floor.sameTextInOneChange.p50Ms} ms; a map key set by 100,000 changes ${floor.mapKeySetBy100kChanges.p50Ms} ms`);

  const target = await startTarget({ LOG_LEVEL: 'error' }, log);
  const clients: ClientProcess[] = [];
  try {
    const second = await target.addGateway!();
    const gateways = [target.gatewayUrl, second];
    const docId = `typing-${Date.now()}`;
    // The seed: the paper's saved document (every change of the trace, one per transaction) stored
    // as the document's snapshot, as the docs service would after compacting its log.
    const connection = await connectMongo(MONGO_URL, 'tandem_docs');
    await new MongoChangeLogStore(connection).saveSnapshot('bench', docId, { seq: 1, kind: 'richtext', size: paper.bytes.byteLength, bytes: Buffer.from(paper.bytes), at: new Date() });
    await connection.close();
    log(`seeded ${docId}: ${paper.bytes.byteLength}-byte snapshot holding ${paper.changes} changes`);

    const specs: ClientSpec[] = [];
    for (let i = 0; i < CLIENTS; i++) specs.push({ index: i, gatewayUrl: gateways[i % 2], token: await signToken(target.jwtSecret, { sub: `typist-${i}`, tenant: 'bench' }) });
    for (let p = 0; p < PROCESSES; p++) clients.push(startClients(`clients-${p}`, ROOT));
    const joinMs: number[] = [];
    const joinRetries = new Map<ClientProcess, number>();
    for (const c of clients) c.on('opened', (r) => r.type === 'opened' && (joinMs.push(r.joinMs), joinRetries.set(c, r.joinRetries), log(`client ${r.index} joined in ${(r.joinMs / 1000).toFixed(1)} s (${joinMs.length}/${CLIENTS})`)));
    const openStart = performance.now();
    clients.forEach((c, p) => c.child.send({ type: 'open', docId, clients: specs.filter((s) => s.index % PROCESSES === p) }));
    await Promise.all(clients.map((c) => c.next('ready', OPEN_SECONDS * 1000)));
    const openSeconds = (performance.now() - openStart) / 1000;
    const before = await states(clients);
    const paperSha = createHash('sha1').update(paper.text).digest('hex');
    if (before.some((s) => s.textSha !== paperSha)) throw new Error('a client joined with a text other than the paper’s endContent');
    log(`all ${CLIENTS} clients joined in ${openSeconds.toFixed(0)} s, each holding the paper (${paper.text.length} characters)`);

    const docsUrl = target.processes[0].url;
    const serverPids = () => Object.fromEntries(target.processes.map((p) => [p.name, p.child.pid]));
    const phaseOptions = { clients, clientCount: CLIENTS, durationSeconds: DURATION_SECONDS, perSecond: PER_SECOND, drainSeconds: DRAIN_SECONDS, log };
    const tandem: Phase = await runPhase({ ...phaseOptions, name: 'tandem', servers: serverPids(), docsMetricsUrl: `${docsUrl}/metrics` });
    // The figures are written whatever happens; a run that did not converge fails after that.
    const failures: string[] = [];
    let freshJoinSeconds: number | null = null;
    let reference: Phase | null = null;
    if (!tandem.converged) failures.push(`the ${CLIENTS} clients did not converge within ${DRAIN_SECONDS} s after typing stopped`);
    else {
      // A fresh client opens what the service stored.
      const token = await signToken(target.jwtSecret, { sub: 'reader', tenant: 'bench' });
      const reader = new TandemClient({ url: gateways[1], getToken: () => token, ackTimeoutMs: 300_000 });
      await reader.ready();
      const freshStart = performance.now();
      const fresh = await reader.documents.open(docId, 'richtext');
      freshJoinSeconds = round((performance.now() - freshStart) / 1000);
      const freshText = fresh.doc.text;
      reader.close();
      A.free(fresh.doc);
      if (createHash('sha1').update(freshText).digest('hex') !== tandem.finalTextSha) failures.push('a fresh client loaded a text other than the one all clients converged on');
      else log(`a fresh client joined in ${freshJoinSeconds} s with the same text (${freshText.length} characters)`);
      if (REFERENCE) {
        const relay = await startProcess('relay', 'bench/support/relay-server.ts', {}, 60_000);
        clients.forEach((c) => c.child.send({ type: 'reference-open', relayUrl: relay.url, room: roomOf('bench', { kind: 'doc', id: docId }) }));
        await Promise.all(clients.map((c) => c.next('ready', 300_000)));
        log('reference: the same clients and documents on the plain Socket.IO relay');
        reference = await runPhase({ ...phaseOptions, name: 'reference', servers: { relay: relay.child.pid } });
        // The bare relay keeps nothing: what a client missed (a stalled event loop) never comes, so it may not converge. Recorded (missingPairs), not a failure of the run.
        if (!reference.converged) log(`reference: the relay's clients did not converge within ${DRAIN_SECONDS} s (${reference.missingPairs} pairs never arrived); recorded`);
      }
    }

    const ratio = (k: 'p50' | 'p99') => (reference ? Math.round((tandem.latency[k] / reference.latency[k]) * 100) / 100 : null);
    const run = {
      date: new Date().toISOString(),
      command: 'node scripts/infra/up.mjs --only kafka,mongo,redis -- node -r ./scripts/register.js bench/typing-scale.ts',
      target: `${target.description}, plus a second gateway (Redis adapter)`,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      load: { clients: CLIENTS, clientProcesses: PROCESSES, keystrokesPerSecondEach: PER_SECOND, durationSeconds: DURATION_SECONDS, gateways: 2 },
      seed: { how: 'the paper built with raw Automerge (one change() per transaction), saved, stored as the document snapshot in FerretDB', changes: paper.changes, snapshotBytes: paper.bytes.byteLength, textLength: paper.text.length, builtSeconds: paper.builtSeconds },
      applyFloor: floor,
      join: { allJoinedSeconds: Math.round(openSeconds), perClient: summarize(joinMs), retriedUnavailable: [...joinRetries.values()].reduce((a, b) => a + b, 0), freshClientJoinSeconds: freshJoinSeconds },
      clientRssMiB: clients.map((c) => rssMiBOf(c.child.pid)),
      tandem,
      reference,
      ratioToReference: { p50: ratio('p50'), p99: ratio('p99') },
      goal: 'keystroke-to-peer p99 <= 100 ms, no growing lag, every client converges',
      meetsGoal: tandem.latency.p99 <= 100 && !tandem.backlog.growing && tandem.converged && failures.length === 0,
      failures,
    };
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', 'typing-scale.json'), JSON.stringify({ benchmark: 'typing-scale', note: 'see BENCHMARKS.md', run }, null, 2) + '\n');
    log(`tandem p50/p99 ${tandem.latency.p50}/${tandem.latency.p99} ms${reference ? `, reference ${reference.latency.p50}/${reference.latency.p99} ms (p99 ratio ${ratio('p99')})` : ''}; goal ${run.meetsGoal ? 'met' : 'NOT met'}; written to bench/results/typing-scale.json`);
    if (failures.length > 0) throw new Error(failures.join('; '));
  } finally {
    for (const c of clients) if (c.child.connected) c.child.send({ type: 'close' });
    await target.stop();
  }
}

async function states(clients: ClientProcess[]) {
  clients.forEach((c) => c.child.send({ type: 'state' }));
  const replies = await Promise.all(clients.map((c) => c.next('state', 120_000)));
  return replies.flatMap((r) => (r.type === 'state' ? r.clients : []));
}

/**
 * What one keystroke from another actor costs to apply to the paper document, here, with nothing
 * else of Tandem involved; and, to show what that cost follows, the same for the paper's text
 * inserted by ONE change (as many characters, almost no history) and for a map key set by 100,000
 * changes (a long history, one op each).
 */
function applyFloor(paperDoc: A.Doc<RichTextDoc>) {
  const sameText = A.change(createDoc('richtext'), (d) => richtext.insertText(d, 0, paperDoc.text));
  let counter = A.from<{ n: number }>({ n: 0 });
  for (let i = 1; i <= 100_000; i++) counter = A.change(counter, (d) => void (d.n = i));
  return {
    ...floorOf(paperDoc, (d) => richtext.insertText(d, 1000, 'x')),
    sameTextInOneChange: floorOf(sameText, (d) => richtext.insertText(d, 1000, 'x')),
    mapKeySetBy100kChanges: floorOf(counter, (d) => void (d.n = -1)),
  };
}

/** Median of 9 `applyChanges` of one change made by another actor; frees `start` (and what it became). */
function floorOf<T>(start: A.Doc<T>, edit: (d: T) => void) {
  let doc = start;
  let other = A.clone(doc, 'ab'.repeat(16));
  const times: number[] = [];
  for (let i = 0; i < 9; i++) {
    other = A.change(other, edit);
    const change = A.getLastLocalChange(other)!;
    const t = performance.now();
    [doc] = A.applyChanges(doc, [change]);
    times.push(performance.now() - t);
  }
  A.free(doc);
  A.free(other);
  times.sort((a, b) => a - b);
  return { runs: times.length, p50Ms: round(times[4]), minMs: round(times[0]), maxMs: round(times.at(-1)!) };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`[typing] failed: ${error.stack}\n`);
    process.exit(1);
  },
);

