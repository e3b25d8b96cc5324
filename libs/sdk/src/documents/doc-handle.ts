import * as A from '@automerge/automerge';
import type { DocKindName, DocSyncState, DocVersionView, ResourceRole } from '@tandem/contracts';
import { DocOfKind, DocumentError, changeOptions, holdsHeads, richtext, splitChanges } from '@tandem/documents';
import { ApplyPacer } from './apply-pacing';
import type { DocOutboxEntry } from './doc-storage';

/** `synced`: joined and up to date with the server; `connecting`: (re)joining; `offline`: no sync for 3 s (edits keep working and wait in the outbox). */
export type DocSyncStatus = 'connecting' | 'synced' | 'offline';

/** Why the document changed: this client's own edit, or changes from others (relayed or synced). */
export interface DocChangeInfo {
  origin: 'local' | 'remote';
}

/** What the handle needs from the client (wired by `DocumentsApi`). */
export interface DocHandleDeps {
  userId: string;
  /** Local changes are buffered: take them with `takeBuffered` when the connection can carry them. */
  requestFlush(): void;
  history<T>(message: Record<string, unknown>): Promise<T>;
  close(): void;
  newCommandId(): string;
  /** After every change of the document (kept even when the app's listeners are gone: the SDK saves it). */
  changed?(): void;
  /** When remote changes are applied: the client's pacer, shared by its documents (a pacer of the handle's own if none). */
  pacer?: ApplyPacer;
}

/** History of a document on the server: versions, views and diffs, and restores as a new change. */
export interface DocHistory {
  versions(options?: { gapMs?: number; maxChanges?: number }): Promise<DocVersionView[]>;
  /** The document as plain JSON at a version's heads. */
  view(heads: string[]): Promise<unknown>;
  diff(from: string[], to: string[]): Promise<unknown>;
  /** Makes the document read as at `heads` with one new change (later work stays in history); resolves once durable. */
  restore(heads: string[]): Promise<{ changed: boolean }>;
}

type Listener<K extends DocKindName> = (doc: A.Doc<DocOfKind[K]>, info: DocChangeInfo) => void;

/** Largest outbox entry (bytes of changes): a command must stay under the gateway's message limit. */
const ENTRY_MAX_BYTES = 384 * 1024;

/**
 * A collaborative document of kind `K`, live. Edit with the typed operations of `@tandem/documents`:
 *
 * ```ts
 * const doc = await client.documents.open('plan', 'richtext');
 * doc.change((d) => richtext.insertText(d, 0, 'Hello'));
 * doc.onChange((current, { origin }) => render(current));
 * await doc.whenDurable();
 * ```
 *
 * Local edits apply at once; they are relayed to the room immediately and kept in an outbox (on
 * disk or IndexedDB when the client has a persistent `documents.storage`) until the docs service
 * announces them durable. Remote changes are applied in batches (one Automerge call per tick).
 */
export class DocHandle<K extends DocKindName> {
  /** This user's role on the document. */
  role: ResourceRole | null = null;
  /** Set when access was removed: the handle gets no more updates. */
  kicked: { reason: string; message: string } | null = null;
  private _doc: A.Doc<DocOfKind[K]>;
  private _status: DocSyncStatus = 'connecting';
  private buffer: Uint8Array[] = [];
  /**
   * The document just before the first local change not yet in {@link buffer} (null: none). Only
   * local changes are made on top of it until {@link seal} takes them out, all at once: one
   * `getChanges` per tick costs a third of one `getLastLocalChange` per keystroke.
   */
  private unsealedFrom: A.Doc<DocOfKind[K]> | null = null;
  private unsealed = 0;
  private incoming: Uint8Array[] = [];
  private incomingScheduled = false;
  /** When remote changes are applied (see {@link ApplyPacer}: one per client). */
  private readonly pacer: ApplyPacer;
  private flushScheduled = false;
  private readonly listeners = new Set<Listener<K>>();
  private readonly statusListeners = new Set<(s: DocSyncStatus) => void>();
  private readonly durableWaiters: Array<() => void> = [];
  /** Outbox entries not yet durable, by command id. */
  readonly pendingEntries = new Map<string, DocOutboxEntry>();
  /** The server heads this client has everything of (sent on join). */
  syncedHeads: string[] = [];

  /** @internal */
  constructor(
    readonly docId: string,
    readonly kind: K,
    doc: A.Doc<DocOfKind[K]>,
    private readonly deps: DocHandleDeps,
  ) {
    this._doc = doc;
    this.pacer = deps.pacer ?? new ApplyPacer();
  }

  /** The current document (immutable; read it with the views of `@tandem/documents`). */
  get doc(): A.Doc<DocOfKind[K]> {
    return this._doc;
  }

  get status(): DocSyncStatus {
    return this._status;
  }

  /** Local changes not yet durable on the server. */
  get pending(): number {
    let n = this.buffer.length + this.unsealed;
    for (const e of this.pendingEntries.values()) n += e.changes.length;
    return n;
  }

  /** History of this document on the server. */
  readonly history: DocHistory = {
    versions: async (options = {}) => (await this.deps.history<{ versions: DocVersionView[] }>({ type: 'doc.versions', docId: this.docId, ...options })).versions,
    view: async (heads) => (await this.deps.history<{ doc: unknown }>({ type: 'doc.view', docId: this.docId, heads })).doc,
    diff: async (from, to) => (await this.deps.history<{ diff: unknown }>({ type: 'doc.diff', docId: this.docId, from, to })).diff,
    restore: async (heads) => {
      const commandId = this.deps.newCommandId();
      const durable = this.waitForCommand(commandId);
      const { changed } = await this.deps.history<{ changed: boolean }>({ type: 'doc.restore', docId: this.docId, heads, commandId });
      if (changed) await durable;
      else this.commandWaiters.delete(commandId);
      return { changed };
    },
  };

  /**
   * One atomic edit: `mutate` runs the operations of `@tandem/documents` on a draft (e.g.
   * `(d) => kanban.moveCard(d, cardId, columnId, 0)`). Throws the operation's `DocumentError`
   * (nothing is changed then).
   */
  change(mutate: (draft: DocOfKind[K]) => void): void {
    if (this.role === 'viewer' || this.role === 'commenter') throw new DocumentError('invalid-argument', `you are ${this.role} of ${this.docId}: you cannot edit it`);
    const next = A.change(this._doc, changeOptions(this.deps.userId), mutate);
    // Automerge hands back the same document when the mutation made no operation.
    if (next === this._doc) return;
    this.unsealedFrom ??= this._doc;
    this.unsealed++;
    this._doc = next;
    this.scheduleFlush();
    this.emit('local');
  }

  /**
   * An edit made against an earlier state, `heads` (e.g. an editor that reconciles late): the
   * change depends only on that version and merges with everything since like a concurrent edit.
   * Returns the heads of the new change (to chain further edits on it).
   */
  changeAt(heads: string[], mutate: (draft: DocOfKind[K]) => void): string[] {
    if (this.role === 'viewer' || this.role === 'commenter') throw new DocumentError('invalid-argument', `you are ${this.role} of ${this.docId}: you cannot edit it`);
    this.seal();
    const before = A.getHeads(this._doc).join();
    const { newDoc, newHeads } = A.changeAt(this._doc, heads, changeOptions(this.deps.userId), mutate);
    if (A.getHeads(newDoc).join() === before || !newHeads) return heads;
    this._doc = newDoc;
    this.buffer.push(A.getLastLocalChange(newDoc)!);
    this.scheduleFlush();
    this.emit('local');
    return newHeads;
  }

  /**
   * Pastes `text` into a rich-text document at `at` as several changes of at most `maxBytes`
   * each (sent one after another, so a 5 MB paste never holds up the room); it stays contiguous
   * even if others type meanwhile.
   */
  paste(this: DocHandle<'richtext'>, at: richtext.Position, text: string, maxBytes?: number): void {
    for (const step of richtext.pasteInChunks(at, text, maxBytes)) this.change(step);
  }

  /** Calls `listener` after every change of {@link doc}; returns a function that stops it. */
  onChange(listener: Listener<K>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` on every change of {@link status}. */
  onStatus(listener: (s: DocSyncStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Resolves once every local change made so far is durable on the server. */
  whenDurable(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.durableWaiters.push(resolve));
  }

  /**
   * Stops receiving updates. Changes not yet durable keep going out (when the connection is back, if
   * offline) and the SDK leaves the document once they are; a persistent storage also keeps them for the next session.
   */
  close(): void {
    this.deps.close();
    this.listeners.clear();
  }

  // ---- wiring (called by DocumentsApi) --------------------------------------------------------

  private readonly commandWaiters = new Map<string, () => void>();

  private waitForCommand(commandId: string): Promise<void> {
    return new Promise((resolve) => this.commandWaiters.set(commandId, resolve));
  }

  /** @internal Applies a join or gap sync. */
  applySync(state: DocSyncState): void {
    if (state.changes.byteLength > 0) {
      this.seal();
      const before = A.getHeads(this._doc).join();
      this._doc = A.loadIncremental(this._doc, state.changes);
      if (A.getHeads(this._doc).join() !== before) this.emit('remote');
    }
    if (holdsHeads(this._doc, state.heads)) this.syncedHeads = state.heads;
    this.holdsAnnounced();
  }

  /**
   * @internal Relayed changes (concatenated): queued and applied together in the client's next apply
   * turn (which also times the listeners): at once after a quiet spell, else once the pause after the
   * last turn is over (see {@link ApplyPacer}).
   */
  receive(changes: Uint8Array): void {
    // The gateway relays a command before the docs service has checked it: bytes that are not
    // Automerge changes are dropped here (the service refuses them, and their sender is told).
    let split: Uint8Array[];
    try {
      split = splitChanges(changes);
    } catch {
      return;
    }
    this.incoming.push(...split);
    if (this.incomingScheduled) return;
    this.incomingScheduled = true;
    this.pacer.schedule(() => this.applyIncoming());
  }

  /**
   * @internal The server stored a batch: settle the commands now durable; true if this device does
   * not hold the announced heads yet. Relayed changes still queued are not applied here (on a long
   * history every apply costs the same whatever it carries): they go with the tick's batch, and
   * {@link stillMissing} tells later whether a sync is needed.
   */
  merged(heads: string[], commandIds: string[]): boolean {
    for (const id of commandIds) {
      this.pendingEntries.delete(id);
      this.commandWaiters.get(id)?.();
      this.commandWaiters.delete(id);
    }
    if (this.pending === 0) for (const w of this.durableWaiters.splice(0)) w();
    this.announcedHeads = heads;
    return !this.holdsAnnounced();
  }

  /**
   * @internal Calls `then` once the relayed changes queued now have been applied, in the pacer's
   * turn (at once if none are queued). A check of the announced heads waits for it rather than
   * applying the queue out of turn: in a busy room nearly every `doc.merged` names changes still
   * queued, and on a long history each extra apply costs as much as the tick's own (a quarter of a
   * fan-out client's time went to such applies: bench/docs-fanout.ts profile, BENCHMARKS.md).
   */
  whenQueuedApplied(then: () => void): void {
    if (this.incoming.length === 0) then();
    else this.afterApply.push(then);
  }

  /** @internal True if the heads of the last `doc.merged` are not in this device's document (a sync is needed). */
  missingAnnounced(): boolean {
    return !this.holdsAnnounced();
  }

  private afterApply: Array<() => void> = [];

  /** The heads of the last `doc.merged` (null once this device holds them). */
  private announcedHeads: string[] | null = null;

  private holdsAnnounced(): boolean {
    if (!this.announcedHeads) return true;
    if (!holdsHeads(this._doc, this.announcedHeads)) return false;
    this.syncedHeads = this.announcedHeads;
    this.announcedHeads = null;
    return true;
  }

  /** @internal */
  setStatus(status: DocSyncStatus): void {
    if (status === this._status) return;
    this._status = status;
    for (const l of this.statusListeners) l(status);
  }

  /** @internal Changes made before this session (loaded from storage) that are not durable yet. */
  restorePending(entries: DocOutboxEntry[]): void {
    for (const e of entries) this.pendingEntries.set(e.commandId, e);
    const changes = entries.flatMap((e) => e.changes);
    this.seal();
    if (changes.length > 0) [this._doc] = A.applyChanges(this._doc, changes);
  }

  /** @internal Moves buffered local changes into outbox entries (called on the next tick). */
  takeBuffered(): DocOutboxEntry[] {
    this.seal();
    const entries: DocOutboxEntry[] = [];
    let current: Uint8Array[] = [];
    let bytes = 0;
    for (const change of this.buffer) {
      if (current.length > 0 && bytes + change.byteLength > ENTRY_MAX_BYTES) {
        entries.push({ commandId: this.deps.newCommandId(), changes: current });
        current = [];
        bytes = 0;
      }
      current.push(change);
      bytes += change.byteLength;
    }
    if (current.length > 0) entries.push({ commandId: this.deps.newCommandId(), changes: current });
    this.buffer = [];
    for (const e of entries) this.pendingEntries.set(e.commandId, e);
    return entries;
  }

  /** @internal */
  save(): Uint8Array {
    return A.save(this._doc);
  }

  /** @internal */
  applyAccess(change: { role?: ResourceRole; kicked?: { reason: string; message: string } }): void {
    if (change.role) this.role = change.role;
    if (change.kicked) this.kicked = change.kicked;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Everything changed in this tick goes out together.
    setTimeout(() => {
      this.flushScheduled = false;
      this.deps.requestFlush();
    }, 0);
  }

  /** @internal */
  get hasBuffered(): boolean {
    return this.buffer.length > 0 || this.unsealed > 0;
  }

  /** Moves the local changes made since {@link unsealedFrom} into the buffer (before anything else changes the document). */
  private seal(): void {
    if (!this.unsealedFrom) return;
    for (const change of A.getChanges(this.unsealedFrom, this._doc)) this.buffer.push(change);
    this.unsealedFrom = null;
    this.unsealed = 0;
  }

  /** @internal A rejected command: its changes stay in the document here but will never be stored. */
  rejected(commandId: string, code: string, message: string): void {
    this.pendingEntries.delete(commandId);
    for (const l of this.rejectListeners) l({ commandId, code, message });
    if (this.pending === 0) for (const w of this.durableWaiters.splice(0)) w();
  }

  private readonly rejectListeners = new Set<(r: { commandId: string; code: string; message: string }) => void>();

  /** Calls `listener` when the platform refuses some of this client's changes (e.g. `FORBIDDEN` after losing edit rights). */
  onRejected(listener: (r: { commandId: string; code: string; message: string }) => void): () => void {
    this.rejectListeners.add(listener);
    return () => this.rejectListeners.delete(listener);
  }

  private applyIncoming(): void {
    this.incomingScheduled = false;
    if (this.incoming.length === 0) return;
    const changes = this.incoming;
    this.incoming = [];
    this.seal();
    // One call for everything that arrived since the last apply: the cost per call follows the text's length.
    this._doc = applyRelayed(this._doc, changes);
    this.holdsAnnounced();
    this.emit('remote');
    const waiting = this.afterApply;
    this.afterApply = [];
    for (const then of waiting) then();
  }

  private emit(origin: DocChangeInfo['origin']): void {
    this.deps.changed?.();
    for (const l of this.listeners) l(this._doc, { origin });
  }
}

/**
 * Applies relayed changes in one call; if Automerge refuses the batch (a change that is not valid:
 * relays are not checked before they reach the room), each change is applied alone and those it
 * refuses are dropped, so one bad change loses none of the others.
 */
function applyRelayed<T>(doc: A.Doc<T>, changes: Uint8Array[]): A.Doc<T> {
  try {
    return A.applyChanges(doc, changes)[0];
  } catch {
    for (const change of changes) {
      try {
        [doc] = A.applyChanges(doc, [change]);
      } catch {
        // Refused: the docs service refuses it too (`doc.rejected` to the room, its sender included).
      }
    }
    return doc;
  }
}
