/**
 * A child process of `bench/typing-scale.ts` holding some of its typing clients, so one process's
 * event loop is not the bottleneck. Driven over IPC by {@link TypingCommand}s, answered with
 * {@link TypingReply}s. Two modes on the same clients: `tandem` (a `TandemClient` each, through the
 * gateways) and `reference` (a raw Socket.IO socket to the plain relay carrying the same Automerge
 * changes, applied the same way: what arrived in one `applyChanges` call, paced by the SDK's `ApplyPacer`).
 *
 * Times are wall-clock milliseconds from `performance.timeOrigin + performance.now()`, comparable
 * across the processes of one machine.
 */
import * as A from '@automerge/automerge';
import { RichTextDoc, historyLookup, holdsHeads, richtext, splitChanges } from '@tandem/documents';
import { TandemClient } from '@tandem/sdk';
import type { DocHandle } from '@tandem/sdk';
import { createHash, randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, Socket } from 'socket.io-client';
import { ApplyPacer } from '../../libs/sdk/src/documents/apply-pacing';
import { retryUnavailable } from './retry';

export interface ClientSpec {
  index: number;
  token: string;
  gatewayUrl: string;
}

export type TypingCommand =
  | { type: 'open'; docId: string; clients: ClientSpec[] }
  | { type: 'reference-open'; relayUrl: string; room: string }
  | { type: 'type'; startAt: number; durationMs: number; perSecond: number; clients: number }
  | { type: 'state' }
  | { type: 'typed' }
  | { type: 'latencies'; typed: Array<[hash: string, sentAt: number, typist: number]>; startAt: number }
  | { type: 'close' };

export type TypingReply =
  | { type: 'opened'; index: number; joinMs: number; joinRetries: number }
  | { type: 'ready' }
  | { type: 'sample'; at: number; pending: number; loopDelayMaxMs: number; typed: number }
  | { type: 'typing-done'; typed: number; slipMs: number[] }
  | { type: 'state'; clients: Array<{ index: number; textSha: string; textLength: number; heads: string; pending: number }> }
  | { type: 'typed'; typed: Array<[string, number, number]>; queuedMs: number[]; ackMs: number[] }
  | { type: 'latencies'; latencies: number[]; sendSeconds: number[]; receivedLatencies: number[]; notRelayed: number; missing: number }
  | { type: 'error'; message: string };

const now = () => performance.timeOrigin + performance.now();
const send = (reply: TypingReply): void => void process.send!(reply);
/** An Automerge change's hash: SHA-256 of its chunk after the magic bytes and checksum (the head it becomes). */
const hashOf = (change: Uint8Array) => createHash('sha256').update(change.subarray(8)).digest('hex');
const sha = (text: string) => createHash('sha1').update(text).digest('hex');

/** One typing client, whichever path it is on. */
interface Typist {
  index: number;
  doc(): A.Doc<RichTextDoc>;
  type(pos: number, char: string): string;
  pending(): number;
  /** Hash → when this client's document first held it (relayed changes). */
  seen: Map<string, number>;
  /** Hash → when its bytes reached this client (before applying). */
  received: Map<string, number>;
  close(): void;
}

const typists: Typist[] = [];
let joinRetries = 0;
const typed: Array<[string, number, number]> = [];
const left = new Map<string, number>();
const acks: number[] = [];
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
setInterval(() => {
  send({ type: 'sample', at: now(), pending: typists.reduce((n, t) => n + t.pending(), 0), loopDelayMaxMs: loop.max / 1e6, typed: typed.length });
  loop.reset();
}, 1000);

/** Through the platform: the SDK's handle; the relayed bytes are observed (read-only) to name what each apply brings. */
async function openTandem(docId: string, spec: ClientSpec): Promise<Typist> {
  const client = new TandemClient({ url: spec.gatewayUrl, getToken: () => spec.token, ackTimeoutMs: 300_000 });
  await client.ready();
  // 50 clients joining a long document at once can keep the docs service past the gateway's 5 s ACL timeout: retried, as the answer says.
  const handle: DocHandle<'richtext'> = await retryUnavailable(() => client.documents.open(docId, 'richtext'), () => joinRetries++);
  const seen = new Map<string, number>();
  // When each change left this client (the SDK sends one command per document at a time) and when the gateway acknowledged it (Kafka has it).
  const transport = (client.documents as unknown as { transport: { command(m: { changes: Uint8Array }): Promise<{ ok: boolean }> } }).transport;
  const command = transport.command.bind(transport);
  transport.command = (m) => {
    const t = now();
    const hashes = splitChanges(m.changes).map(hashOf);
    for (const h of hashes) if (!left.has(h)) left.set(h, t);
    return command(m).then((ack) => {
      if (ack.ok) acks.push(now() - t);
      return ack;
    });
  };
  let arrived: string[] = [];
  const internal = handle as unknown as { receive(changes: Uint8Array): void };
  const receive = internal.receive.bind(handle);
  const received = new Map<string, number>();
  internal.receive = (changes) => {
    const t = now();
    for (const c of splitChanges(changes)) {
      const h = hashOf(c);
      arrived.push(h);
      if (!received.has(h)) received.set(h, t);
    }
    receive(changes);
  };
  handle.onChange((doc, { origin }) => {
    if (origin !== 'remote' || arrived.length === 0) return;
    const t = now();
    const known = historyLookup(doc, arrived);
    arrived = arrived.filter((h) => {
      if (!known(h)) return true;
      if (!seen.has(h)) seen.set(h, t);
      return false;
    });
  });
  return {
    index: spec.index,
    doc: () => handle.doc,
    type: (pos, char) => {
      handle.change((d) => richtext.insertText(d, pos, char));
      // After a local change the document has exactly one head: that change.
      return A.getHeads(handle.doc)[0];
    },
    pending: () => handle.pending,
    seen,
    received,
    close: () => client.close(),
  };
}

/** The reference: the same document (a copy of the converged one), the same changes, a bare relay. */
async function openReference(relayUrl: string, room: string, from: Typist): Promise<Typist> {
  const old = from.doc();
  let doc = A.clone(old, randomBytes(16).toString('hex'));
  from.close();
  // ~150 MB of WebAssembly memory per copy of the paper: give the SDK's copy back before the next clone.
  A.free(old);
  const socket: Socket = io(relayUrl, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  await socket.timeout(30_000).emitWithAck('join', room);
  const seen = new Map<string, number>();
  const received = new Map<string, number>();
  let incoming: Uint8Array[] = [];
  // As the SDK does: what arrived is applied with one call, in this client's apply turns (a pacer per client).
  const pacer = new ApplyPacer();
  socket.on('change', (bytes: Uint8Array) => {
    incoming.push(new Uint8Array(bytes));
    received.set(hashOf(incoming.at(-1)!), now());
    if (incoming.length > 1) return;
    pacer.schedule(() => {
      const batch = incoming;
      incoming = [];
      [doc] = A.applyChanges(doc, batch);
      const t = now();
      for (const c of batch) seen.set(hashOf(c), t);
    });
  });
  return {
    index: from.index,
    doc: () => doc,
    type: (pos, char) => {
      doc = A.change(doc, (d) => richtext.insertText(d, pos, char));
      socket.emit('change', { room, changes: A.getLastLocalChange(doc) });
      return A.getHeads(doc)[0];
    },
    pending: () => 0,
    seen,
    received,
    close: () => socket.close(),
  };
}

/** Every client types `perSecond` characters a second at its own cursor, staggered; late keystrokes are typed as soon as the loop is free. */
function typeFor(startAt: number, durationMs: number, perSecond: number, clients: number): void {
  typed.length = 0;
  for (const t of typists) t.received.clear();
  left.clear();
  acks.length = 0;
  const interval = 1000 / perSecond;
  const slipMs: number[] = [];
  const state = typists.map((t) => ({
    t,
    next: startAt + (t.index / clients) * interval,
    cursor: Math.floor(((t.index + 0.5) / clients) * t.doc().text.length),
    n: 0,
  }));
  const end = startAt + durationMs;
  const tick = () => {
    const t0 = now();
    for (const s of state) {
      while (s.next <= t0 && s.next < end) {
        const length = s.t.doc().text.length;
        const pos = Math.min(s.cursor, length);
        const hash = s.t.type(pos, String.fromCharCode(97 + ((s.t.index + s.n) % 26)));
        const sentAt = now();
        typed.push([hash, sentAt, s.t.index]);
        slipMs.push(sentAt - s.next);
        s.cursor = pos + 1;
        s.n++;
        s.next += interval;
      }
    }
    if (state.some((s) => s.next < end)) setTimeout(tick, 5);
    else {
      send({ type: 'typing-done', typed: typed.length, slipMs });
    }
  };
  setTimeout(tick, Math.max(0, startAt - now()));
}

function latencies(all: Array<[string, number, number]>, startAt: number): TypingReply {
  const out: number[] = [];
  const sendSeconds: number[] = [];
  const receivedLatencies: number[] = [];
  let notRelayed = 0;
  let missing = 0;
  for (const receiver of typists) {
    const doc = receiver.doc();
    for (const [hash, sentAt, typist] of all) {
      if (typist === receiver.index) continue;
      const at = receiver.seen.get(hash);
      if (at !== undefined) {
        out.push(Math.round((at - sentAt) * 100) / 100);
        sendSeconds.push(Math.floor((sentAt - startAt) / 1000));
        const got = receiver.received.get(hash);
        if (got !== undefined) receivedLatencies.push(Math.round((got - sentAt) * 100) / 100);
      } else if (holdsHeads(doc, [hash])) notRelayed++;
      else missing++;
    }
  }
  return { type: 'latencies', latencies: out, sendSeconds, receivedLatencies, notRelayed, missing };
}

async function handle(command: TypingCommand): Promise<void> {
  switch (command.type) {
    case 'open':
      for (const spec of command.clients) {
        const started = now();
        typists.push(await openTandem(command.docId, spec));
        send({ type: 'opened', index: spec.index, joinMs: Math.round(now() - started), joinRetries });
      }
      return send({ type: 'ready' });
    case 'reference-open':
      for (let i = 0; i < typists.length; i++) typists[i] = await openReference(command.relayUrl, command.room, typists[i]);
      return send({ type: 'ready' });
    case 'type':
      return typeFor(command.startAt, command.durationMs, command.perSecond, command.clients);
    case 'state':
      return send({
        type: 'state',
        clients: typists.map((t) => ({ index: t.index, textSha: sha(t.doc().text), textLength: t.doc().text.length, heads: A.getHeads(t.doc()).sort().join(), pending: t.pending() })),
      });
    case 'typed':
      return send({ type: 'typed', typed: [...typed], queuedMs: typed.flatMap(([h, t]) => (left.has(h) ? [left.get(h)! - t] : [])), ackMs: acks.splice(0) });
    case 'latencies':
      return send(latencies(command.typed, command.startAt));
    case 'close':
      for (const t of typists) t.close();
      setTimeout(() => process.exit(0), 100);
      return;
  }
}

process.on('message', (command: TypingCommand) => {
  handle(command).catch((error: Error) => send({ type: 'error', message: error.stack ?? error.message }));
});
process.on('disconnect', () => process.exit(0));
