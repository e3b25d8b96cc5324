import * as A from '@automerge/automerge';
import type { Ack, CommandAck, DocKindName, DocSyncState, DocsServerEvent, JoinAck, ResourceRole } from '@tandem/contracts';
import { createDoc, DocOfKind, joinChanges } from '@tandem/documents';
import { ApplyPacer } from './apply-pacing';
import { DocHandle } from './doc-handle';
import { DocOutboxEntry, DocStorage, MemoryDocStorage, PendingDoc } from './doc-storage';

/** What the documents API needs from the client's connection. */
export interface DocumentsTransport {
  connected(): boolean;
  join(docId: string, kind: DocKindName, heads: string[]): Promise<JoinAck>;
  leave(docId: string): void;
  command(message: { type: 'doc.change'; commandId: string; docId: string; kind: DocKindName; changes: Uint8Array; relayed?: true }): Promise<CommandAck>;
  docs<T>(message: Record<string, unknown>): Promise<Ack<T>>;
  userId(): Promise<string>;
  onStatus(listener: (s: 'connecting' | 'online' | 'offline') => void): void;
}

/** An error answered by the platform for a document (`code` as in `ProtocolErrorCode`). */
export class DocumentsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DocumentsError';
  }
}

interface Open {
  handle: DocHandle<DocKindName>;
  /** The app holds the handle (opened and not closed); one nobody holds stays until its outbox is durable. */
  held: boolean;
  inFlight: number;
  joined: boolean;
  /** Outbox writes, in order. */
  writes: Promise<void>;
  saveTimer?: ReturnType<typeof setTimeout>;
  gapTimer?: ReturnType<typeof setTimeout>;
  /** A gap (a doc.merged naming heads this device lacks) was seen while not joined: sync once the join is done. */
  gapWhileJoining?: boolean;
  /** A gap check waits for the relayed changes queued at its time to be applied (it reads the latest announced heads then). */
  gapChecking?: boolean;
  sentAt: Map<string, number>;
  /** Resends of each entry so far (the next waits RESEND_AFTER_MS × 2^n). */
  resends: Map<string, number>;
  /** Entries a gateway acknowledged (and so relayed to the room): resent with `relayed: true`. */
  acked: Set<string>;
  /** When the last command left, and the flush waiting for MIN_SEND_INTERVAL_MS after it. */
  lastSentAt: number;
  flushTimer?: ReturnType<typeof setTimeout>;
}

/**
 * Resend an entry the gateway took but the service has not announced durable after this long,
 * then after twice as long each time (at most RESEND_MAX_MS): a slow service is not a lost command.
 * A resend of an entry a gateway acknowledged says `relayed: true` (the room had it then), so the
 * gateway only publishes it; one never acknowledged is relayed like a first send.
 */
export const RESEND_AFTER_MS = 10_000;
export const RESEND_MAX_MS = 80_000;
const SAVE_DEBOUNCE_MS = 1_000;
const GAP_GRACE_MS = 500;
/**
 * Unacknowledged commands per document. With one, a keystroke reached the other clients only after
 * the previous keystroke's Kafka acknowledgement (measured in `bench/typing-scale.ts`: ~0.8 s queued
 * at the typist on a busy machine); the gateway and the docs service take changes out of order.
 */
export const MAX_IN_FLIGHT = 16;
/** While commands are unacknowledged, a new one leaves at most this often: bulk edits (a replay, a script) still go out in batches, under the socket's rate limit. */
export const MIN_SEND_INTERVAL_MS = 25;

/**
 * Collaborative documents: `open(id, kind)` gives a live {@link DocHandle}. Joining sends the
 * heads this device last synced to and gets exactly what it lacks; then the outbox (changes not
 * yet durable) is sent. Reconnects do the same; offline edits wait in the outbox, which survives
 * restarts with a persistent `storage`. A closed document keeps syncing until its outbox is durable,
 * and on every connect the outboxes the storage holds for documents not open (an earlier session's,
 * a tab closed offline) are sent too.
 */
export class DocumentsApi {
  private readonly open_ = new Map<string, Open>();
  /** Documents being loaded from storage and joined (one load per document, however many ask). */
  private readonly loading = new Map<string, Promise<Open>>();
  /** The last storage writes of documents released, which a reopen waits for before reading. */
  private readonly settling = new Map<string, Promise<void>>();
  /** Documents an `open()` is loading or joining right now (not to be released under it). */
  private readonly opening = new Map<string, number>();
  private resendTimer?: ReturnType<typeof setInterval>;
  /** One budget for applying remote changes, shared by every document of this client (see {@link ApplyPacer}). */
  private readonly pacer = new ApplyPacer();

  constructor(
    private readonly transport: DocumentsTransport,
    private readonly storage: DocStorage = new MemoryDocStorage(),
    private readonly newCommandId: () => string = () => globalThis.crypto.randomUUID(),
  ) {
    transport.onStatus((s) => {
      for (const o of this.open_.values()) {
        if (s === 'offline') o.handle.setStatus('offline');
        else if (s === 'connecting') {
          o.joined = false;
          o.inFlight = 0;
          if (o.handle.status !== 'offline') o.handle.setStatus('connecting');
        }
      }
    });
  }

  /**
   * Opens document `docId` of `kind` (created on first write if it does not exist): loads what this
   * device kept of it, joins its room and syncs. Rejects with a {@link DocumentsError}
   * (`FORBIDDEN`, `KIND_MISMATCH`, `UNAVAILABLE`, …) if it cannot join; offline, it resolves with
   * the local copy and syncs when the connection is back.
   */
  async open<K extends DocKindName>(docId: string, kind: K): Promise<DocHandle<K>> {
    // Counted while the load and join run: a doc.merged arriving meanwhile must not release it.
    this.opening.set(docId, (this.opening.get(docId) ?? 0) + 1);
    try {
      const o = await this.acquire(docId, kind);
      o.held = true;
      return o.handle as unknown as DocHandle<K>;
    } finally {
      const left = (this.opening.get(docId) ?? 1) - 1;
      if (left > 0) this.opening.set(docId, left);
      else this.opening.delete(docId);
    }
  }

  private async acquire(docId: string, kind: DocKindName): Promise<Open> {
    let o = this.open_.get(docId);
    if (!o) {
      let loading = this.loading.get(docId);
      if (!loading) {
        loading = this.load(docId, kind).finally(() => this.loading.delete(docId));
        this.loading.set(docId, loading);
      }
      o = await loading;
    }
    if (o.handle.kind !== kind) throw new DocumentsError('KIND_MISMATCH', `${docId} is open as ${o.handle.kind}, not ${kind}`);
    return o;
  }

  private async load(docId: string, kind: DocKindName): Promise<Open> {
    await this.settling.get(docId);
    const stored = await this.storage.load(docId);
    const actor = randomActor();
    const doc = stored?.doc ? A.load<DocOfKind[DocKindName]>(stored.doc, { actor }) : createDoc(kind, actor);
    let o: Open | undefined;
    const handle = new DocHandle<DocKindName>(docId, kind, doc, {
      userId: await this.transport.userId(),
      requestFlush: () => this.flush(docId),
      history: (message) => this.history(message),
      close: () => this.close(docId),
      newCommandId: this.newCommandId,
      changed: () => o && this.scheduleSave(o),
      pacer: this.pacer,
    });
    handle.syncedHeads = stored?.syncedHeads ?? [];
    handle.restorePending(stored?.outbox ?? []);
    o = { handle, held: false, inFlight: 0, joined: false, writes: Promise.resolve(), sentAt: new Map(), resends: new Map(), acked: new Set(), lastSentAt: 0 };
    this.open_.set(docId, o);
    this.resendTimer ??= setInterval(() => this.resendStale(), RESEND_AFTER_MS / 2);
    if (this.transport.connected()) {
      try {
        await this.join(o);
      } catch (error) {
        this.open_.delete(docId);
        throw error;
      }
    }
    return o;
  }

  /**
   * @internal After every (re)connect: rejoin every open document (closed ones still sending
   * included), then send its outbox; then, in the background, the outboxes kept for documents not open.
   */
  async resync(): Promise<void> {
    await Promise.all(
      [...this.open_.values()].map((o) =>
        this.join(o).catch((error: unknown) => {
          if (error instanceof DocumentsError && error.code === 'FORBIDDEN') {
            this.open_.delete(o.handle.docId);
            o.handle.applyAccess({ kicked: { reason: 'ACCESS_REVOKED', message: error.message } });
            return;
          }
          throw error;
        }),
      ),
    );
    void this.sendStored();
  }

  /** Opens each document whose outbox the storage holds (not opened by the app) until its changes are durable. */
  private async sendStored(): Promise<void> {
    let stored: PendingDoc[];
    try {
      stored = await this.storage.pending();
    } catch {
      return; // the next connect tries again
    }
    for (const { docId, kind } of stored) {
      if (this.open_.has(docId) || this.loading.has(docId) || !this.transport.connected()) continue;
      try {
        const o = await this.acquire(docId, kind);
        // Released once durable (merged) — or at once if nothing was left to send; after the tick, so an app opening it meanwhile holds it first.
        setTimeout(() => this.release(o), 0);
      } catch {
        // Refused (e.g. FORBIDDEN, KIND_MISMATCH) or unreachable: the changes stay on the device, and are refused or sent when the app opens it.
      }
    }
  }

  /** @internal Whether the document is open here (joined whenever connected). */
  isOpen(docId: string): boolean {
    return this.open_.has(docId);
  }

  /** @internal Events of documents from the gateway. */
  dispatch(event: DocsServerEvent): void {
    const o = this.open_.get(event.docId);
    if (!o) return;
    switch (event.type) {
      case 'doc.change':
        o.handle.receive(event.changes);
        break;
      case 'doc.merged': {
        const durable = event.commandIds.filter((id) => o.handle.pendingEntries.has(id));
        const missing = o.handle.merged(event.heads, event.commandIds);
        if (durable.length > 0) {
          for (const id of durable) {
            o.sentAt.delete(id);
            o.resends.delete(id);
            o.acked.delete(id);
          }
          o.writes = o.writes.then(() => this.storage.removeFromOutbox(o.handle.docId, durable)).catch(() => undefined);
        }
        if (missing) this.scheduleGapSync(o);
        this.release(o);
        break;
      }
      case 'doc.rejected':
        if (o.handle.pendingEntries.has(event.commandId)) {
          o.handle.rejected(event.commandId, event.code, event.message);
          o.sentAt.delete(event.commandId);
          o.resends.delete(event.commandId);
          o.acked.delete(event.commandId);
          o.writes = o.writes.then(() => this.storage.removeFromOutbox(o.handle.docId, [event.commandId])).catch(() => undefined);
        }
        this.release(o);
        break;
    }
  }

  /** @internal */
  applyAccess(docId: string, change: { role?: ResourceRole; kicked?: { reason: string; message: string } }): void {
    const o = this.open_.get(docId);
    if (!o) return;
    o.handle.applyAccess(change);
    if (change.kicked) this.open_.delete(docId);
  }

  /** Set by {@link shutdown}: a gap check still waiting for its apply sends nothing. */
  private shutDown = false;

  /** @internal */
  shutdown(): void {
    this.shutDown = true;
    clearInterval(this.resendTimer);
    for (const o of this.open_.values()) {
      clearTimeout(o.gapTimer);
      clearTimeout(o.flushTimer);
      if (o.saveTimer) {
        clearTimeout(o.saveTimer);
        void this.save(o);
      }
    }
  }

  /** Resolves once everything written to storage so far (outbox and documents) is on it. */
  async flushed(): Promise<void> {
    await Promise.all([...this.open_.values()].map((o) => o.writes));
  }

  private async join(o: Open): Promise<void> {
    const { handle } = o;
    const ack = await this.transport.join(handle.docId, handle.kind, handle.syncedHeads);
    if (!ack.ok) throw new DocumentsError(ack.error.code, ack.error.message);
    const state = ack.state as DocSyncState;
    if (state.kind !== 'doc.sync') throw new DocumentsError('INVALID_MESSAGE', `the gateway answered the join of ${handle.docId} without a document sync`);
    if (state.docKind !== handle.kind) throw new DocumentsError('KIND_MISMATCH', `${handle.docId} is a ${state.docKind} document, not ${handle.kind}; open it as ${state.docKind}`);
    handle.applyAccess({ role: ack.role });
    handle.applySync(state);
    o.joined = true;
    o.inFlight = 0;
    // What the service may lack: every change of ours not yet announced durable, oldest first.
    for (const entry of handle.pendingEntries.values()) this.send(o, entry);
    this.flush(handle.docId);
    handle.setStatus('synced');
    if (o.gapWhileJoining) {
      o.gapWhileJoining = false;
      this.scheduleGapSync(o);
    }
  }

  private flush(docId: string): void {
    const o = this.open_.get(docId);
    if (!o || !o.handle.hasBuffered) return;
    const online = o.joined && this.transport.connected();
    // Edits go out at once (peers get them from the gateway's relay, which must not wait for the
    // previous command's Kafka acknowledgement), at most every MIN_SEND_INTERVAL_MS while others are
    // unacknowledged and MAX_IN_FLIGHT at a time; what is typed meanwhile goes out together.
    if (online && o.inFlight > 0) {
      if (o.inFlight >= MAX_IN_FLIGHT) return;
      const wait = o.lastSentAt + MIN_SEND_INTERVAL_MS - Date.now();
      if (wait > 0) {
        o.flushTimer ??= setTimeout(() => {
          o.flushTimer = undefined;
          this.flush(docId);
        }, wait);
        return;
      }
    }
    for (const entry of o.handle.takeBuffered()) {
      o.writes = o.writes.then(() => this.storage.addToOutbox(docId, entry, o.handle.kind)).catch(() => undefined);
      if (online) this.send(o, entry);
    }
  }

  private send(o: Open, entry: DocOutboxEntry): void {
    o.inFlight++;
    o.lastSentAt = Date.now();
    o.sentAt.set(entry.commandId, Date.now());
    const { handle } = o;
    const relayed = o.acked.has(entry.commandId) ? { relayed: true as const } : {};
    this.transport.command({ type: 'doc.change', commandId: entry.commandId, docId: handle.docId, kind: handle.kind, changes: joinChanges(entry.changes), ...relayed }).then(
      (ack) => {
        o.inFlight = Math.max(0, o.inFlight - 1);
        if (ack.ok && handle.pendingEntries.has(entry.commandId)) o.acked.add(entry.commandId);
        if (!ack.ok) {
          switch (ack.error.code) {
            case 'RATE_LIMITED':
            case 'UNAVAILABLE':
            case 'INTERNAL':
              setTimeout(() => handle.pendingEntries.has(entry.commandId) && o.joined && this.send(o, entry), ack.error.retryAfterMs ?? 1_000);
              break;
            default:
              handle.rejected(entry.commandId, ack.error.code, ack.error.message);
              o.writes = o.writes.then(() => this.storage.removeFromOutbox(handle.docId, [entry.commandId])).catch(() => undefined);
              this.release(o);
          }
        }
        this.flush(handle.docId);
      },
      () => {
        // Timed out or disconnected: it stays in the outbox and goes again (resend timer or next join).
        o.inFlight = Math.max(0, o.inFlight - 1);
        if (o.joined) this.flush(handle.docId);
      },
    );
  }

  private resendStale(): void {
    const now = Date.now();
    for (const o of this.open_.values()) {
      if (!o.joined || !this.transport.connected()) continue;
      for (const entry of o.handle.pendingEntries.values()) {
        const at = o.sentAt.get(entry.commandId) ?? 0;
        const resends = o.resends.get(entry.commandId) ?? 0;
        if (now - at <= Math.min(RESEND_AFTER_MS * 2 ** resends, RESEND_MAX_MS)) continue;
        o.resends.set(entry.commandId, resends + 1);
        this.send(o, entry);
      }
    }
  }

  private scheduleGapSync(o: Open): void {
    if (o.gapTimer || o.gapChecking) return;
    o.gapTimer = setTimeout(() => {
      o.gapTimer = undefined;
      // Not joined yet (or any more): the join answers what is stored, but may have read it before
      // the merge that showed the gap; sync again once joined (a join without later events would
      // otherwise leave this device behind for good).
      if (!o.joined) {
        o.gapWhileJoining = true;
        return;
      }
      const { handle } = o;
      // The changes announced have usually arrived by relay meanwhile: sync only if they have not,
      // once those queued are applied in their turn (checks in the meantime are this one).
      o.gapChecking = true;
      handle.whenQueuedApplied(() => {
        o.gapChecking = false;
        if (this.open_.get(handle.docId) !== o || this.shutDown || !handle.missingAnnounced()) return;
        void this.transport.docs<{ state: DocSyncState }>({ type: 'doc.sync', docId: handle.docId, kind: handle.kind, heads: handle.syncedHeads }).then(
          (ack) => ack.ok && handle.applySync(ack.state),
          () => undefined,
        );
      });
    }, GAP_GRACE_MS);
  }

  private scheduleSave(o: Open): void {
    if (!this.storage.persistent || o.saveTimer) return;
    o.saveTimer = setTimeout(() => {
      o.saveTimer = undefined;
      void this.save(o);
    }, SAVE_DEBOUNCE_MS);
  }

  private save(o: Open): Promise<void> {
    const bytes = o.handle.save();
    const heads = o.handle.syncedHeads;
    o.writes = o.writes.then(() => this.storage.saveDoc(o.handle.docId, bytes, heads)).catch(() => undefined);
    return o.writes;
  }

  private async history<T>(message: Record<string, unknown>): Promise<T> {
    const ack = await this.transport.docs<T>(message);
    if (!ack.ok) throw new DocumentsError(ack.error.code, ack.error.message);
    return ack as T;
  }

  /** The app closed the handle: it leaves the room once nothing of it waits to be durable (changes made offline go when back). */
  private close(docId: string): void {
    const o = this.open_.get(docId);
    if (!o) return;
    o.held = false;
    this.release(o);
  }

  private release(o: Open): void {
    const { docId } = o.handle;
    if (o.held || this.opening.has(docId) || o.handle.pending > 0 || this.open_.get(docId) !== o) return;
    this.open_.delete(docId);
    clearTimeout(o.gapTimer);
    clearTimeout(o.flushTimer);
    clearTimeout(o.saveTimer);
    o.saveTimer = undefined;
    const written = this.storage.persistent ? this.save(o) : o.writes;
    this.settling.set(docId, written);
    void written.then(() => this.settling.get(docId) === written && this.settling.delete(docId));
    if (this.transport.connected()) this.transport.leave(docId);
  }
}

function randomActor(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
