import type { ProtocolErrorCode, ServerEvent } from '@tandem/contracts';
import { signToken } from '@tandem/platform';
import { eventually, requireEnv, uniqueId } from '@tandem/platform/testing';
import { CounterHandle, TandemClient } from '@tandem/sdk';
import { randomBytes, randomInt } from 'node:crypto';
import { once } from 'node:events';
import { io, Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { RunningProcess, freePort, startProcess, stopAll } from './support/processes';

/**
 * Fuzzes one gateway (with a docs service, on real Kafka and FerretDB) with 12,000 malformed and
 * oversized Socket.IO messages from four attacking sockets while two SDK clients keep incrementing a
 * counter. Each message must get exactly the one answer a correct gateway gives: a typed error in its
 * ack, a `protocol.error` event when sent without an ack, or — only past Socket.IO's buffer limit — a
 * disconnect (the attacker then reconnects). Rate limits are raised so the fuzz reaches validation.
 * The seed is printed; `FUZZ_SEED=<n>` replays the same messages (their interleaving across sockets is
 * up to the scheduler).
 */

const MAX_MESSAGE_BYTES = 1024 * 1024; // the default, kept explicit because the sizes below derive from it
const BUFFER_LIMIT = MAX_MESSAGE_BYTES * 2 + 64 * 1024; // Socket.IO closes the connection beyond this
const ATTACKERS = 4;
const MESSAGES = 12_000;
const WARM_UP = 1_000;
const ACK_WINDOW = 32;
const MiB = 1024 * 1024;

type Expected = ProtocolErrorCode | 'disconnect';
type Answer = Expected | 'ok' | 'none';
interface Fuzz {
  kind: string;
  event: string | number;
  args: unknown[];
  expect: Expected;
  withoutAck?: boolean;
}

type Rng = () => number;
/** mulberry32: small, fast and good enough to pick fuzz cases reproducibly. */
function prng(seed: number): Rng {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random values of every JSON type, odd strings, prototype-ish keys and binary: at most 8 buffers per
 * message (one `generators` per message), as Socket.IO's parser closes the connection beyond 10.
 */
function generators(r: Rng) {
  const perMessage = { binary: 8 };
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const alphabets = [
    () => String.fromCharCode(int(32, 126)),
    () => String.fromCharCode(int(0, 31)),
    () => String.fromCharCode(int(0x100, 0xd7ff)),
    () => String.fromCodePoint(int(0x1f300, 0x1faff)),
    () => String.fromCharCode(int(0xd800, 0xdfff)), // lone surrogates
  ];
  const string = (max = 64): string => Array.from({ length: int(0, max) }, pick(alphabets)).join('');
  const keys = ['type', 'resource', 'kind', 'id', 'docId', 'commandId', 'by', 'token', 'link', '__proto__', 'constructor', 'prototype', 'toString'];
  const value = (depth = 0, budget = perMessage): unknown => {
    switch (int(0, depth > 3 ? 5 : 8)) {
      case 0: return null;
      case 1: return r() < 0.5;
      case 2: return pick([0, -1, 2 ** 53, -(2 ** 63), 1e308, 0.5, NaN, Infinity, int(-1e9, 1e9)]);
      case 3: case 4: return string();
      case 5: return budget.binary-- > 0 ? randomBytesFrom(r, int(0, 4096)) : string(8);
      case 6: return Array.from({ length: int(0, 5) }, () => value(depth + 1, budget));
      default: return Object.fromEntries(Array.from({ length: int(0, 5) }, () => [r() < 0.5 ? pick(keys) : string(16), value(depth + 1, budget)]));
    }
  };
  return { int, pick, string, value };
}

/** `n` seeded random bytes: 256 drawn from `r`, repeated by a native fill (a byte loop over megabytes is slow inside Jest's VM context). */
function randomBytesFrom(r: Rng, n: number): Buffer {
  const block = Buffer.from(Array.from({ length: Math.min(n, 256) }, () => Math.floor(r() * 256)));
  return n <= 256 ? block : Buffer.alloc(n, block);
}

const EVENTS = ['join', 'leave', 'command', 'auth.refresh', 'presence'] as const;
const RESERVED = new Set([...EVENTS, 'connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

/** Makes valid messages invalid: each mutation alone breaks the schema. */
function mutated(g: ReturnType<typeof generators>, event: (typeof EVENTS)[number]): unknown {
  const doc = { kind: 'doc', id: 'fuzz-counter' };
  const base: Record<string, unknown> = {
    join: { type: 'join', resource: { ...doc } },
    leave: { type: 'leave', resource: { ...doc } },
    command: { type: 'doc.counter.increment', commandId: 'fuzz-cmd-0001', docId: 'fuzz-counter', by: 1 },
    'auth.refresh': { type: 'auth.refresh', token: 'x' },
    presence: { type: 'presence.cursor', resource: { ...doc }, cursor: { x: 1, y: 2 } },
  }[event] as Record<string, unknown>;
  const target = 'resource' in base && g.int(0, 1) ? (base.resource as Record<string, unknown>) : base;
  const key = g.pick(Object.keys(target));
  const wrong: Record<string, () => unknown> = {
    type: () => g.pick(['doc.counter.set', 'JOIN', '', 'join ', null, 42]),
    kind: () => g.pick(['board', 'Doc', '', null, ['doc']]),
    id: () => g.pick(['', 'a/b', 'a b', 'é', 'x'.repeat(129), 7, null]),
    docId: () => g.pick(['', 'a/b', '../etc', 'x'.repeat(129), {}, null]),
    commandId: () => g.pick(['short', 'has space 123', 'x'.repeat(65), 'ünïcödé-12', 12345678, null]),
    by: () => g.pick([1.5, 1_000_001, -1_000_001, '1', null, true, [1]]),
    token: () => g.pick(['', 'x'.repeat(8193), 1, null, { token: 'x' }]),
    resource: () => g.pick([null, 'doc:x', [], { kind: 'doc' }, { id: 'x' }]),
    cursor: () => g.pick([null, 'here', { x: '1' }, { z: 1 }, { anchor: 'x'.repeat(257) }, [1, 2]]),
  };
  switch (g.int(0, 3)) {
    case 0:
      delete target[key];
      break;
    case 1: {
      const extra = g.pick(['extra', '__proto__', 'constructor', g.string(12)]);
      // defineProperty: assigning `__proto__` would set the prototype, and JSON would drop it.
      // No binary in it: the client's binary encoder copies objects key by key and so drops an own `__proto__`.
      Object.defineProperty(target, Object.hasOwn(target, extra) || !extra ? 'extra' : extra, { value: g.value(0, { binary: 0 }), enumerable: true, writable: true, configurable: true });
      break;
    }
    case 2: // every field is a constrained string, a number or a strict object: none of these fits any
      target[key] = g.pick([null, true, [], { nested: g.value() }, [g.value()]]);
      break;
    default:
      target[key] = (wrong[key] ?? wrong.type)();
  }
  return base;
}

/** One fuzz message: what to send, and the single answer a correct gateway gives. */
function nextMessage(r: Rng): Fuzz {
  const g = generators(r);
  const known = () => g.pick(EVENTS);
  const unknownName = (): string | number => {
    const name = g.pick([() => g.string(200), () => g.int(-1e6, 1e6), () => g.pick(['Join', 'command ', 'event', 'error', 'ping', 'message', '__proto__', ''])])();
    return typeof name === 'string' && RESERVED.has(name) ? `${name}?` : name;
  };
  const p = r();
  if (p < 0.25) return { kind: 'unknown event', event: unknownName(), args: Array.from({ length: g.int(0, 3) }, () => g.value()), expect: 'INVALID_MESSAGE' };
  if (p < 0.6) { const e = known(); return { kind: 'wrong shape', event: e, args: [mutated(g, e)], expect: 'INVALID_MESSAGE' }; }
  if (p < 0.7) return { kind: 'random args', event: known(), args: Array.from({ length: g.pick([0, 1, 1, 2, 4]) }, () => g.value()), expect: 'INVALID_MESSAGE' };
  if (p < 0.78) {
    const args = [
      g.pick([
        () => ({ type: 'join', resource: randomBytesFrom(r, g.int(1, 64)) }),
        () => ({ type: 'doc.counter.increment', commandId: randomBytesFrom(r, 16), docId: 'fuzz-counter', by: 1 }),
        () => randomBytesFrom(r, g.int(0, 65536)),
        () => g.value(),
      ])(),
    ];
    return { kind: 'binary', event: g.pick([known(), unknownName()]), args, expect: 'INVALID_MESSAGE' };
  }
  if (p < 0.83) return { kind: 'bad token', event: 'auth.refresh', args: [{ type: 'auth.refresh', token: g.string(8192).slice(0, 8192) || 'x' }], expect: 'UNAUTHENTICATED' };
  if (p < 0.88) return { kind: 'bad share link', event: 'join', args: [{ type: 'join', resource: { kind: 'doc', id: 'fuzz-counter' }, link: (g.string(4096) || 'x').slice(0, 4096) }], expect: 'FORBIDDEN' };
  if (p < 0.955) {
    const n = g.int(100, 5000);
    const arg = g.pick([
      () => {
        let deep: unknown = g.value();
        for (let i = 0; i < n / 3; i++) deep = r() < 0.5 ? [deep] : { resource: deep };
        return deep;
      },
      () => ({ type: 'join', ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])) }),
      () => Array(n).fill({ type: 'leave' }),
    ])();
    return { kind: 'wide or deep', event: known(), args: [arg], expect: 'INVALID_MESSAGE' };
  }
  const huge = (n: number) => 'x'.repeat(n);
  if (p < 0.98) return { kind: 'large (under the limit)', event: known(), args: [{ type: 'doc.counter.increment', commandId: huge(g.int(64 * 1024, MAX_MESSAGE_BYTES - 4096)), docId: 'fuzz-counter', by: 1 }], expect: 'INVALID_MESSAGE' };
  if (p < 0.997) {
    const over = g.int(MAX_MESSAGE_BYTES + 1, BUFFER_LIMIT - 64 * 1024);
    const args = g.pick([
      () => [huge(over)],
      () => [{ type: 'join', resource: { kind: 'doc', id: huge(over) } }],
      () => [randomBytesFrom(r, over)],
      () => [randomBytesFrom(r, 900_000), randomBytesFrom(r, 900_000), randomBytesFrom(r, 900_000)], // each frame under the buffer limit, together over the size limit
    ])();
    // An unknown name is refused before the size is looked at.
    const event = g.pick([known(), unknownName()]);
    return { kind: 'oversized', event, args, expect: EVENTS.includes(event as never) ? 'PAYLOAD_TOO_LARGE' : 'INVALID_MESSAGE' };
  }
  return { kind: 'over the buffer limit', event: known(), args: [huge(g.int(BUFFER_LIMIT + 1024, BUFFER_LIMIT + MiB))], expect: 'disconnect' };
}

const label = (event: string | number) => String(event).slice(0, 64);

/** One attacking connection: sends fuzz messages and checks that each gets exactly one answer. */
class Attacker {
  private socket!: Socket;
  private readonly acks = new Map<number, Fuzz>();
  private readonly withoutAck = new Map<string, Fuzz[]>();
  private expectingDisconnect = false;
  private disconnected?: () => void;
  private nextId = 0;
  private lost = false;
  readonly answers = new Map<string, number>();
  readonly kinds = new Map<string, number>();
  /** What went wrong, tallied by kind, with one example message each. */
  readonly problems = new Map<string, { count: number; example: string }>();

  constructor(private readonly url: string, private readonly token: string, private readonly r: Rng) {}

  async connect(): Promise<void> {
    this.socket = io(this.url, { transports: ['websocket'], auth: { token: this.token }, reconnection: false, forceNew: true });
    this.socket.on('event', (e: ServerEvent) => {
      if (e.type !== 'protocol.error') return this.problem(`unexpected event ${e.type}`, JSON.stringify(e));
      // The event names the message but not which one: take the oldest of that name expecting this code.
      const queue = this.withoutAck.get(e.event) ?? [];
      const at = queue.findIndex((m) => m.expect === e.error.code);
      const [sent] = queue.splice(at >= 0 ? at : 0, 1);
      if (queue.length === 0) this.withoutAck.delete(e.event);
      if (!sent) return this.problem('a protocol.error for no message sent without an ack', JSON.stringify(e));
      this.record(sent, e.error.code);
    });
    this.socket.on('disconnect', (reason) => {
      if (this.expectingDisconnect) return this.disconnected?.();
      this.problem(`disconnected unexpectedly (${reason})`, `${this.pending} messages unanswered`);
      this.lost = true;
    });
    await new Promise<void>((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('connect_error', reject);
    });
  }

  get pending(): number {
    let n = this.acks.size;
    for (const q of this.withoutAck.values()) n += q.length;
    return n;
  }

  async run(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const m = nextMessage(this.r);
      this.kinds.set(m.kind, (this.kinds.get(m.kind) ?? 0) + 1);
      if (this.lost) await this.reconnect();
      if (m.expect === 'disconnect') await this.overflow(m);
      else {
        while (this.acks.size >= ACK_WINDOW && !this.lost) await new Promise((r) => setTimeout(r, 1));
        this.send(m);
        if (i % 50 === 0) await new Promise((r) => setImmediate(r)); // let answers in
      }
    }
  }

  /** Waits for answers until none is pending or none came for `idleMs`; what is still pending then never got one. */
  async settle(idleMs: number): Promise<void> {
    let left = this.pending;
    let since = Date.now();
    while (left > 0 && Date.now() - since < idleMs) {
      await new Promise((r) => setTimeout(r, 20));
      if (this.pending < left) [left, since] = [this.pending, Date.now()];
    }
    for (const m of [...this.acks.values(), ...[...this.withoutAck.values()].flat()]) this.record(m, 'none');
    this.acks.clear();
    this.withoutAck.clear();
  }

  close(): void {
    this.expectingDisconnect = true;
    this.socket.close();
  }

  private send(m: Fuzz): void {
    if (this.r() < 0.7) {
      const id = this.nextId++;
      this.acks.set(id, m);
      this.socket.emit(m.event as string, ...m.args, (answer: { ok: boolean; error?: { code: ProtocolErrorCode } }) => {
        if (!this.acks.delete(id)) return this.problem(`a second ack for ${m.kind}`, JSON.stringify(answer));
        this.record(m, answer.ok ? 'ok' : (answer.error?.code ?? 'none'));
      });
    } else {
      const queue = this.withoutAck.get(label(m.event)) ?? [];
      m.withoutAck = true;
      queue.push(m);
      this.withoutAck.set(label(m.event), queue);
      this.socket.emit(m.event as string, ...m.args);
    }
  }

  /** Past the buffer limit Socket.IO drops the connection: settle first so the disconnect answers this message alone. */
  private async overflow(m: Fuzz): Promise<void> {
    await this.settle(2_000);
    this.expectingDisconnect = true;
    const gone = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5_000);
      this.disconnected = () => (clearTimeout(timer), resolve(true));
    });
    this.socket.emit(m.event as string, ...m.args);
    this.record(m, (await gone) ? 'disconnect' : 'none');
    await this.reconnect();
  }

  private async reconnect(): Promise<void> {
    await this.settle(0);
    this.socket.removeAllListeners();
    this.socket.close();
    this.expectingDisconnect = false;
    this.disconnected = undefined;
    this.lost = false;
    await this.connect();
  }

  private record(m: Fuzz, answer: Answer): void {
    this.answers.set(answer, (this.answers.get(answer) ?? 0) + 1);
    if (answer !== m.expect) this.problem(`${m.kind}${m.withoutAck ? ' without ack' : ''}: expected ${m.expect}, got ${answer}`, `"${label(m.event)}" ${JSON.stringify(m.args).slice(0, 200)}`);
  }

  private problem(what: string, example: string): void {
    const seen = this.problems.get(what);
    if (seen) seen.count++;
    else this.problems.set(what, { count: 1, example });
  }
}

async function gauge(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  if (!line) throw new Error(`${name} is not in ${url}/metrics`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * The gateway's heap and RSS right after a full garbage collection, which it runs when asked over the
 * DevTools protocol (it is started with `--inspect`): without it, "heap used" is mostly a matter of
 * when V8 last collected and swings by 100 MiB between samples under this load.
 */
async function memoryAfterGc(url: string, inspectPort: number): Promise<{ heap: number; external: number; rss: number }> {
  const [target] = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const devtools = new WebSocket(target.webSocketDebuggerUrl);
  await once(devtools, 'open');
  devtools.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
  await once(devtools, 'message');
  devtools.close();
  return {
    heap: await gauge(url, 'tandem_nodejs_heap_size_used_bytes'),
    external: await gauge(url, 'tandem_nodejs_external_memory_bytes'),
    rss: await gauge(url, 'tandem_process_resident_memory_bytes'),
  };
}

const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

describe('a gateway fuzzed with malformed and oversized messages', () => {
  const seed = Number(process.env.FUZZ_SEED ?? randomInt(2 ** 31));
  const jwtSecret = randomBytes(32).toString('hex');
  let docs: RunningProcess;
  let gateway: RunningProcess;
  let inspectPort: number;
  const clients: TandemClient[] = [];
  const attackers: Attacker[] = [];

  beforeAll(async () => {
    const env = { KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'), MONGO_URL: requireEnv('MONGO_URL'), JWT_SECRET: jwtSecret, INTERNAL_TOKEN: randomBytes(24).toString('hex') };
    docs = await startProcess('docs', 'services/docs/src/main.ts', env);
    // Limits high enough that the fuzz reaches validation instead of being rate limited (the limits have their own tests).
    const limits = { SOCKET_RATE_PER_SECOND: '100000', SOCKET_RATE_BURST: '100000', USER_RATE_PER_SECOND: '100000', USER_RATE_BURST: '100000', MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES) };
    inspectPort = await freePort();
    gateway = await startProcess('gateway', 'services/gateway/src/main.ts', { ...env, ...limits, DOCS_URL: docs.url, NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}` });
  });

  afterAll(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const a of attackers.splice(0)) a.close();
    await stopAll();
  });

  it(`answers every one of ${MESSAGES} bad messages once, while two editors lose nothing and memory returns to baseline`, async () => {
    console.log(`gateway fuzz: seed ${seed} (FUZZ_SEED=${seed} to replay)`);
    const tenant = uniqueId('tenant');
    const editors: CounterHandle[] = await Promise.all(
      ['alice', 'bob'].map(async (sub) => {
        const token = await signToken(jwtSecret, { sub, tenant });
        const client = new TandemClient({ url: gateway.url, getToken: () => token });
        clients.push(client);
        return client.counter('fuzz-counter');
      }),
    );
    let editing = true;
    let acked = 0;
    const edits = Promise.all(
      editors.map(async (counter) => {
        while (editing) {
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('an increment was not acknowledged within 15 s')), 15_000)));
          await Promise.race([counter.increment(1), late]).finally(() => clearTimeout(timer));
          acked++;
          await new Promise((r) => setTimeout(r, 20));
        }
      }),
    ).then(() => undefined, (error: Error) => error.message);
    for (let i = 0; i < ATTACKERS; i++) {
      const a = new Attacker(gateway.url, await signToken(jwtSecret, { sub: `attacker-${i}`, tenant }), prng(seed + i));
      await a.connect();
      attackers.push(a);
    }

    // Warm-up: the same mix, so JIT, pools and allocator high-water marks are in the baseline.
    await Promise.all(attackers.map(async (a) => (await a.run(WARM_UP / ATTACKERS), a.settle(5_000))));
    const before = await memoryAfterGc(gateway.url, inspectPort);

    const started = Date.now();
    const answersBefore = attackers.map((a) => new Map(a.answers));
    const kindsBefore = attackers.map((a) => new Map(a.kinds));
    await Promise.all(attackers.map(async (a) => (await a.run(MESSAGES / ATTACKERS), a.settle(5_000))));
    const fuzzSeconds = (Date.now() - started) / 1000;
    editing = false;
    const editError = await edits;

    const byAnswer: Record<string, number> = {};
    const byKind: Record<string, number> = {};
    attackers.forEach((a, i) => {
      a.answers.forEach((n, code) => (byAnswer[code] = (byAnswer[code] ?? 0) + n - (answersBefore[i].get(code) ?? 0)));
      a.kinds.forEach((n, kind) => (byKind[kind] = (byKind[kind] ?? 0) + n - (kindsBefore[i].get(kind) ?? 0)));
    });
    const problems: Record<string, number> = {};
    const examples: string[] = [];
    for (const [what, { count, example }] of attackers.flatMap((a) => [...a.problems])) {
      if (!(what in problems)) examples.push(`${what}, e.g. ${example}`);
      problems[what] = (problems[what] ?? 0) + count;
    }
    console.log(`gateway fuzz: ${MESSAGES} messages in ${fuzzSeconds.toFixed(1)} s: ${JSON.stringify(byKind)}; answers ${JSON.stringify(byAnswer)}; ${acked} increments acknowledged meanwhile${examples.length ? `; problems:\n${examples.join('\n')}` : ''}`);
    expect({ seed, problems }).toEqual({ seed, problems: {} });
    expect(editError).toBeUndefined();
    expect(Object.values(byAnswer).reduce((a, b) => a + b, 0)).toBe(MESSAGES);

    await eventually(() => expect(editors.map((c) => [c.value, c.pending])).toEqual([[acked, 0], [acked, 0]]), 30_000, 100);

    // Both samples follow a full GC with the same sockets connected. Heap: within 8 MiB of the baseline,
    // where a leak of 1 KiB per message would add 12 MiB (repeated runs of this mix stay within ~2 MiB).
    // External (Buffers, where retained binary frames would live): within 8 MiB. RSS: within 96 MiB, as
    // glibc keeps arenas after freeing megabyte-sized frames (10-52 MiB seen on a loaded machine, with
    // heap and external flat); the ~300 MiB of oversized frames, if retained, would be far more.
    const after = await memoryAfterGc(gateway.url, inspectPort);
    console.log(`gateway fuzz: heap ${mib(before.heap)} → ${mib(after.heap)}, external ${mib(before.external)} → ${mib(after.external)}, rss ${mib(before.rss)} → ${mib(after.rss)}`);
    expect(after.heap).toBeLessThanOrEqual(before.heap + 8 * MiB);
    expect(after.external).toBeLessThanOrEqual(before.external + 8 * MiB);
    expect(after.rss).toBeLessThanOrEqual(before.rss + 96 * MiB);

    expect([docs.child.exitCode, gateway.child.exitCode]).toEqual([null, null]);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
  }, 150_000);
});
