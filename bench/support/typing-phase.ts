import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { cpuSecondsOf, machineBusySeconds } from './proc';
import { Summary, counterByLabel, difference, summarize } from './stats';
import type { TypingReply } from './typing-clients';

/** A child process of typing clients (`typing-clients.ts`) and its replies, by type. */
export interface ClientProcess {
  name: string;
  child: ChildProcess;
  /** The next reply of `type` (rejects if the child fails or says nothing for `timeoutMs`). */
  next(type: TypingReply['type'], timeoutMs: number): Promise<TypingReply>;
  on(type: TypingReply['type'], fn: (r: TypingReply) => void): void;
}

/** Forks a child of typing clients. */
export function startClients(name: string, root: string): ClientProcess {
  const child = fork(join(__dirname, 'typing-clients.ts'), [], { execArgv: ['-r', join(root, 'scripts/register.js')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiters: Array<{ type: string; resolve: (r: TypingReply) => void; reject: (e: Error) => void }> = [];
  const listeners: Array<{ type: string; fn: (r: TypingReply) => void }> = [];
  let failure: Error | null = null;
  const fail = (e: Error) => {
    failure = e;
    for (const w of waiters.splice(0)) w.reject(e);
  };
  child.on('message', (r: TypingReply) => {
    if (r.type === 'error') return fail(new Error(`${name}: ${r.message}`));
    for (const l of listeners) if (l.type === r.type) l.fn(r);
    const i = waiters.findIndex((w) => w.type === r.type);
    if (i >= 0) waiters.splice(i, 1)[0].resolve(r);
  });
  child.on('exit', (code) => code !== 0 && fail(new Error(`${name} exited with ${code}`)));
  return {
    name,
    child,
    on: (type, fn) => listeners.push({ type, fn }),
    next: (type, timeoutMs) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        const timer = setTimeout(() => reject(new Error(`${name}: no ${type} within ${timeoutMs / 1000} s`)), timeoutMs);
        waiters.push({ type, resolve: (r) => (clearTimeout(timer), resolve(r)), reject: (e) => (clearTimeout(timer), reject(e)) });
      }),
  };
}

/** What one phase (Tandem or the reference relay) measured. */
export interface Phase {
  name: string;
  keystrokes: number;
  /** Keystroke (sent at the typist) → the peer's document holds it, over every (keystroke, peer) pair, ms. */
  latency: Summary;
  /** Keystroke → its bytes reached the peer's process (before the peer applied them): the path without the peer's CRDT work. */
  received: Summary;
  /** The same by the second the keystroke was sent: does it grow? */
  latencyBySecond: Array<{ second: number; p50: number; p99: number; max: number }>;
  /** Pairs whose change reached the peer by a sync instead of the relay (not timed), and never (must be 0). */
  notRelayedPairs: number;
  missingPairs: number;
  /** How late keystrokes were typed against their schedule (a blocked client event loop), ms. */
  scheduleSlip: Summary;
  /** Keystroke → its command left the client (the SDK keeps one command per document in flight); Tandem only. */
  queuedAtTypist: Summary;
  /** Command sent → the gateway's acknowledgement (Kafka has it); Tandem only. */
  commandAck: Summary;
  /** Each second: changes typed but not yet durable (summed over clients) and the docs group's Kafka lag. */
  backlog: { samples: Array<{ second: number; notDurable: number; kafkaLag: number | null; clientLoopDelayMaxMs: number }>; slopePerSecond: number; growing: boolean; rule: string };
  converged: boolean;
  convergedSecondsAfterTyping: number | null;
  finalTextSha: string;
  finalTextLength: number;
  /** Tandem: the docs service's sync rounds over the phase by trigger (`join`: a client (re)joined; `gap`: a doc.merged named heads a client lacked). */
  syncRoundsByTrigger: Record<string, number> | null;
  cpuSeconds: Record<string, number>;
  machineBusyCpuSeconds: number;
  wallSeconds: number;
}

export interface PhaseOptions {
  name: string;
  clients: ClientProcess[];
  clientCount: number;
  durationSeconds: number;
  perSecond: number;
  drainSeconds: number;
  /** Server processes whose CPU is counted. */
  servers: Record<string, number | undefined>;
  /** The docs service's `/metrics` (its consumer lag), if any. */
  docsMetricsUrl?: string;
  log(m: string): void;
}

const now = () => performance.timeOrigin + performance.now();

/** Types for `durationSeconds`, waits until every client holds the same text, and gathers the figures. */
export async function runPhase(o: PhaseOptions): Promise<Phase> {
  const pids: Record<string, number | undefined> = { ...o.servers, ...Object.fromEntries(o.clients.map((c) => [c.name, c.child.pid])) };
  const cpuBefore = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSecondsOf(pid)]));
  const busyBefore = machineBusySeconds();
  const syncsBefore = o.docsMetricsUrl ? await syncRounds(o.docsMetricsUrl) : null;
  const latest = new Map<string, { pending: number; loop: number; typed: number }>();
  for (const c of o.clients) c.on('sample', (r) => r.type === 'sample' && latest.set(c.name, { pending: r.pending, loop: r.loopDelayMaxMs, typed: r.typed }));
  const startAt = now() + 3000;
  const typingEnd = startAt + o.durationSeconds * 1000;
  o.clients.forEach((c) => c.child.send({ type: 'type', startAt, durationMs: o.durationSeconds * 1000, perSecond: o.perSecond, clients: o.clientCount }));
  const done = Promise.all(o.clients.map((c) => c.next('typing-done', (o.durationSeconds + 600) * 1000)));
  o.log(`${o.name}: typing for ${o.durationSeconds} s…`);

  const samples: Phase['backlog']['samples'] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await new Promise((r) => setTimeout(r, 1000));
      const second = Math.round((now() - startAt) / 1000);
      if (second < 0) continue;
      const values = [...latest.values()];
      const kafkaLag = o.docsMetricsUrl ? await docsLag(o.docsMetricsUrl) : null;
      const sample = { second, notDurable: values.reduce((n, v) => n + v.pending, 0), kafkaLag, clientLoopDelayMaxMs: Math.round(Math.max(0, ...values.map((v) => v.loop))) };
      samples.push(sample);
      if (second % 5 === 0) o.log(`${o.name} ${second} s: typed ${values.reduce((n, v) => n + v.typed, 0)}, not durable ${sample.notDurable}, docs Kafka lag ${kafkaLag ?? '–'}, client loop stall ≤ ${sample.clientLoopDelayMaxMs} ms`);
    }
  })();

  const doneReplies = await done;
  const slip = doneReplies.flatMap((r) => (r.type === 'typing-done' ? r.slipMs : []));
  o.log(`${o.name}: typing stopped (${doneReplies.reduce((n, r) => n + (r.type === 'typing-done' ? r.typed : 0), 0)} keystrokes); waiting until every client holds the same text…`);
  let converged = false;
  let final = { sha: '', length: 0 };
  const deadline = Math.max(now(), typingEnd) + o.drainSeconds * 1000;
  while (now() < deadline) {
    o.clients.forEach((c) => c.child.send({ type: 'state' }));
    const states = (await Promise.all(o.clients.map((c) => c.next('state', 120_000)))).flatMap((r) => (r.type === 'state' ? r.clients : []));
    const shas = new Set(states.map((s) => s.textSha));
    const heads = new Set(states.map((s) => s.heads));
    const pending = states.reduce((n, s) => n + s.pending, 0);
    if (shas.size === 1 && heads.size === 1 && pending === 0) {
      converged = true;
      final = { sha: states[0].textSha, length: states[0].textLength };
      break;
    }
    o.log(`${o.name}: ${shas.size} different texts, ${heads.size} different heads, ${pending} changes not durable`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  const convergedAt = now();
  sampling = false;
  await sampler;
  const cpuSeconds = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, Math.round((cpuSecondsOf(pid) - cpuBefore[k]) * 10) / 10]));
  const machineBusyCpuSeconds = Math.round((machineBusySeconds() - busyBefore) * 10) / 10;
  const syncRoundsByTrigger = o.docsMetricsUrl && syncsBefore ? difference(await syncRounds(o.docsMetricsUrl), syncsBefore) : null;

  o.clients.forEach((c) => c.child.send({ type: 'typed' }));
  const typedReplies = (await Promise.all(o.clients.map((c) => c.next('typed', 120_000)))).flatMap((r) => (r.type === 'typed' ? [r] : []));
  const typed = typedReplies.flatMap((r) => r.typed);
  o.clients.forEach((c) => c.child.send({ type: 'latencies', typed, startAt }));
  const replies = (await Promise.all(o.clients.map((c) => c.next('latencies', 300_000)))).flatMap((r) => (r.type === 'latencies' ? [r] : []));
  const all = replies.flatMap((r) => r.latencies);
  const bySecond = new Map<number, number[]>();
  for (const r of replies) r.sendSeconds.forEach((s, i) => (bySecond.get(s) ?? bySecond.set(s, []).get(s)!).push(r.latencies[i]));
  const latencyBySecond = [...bySecond.entries()].sort((a, b) => a[0] - b[0]).map(([second, l]) => {
    const s = summarize(l);
    return { second, p50: s.p50, p99: s.p99, max: s.max };
  });

  // The backlog while typing (after a 5 s warm-up): growing if its fitted slope adds up to more than one second of typing over the phase.
  const window = samples.filter((s) => s.second >= 5 && s.second <= o.durationSeconds);
  const slopePerSecond = slope(window.map((s) => [s.second, s.notDurable]));
  const oneSecondOfTyping = o.clientCount * o.perSecond;
  const phase: Phase = {
    name: o.name,
    keystrokes: typed.length,
    latency: summarize(all),
    received: summarize(replies.flatMap((r) => r.receivedLatencies)),
    latencyBySecond,
    notRelayedPairs: replies.reduce((n, r) => n + r.notRelayed, 0),
    missingPairs: replies.reduce((n, r) => n + r.missing, 0),
    scheduleSlip: summarize(slip),
    queuedAtTypist: summarize(typedReplies.flatMap((r) => r.queuedMs)),
    commandAck: summarize(typedReplies.flatMap((r) => r.ackMs)),
    backlog: {
      samples,
      slopePerSecond: Math.round(slopePerSecond * 100) / 100,
      growing: slopePerSecond * (o.durationSeconds - 5) > oneSecondOfTyping,
      rule: `growing when the least-squares slope of "not durable" from 5 s to the end of typing, times that span, exceeds one second of typing (${oneSecondOfTyping} changes)`,
    },
    converged,
    convergedSecondsAfterTyping: converged ? Math.round((convergedAt - typingEnd) / 100) / 10 : null,
    finalTextSha: final.sha,
    finalTextLength: final.length,
    cpuSeconds,
    machineBusyCpuSeconds,
    syncRoundsByTrigger,
    wallSeconds: Math.round((convergedAt - startAt) / 100) / 10,
  };
  o.log(`${o.name}: keystroke → bytes at the peer (before applying) p50 ${phase.received.p50} / p99 ${phase.received.p99} ms`);
  if (phase.queuedAtTypist.count > 0) o.log(`${o.name}: keystroke → command sent p50 ${phase.queuedAtTypist.p50} / p99 ${phase.queuedAtTypist.p99} ms; command → ack p50 ${phase.commandAck.p50} / p99 ${phase.commandAck.p99} ms`);
  o.log(`${o.name}: ${phase.keystrokes} keystrokes, latency p50 ${phase.latency.p50} / p95 ${phase.latency.p95} / p99 ${phase.latency.p99} / max ${phase.latency.max} ms over ${phase.latency.count} pairs; backlog slope ${phase.backlog.slopePerSecond}/s (${phase.backlog.growing ? 'growing' : 'flat'}); converged ${converged} (${phase.convergedSecondsAfterTyping} s after typing)${syncRoundsByTrigger ? `; docs sync rounds ${JSON.stringify(syncRoundsByTrigger)}` : ''}`);
  return phase;
}

async function syncRounds(url: string): Promise<Record<string, number>> {
  try {
    return counterByLabel(await (await fetch(url)).text(), 'tandem_docs_syncs_total', 'trigger');
  } catch {
    return {};
  }
}

/** The docs group's records not yet committed on `docs.commands.v1`, from the docs service's `/metrics`. */
async function docsLag(url: string): Promise<number | null> {
  try {
    const text = await (await fetch(url)).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith('tandem_bus_consumer_lag{') && l.includes('topic="docs.commands.v1"'))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  } catch {
    return null;
  }
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  if (points.length < 2) return 0;
  const mx = points.reduce((n, p) => n + p[0], 0) / points.length;
  const my = points.reduce((n, p) => n + p[1], 0) / points.length;
  const sxy = points.reduce((n, p) => n + (p[0] - mx) * (p[1] - my), 0);
  const sxx = points.reduce((n, p) => n + (p[0] - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}
