/**
 * One load generator of `bench/docs-fanout.ts`: a share of the clients (every GENERATORS-th one, so
 * each room has members in every generator process), all on one system under test:
 *   tandem      `TandemClient` → `documents.open(id, 'richtext')` → `handle.change(insertText)`;
 *   relay       the same Automerge changes (same library, same kind) sent to a bare Socket.IO relay;
 *   hocuspocus  `HocuspocusProvider` + `Y.Text.insert` against a Hocuspocus server.
 * Every edit inserts `<sender>.<seq>@<ms>;` at position 0, `<ms>` being the sender's wall clock
 * (`performance.timeOrigin + now()`, the same machine clock in every process). A peer counts an edit
 * as delivered when it appears in its own document (after the Automerge or Yjs update was applied),
 * and records now − `<ms>` in a histogram (1 % buckets), so the parent can merge percentiles.
 * Protocol over IPC: child → `ready`; parent → `start {at}`; child → `progress` every 2 s; parent →
 * `finish`; child → `done`.
 */
import * as A from '@automerge/automerge';
import { HocuspocusProvider } from '@hocuspocus/provider';
import { changeOptions, createDoc, richtext, splitChanges } from '@tandem/documents';
import { signToken } from '@tandem/platform';
import { TandemClient } from '@tandem/sdk';
import { io, Socket } from 'socket.io-client';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { ApplyPacer } from '../../libs/sdk/src/documents/apply-pacing';
import { bucketOf } from './stats';

export type FanoutSystem = 'tandem' | 'relay' | 'hocuspocus';

export interface FanoutOptions {
  system: FanoutSystem;
  url: string;
  /** Signs the Tandem clients' tokens. */
  jwtSecret: string;
  tenant: string;
  docPrefix: string;
  clients: number;
  roomSize: number;
  generators: number;
  generator: number;
  durationSeconds: number;
}

export type FanoutMessage =
  | { type: 'ready'; clients: number; connectSeconds: number }
  | { type: 'progress'; sent: number; received: number; pending: number }
  | { type: 'done'; sent: number; arrived: DeliveryReport; applied: DeliveryReport; cpuSeconds: number; durable: { checked: number; pending: number } | null; late: number; maxLagMs: number }
  | { type: 'failed'; message: string };

/** Deliveries of one kind seen by a generator's clients: counts and a latency histogram (see `bucketOf`). */
export interface DeliveryReport {
  received: number;
  duplicates: number;
  histogram: Record<string, number>;
  maxMs: number;
}

/** One client, whatever the system: how it edits, and how it leaves. */
interface Member {
  index: number;
  edit(marker: string): void;
  /** Tandem only: local changes not yet durable. */
  pending?(): number;
  close(): void;
}

const send = (m: FanoutMessage) => process.send?.(m);
const now = () => performance.timeOrigin + performance.now();
const MARKER = /(\d+)\.(\d+)@(\d+(?:\.\d+)?);/g;

const opts = JSON.parse(process.env.FANOUT_OPTIONS ?? '{}') as FanoutOptions;
const maxSeq = opts.durationSeconds + 5;

/** Deliveries of one kind (arrival on the socket, or applied to the document), deduplicated per receiver. */
class Deliveries {
  readonly histogram = new Map<number, number>();
  maxMs = 0;
  received = 0;
  duplicates = 0;
  /** Per receiving client: one byte per (sender in room, seq), so a duplicate is counted, not timed twice. */
  private readonly seen = new Map<number, Uint8Array>();

  record(receiver: number, text: string, at: number): void {
    let marks = this.seen.get(receiver);
    if (!marks) this.seen.set(receiver, (marks = new Uint8Array(opts.roomSize * maxSeq)));
    for (const m of text.matchAll(MARKER)) {
      const sender = Number(m[1]);
      const seq = Number(m[2]);
      if (sender === receiver || seq >= maxSeq) continue;
      const slot = (sender % opts.roomSize) * maxSeq + seq;
      if (marks[slot]) {
        this.duplicates++;
        continue;
      }
      marks[slot] = 1;
      this.received++;
      const ms = Math.max(at - Number(m[3]), 0.001);
      if (ms > this.maxMs) this.maxMs = ms;
      const bucket = bucketOf(ms);
      this.histogram.set(bucket, (this.histogram.get(bucket) ?? 0) + 1);
    }
  }

  report(): DeliveryReport {
    return { received: this.received, duplicates: this.duplicates, histogram: Object.fromEntries(this.histogram), maxMs: this.maxMs };
  }
}

/** The edit as it arrives on the wire (Automerge changes and Yjs updates this small hold the inserted text verbatim). */
const arrived = new Deliveries();
/** The edit as it appears in the peer's document (after the CRDT update was applied). */
const applied = new Deliveries();
let sent = 0;
const wireText = (bytes: Uint8Array | ArrayBuffer) => Buffer.from(bytes as Uint8Array).toString('latin1');

const docOf = (index: number) => `${opts.docPrefix}-${Math.floor(index / opts.roomSize)}`;

/** Text inserted by the splices of Automerge patches (what a peer's editor would render). */
function insertedText(patches: A.Patch[]): string {
  let text = '';
  for (const p of patches) if (p.action === 'splice') text += p.value;
  return text;
}

async function tandemMember(index: number): Promise<Member> {
  const token = await signToken(opts.jwtSecret, { sub: `u-${index}`, tenant: opts.tenant });
  const client = new TandemClient({ url: opts.url, getToken: () => token, ackTimeoutMs: 30_000 });
  await client.ready();
  const handle = await client.documents.open(docOf(index), 'richtext');
  let heads = A.getHeads(handle.doc);
  handle.onChange((doc, { origin }) => {
    const next = A.getHeads(doc);
    if (origin === 'remote') applied.record(index, insertedText(A.diff(doc, heads, next)), now());
    heads = next;
  });
  // Instrumentation only: the SDK's own socket, to time the relayed change's arrival before the SDK applies it.
  const socket = (client as unknown as { socket: Socket }).socket;
  socket.on('event', (event: { type?: string; changes?: Uint8Array }) => {
    if (event.type === 'doc.change' && event.changes) arrived.record(index, wireText(event.changes), now());
  });
  return { index, edit: (marker) => handle.change((d) => richtext.insertText(d, 0, marker)), pending: () => handle.pending, close: () => client.close() };
}

async function relayMember(index: number): Promise<Member> {
  const socket: Socket = io(opts.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const room = docOf(index);
  await socket.timeout(30_000).emitWithAck('join', room);
  let doc = createDoc('richtext', randomActor());
  let heads = A.getHeads(doc);
  let incoming: Uint8Array[] = [];
  // As the SDK does: what arrived is applied with one call, in this client's apply turns (a pacer per client).
  const pacer = new ApplyPacer();
  const apply = () => {
    const changes = incoming;
    incoming = [];
    [doc] = A.applyChanges(doc, changes);
    const next = A.getHeads(doc);
    applied.record(index, insertedText(A.diff(doc, heads, next)), now());
    heads = next;
  };
  socket.on('change', (bytes: Buffer) => {
    arrived.record(index, wireText(bytes), now());
    if (incoming.length === 0) pacer.schedule(apply);
    incoming.push(...splitChanges(new Uint8Array(bytes)));
  });
  return {
    index,
    edit: (marker) => {
      doc = A.change(doc, changeOptions(`u-${index}`), (d) => richtext.insertText(d, 0, marker));
      heads = A.getHeads(doc);
      socket.emit('change', { room, changes: A.getLastLocalChange(doc) }, () => undefined);
    },
    close: () => socket.close(),
  };
}

async function hocuspocusMember(index: number): Promise<Member> {
  const document = new Y.Doc();
  const text = document.getText('text');
  text.observe((event) => {
    if (event.transaction.local) return;
    const at = now();
    let inserted = '';
    for (const d of event.delta) if (typeof d.insert === 'string') inserted += d.insert;
    applied.record(index, inserted, at);
  });
  const provider = new HocuspocusProvider({
    url: opts.url,
    name: docOf(index),
    document,
    awareness: null,
    WebSocketPolyfill: WebSocket,
    // Called by the provider ({ event }) and by the websocket it creates (the event itself): the first one times the arrival.
    onMessage: (p: { event?: MessageEvent; data?: unknown }) => {
      const data = p?.event?.data ?? p?.data;
      if (data) arrived.record(index, wireText(data as Uint8Array), now());
    },
  } as ConstructorParameters<typeof HocuspocusProvider>[0]);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hocuspocus client ${index} not synced within 30 s`)), 30_000);
    provider.on('synced', () => (clearTimeout(timer), resolve()));
  });
  return { index, edit: (marker) => text.insert(0, marker), close: () => provider.destroy() };
}

function randomActor(): string {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

const connectors: Record<FanoutSystem, (index: number) => Promise<Member>> = { tandem: tandemMember, relay: relayMember, hocuspocus: hocuspocusMember };

async function run(): Promise<void> {
  let startAt: (at: number) => void = () => undefined;
  let finish: () => void = () => undefined;
  const started = new Promise<number>((resolve) => (startAt = resolve));
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let stopped = false;
  process.on('message', (m: { at?: number; finish?: boolean }) => {
    if (m.at !== undefined) startAt(m.at);
    if (m.finish) (stopped = true), finish();
  });
  const mine: number[] = [];
  for (let i = opts.generator; i < opts.clients; i += opts.generators) mine.push(i);
  const connected = performance.now();
  const members: Member[] = [];
  for (let i = 0; i < mine.length; i += 10) members.push(...(await Promise.all(mine.slice(i, i + 10).map((index) => connectors[opts.system](index)))));
  send({ type: 'ready', clients: members.length, connectSeconds: (performance.now() - connected) / 1000 });
  const start = await started;
  const cpuBefore = process.cpuUsage();
  // Each client edits once a second at its own phase (spread over the second), DURATION times.
  const phase = members.map(() => Math.random() * 1000);
  const seq = members.map(() => 0);
  let late = 0;
  let maxLagMs = 0;
  const pending = () => members.reduce((n, m) => n + (m.pending?.() ?? 0), 0);
  const progress = setInterval(() => send({ type: 'progress', sent, received: applied.received, pending: pending() }), 1000);
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const t = now();
      let left = 0;
      members.forEach((m, k) => {
        if (seq[k] >= opts.durationSeconds || stopped) return;
        left++;
        const due = start + phase[k] + seq[k] * 1000;
        if (t < due) return;
        if (t - due > 100) late++;
        maxLagMs = Math.max(maxLagMs, t - due);
        m.edit(`${m.index}.${seq[k]}@${now().toFixed(2)};`);
        seq[k]++;
        sent++;
      });
      if (left === 0) (clearInterval(tick), resolve());
    }, 5);
  });
  await finished; // the parent saw everything arrive, or gave up waiting
  clearInterval(progress);
  const cpu = process.cpuUsage(cpuBefore);
  const durable = opts.system === 'tandem' ? { checked: members.length, pending: pending() } : null;
  // Flushed to the parent before this process may exit (a large report takes a while to pass over IPC).
  await new Promise<void>((resolve) => process.send!({ type: 'done', sent, arrived: arrived.report(), applied: applied.report(), cpuSeconds: (cpu.user + cpu.system) / 1e6, durable, late, maxLagMs } satisfies FanoutMessage, () => resolve()));
  for (const m of members) m.close();
}

run().then(
  () => setTimeout(() => process.exit(0), 200),
  (error: Error) => {
    send({ type: 'failed', message: error.stack ?? error.message });
    setTimeout(() => process.exit(1), 200);
  },
);
