import type { ChatRequest, ClientCommand, ClientToServerEvents, CommandAck, JoinAck, KickReason, ProtocolError, ServerEvent, ServerToClientEvents } from '@tandem/contracts';
import { io, Socket } from 'socket.io-client';
import { ChatApi } from './chat';
import { CounterHandle } from './counter';
import { MemoryOutboxStorage, Outbox, OutboxStorage } from './outbox';
import { NotificationsApi } from './notifications';
import { PresenceApi } from './presence';
import { FilesApi } from './files';
import { StatsApi } from './stats';
import { AccessApi } from './access';
import { withByteArrays } from './binary';
import { DocumentsApi } from './documents/documents';
import type { DocStorage } from './documents/doc-storage';

/** `online`: connected and in sync; `connecting`: (re)connecting; `offline`: disconnected for more than 3 s. */
export type ConnectionState = 'connecting' | 'online' | 'offline';

export interface TandemClientOptions {
  /** The gateway's URL, e.g. `http://localhost:3000`. */
  url: string;
  /** Returns a valid token; called on every (re)connect, so it may refresh. */
  getToken: () => string | Promise<string>;
  /** Names this device to others (e.g. "phone", "laptop"). */
  device?: string;
  /** Where unacknowledged commands wait; memory by default, `LocalStorageOutboxStorage` in browsers. */
  outbox?: OutboxStorage;
  /** How long to wait for an acknowledgement before treating the command as unsent (it stays queued). */
  ackTimeoutMs?: number;
  /**
   * Where documents and their outboxes are kept on this device: memory by default,
   * `IndexedDbDocStorage` in browsers, `FileDocStorage` (from `@tandem/sdk/node`) in Node.
   */
  documents?: DocStorage;
}

export interface CounterOptions {
  /** A share-link token granting a role on this document. */
  link?: string;
}

/** An error the platform answered with; `code` says what kind (see `ProtocolErrorCode`). */
export class TandemError extends Error {
  constructor(readonly code: ProtocolError['code'], message: string) {
    super(message);
    this.name = 'TandemError';
  }
}

const OFFLINE_AFTER_MS = 3_000;

/** The user id (`sub`) of a JWT, read without verifying it (the gateway does that): authors of changes. */
function subjectOf(token: string): string {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = typeof atob === 'function' ? atob(payload) : Buffer.from(payload, 'base64').toString('utf8');
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub : 'unknown';
  } catch {
    return 'unknown';
  }
}

function newCommandId(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * The Tandem client for browsers and Node. Connects with exponential backoff and jitter, asks for a
 * fresh token on every reconnect, rejoins its documents and resends its outbox after a reconnect.
 */
export class TandemClient {
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  /** Presence: status, typing, cursors, rosters and followed users. */
  readonly presence: PresenceApi;
  /** Files: uploads with progress and resume, lists, read URLs and file events. */
  readonly files: FilesApi;
  /** Game statistics: live match boards, leaderboards, player profiles. */
  readonly stats: StatsApi;
  /** Notifications: live, caught up on reconnect, the unread badge, inbox and preferences. */
  readonly notifications: NotificationsApi;
  /** Chat: channels, DMs, messages, threads, reactions, unread state and search, caught up exactly on reconnect. */
  readonly chat: ChatApi;
  /** Access to documents: ACLs, grants, workspace access and share links. */
  readonly access: AccessApi;
  /** Collaborative documents: rich text, whiteboards, kanban boards, counters (`documents.open(id, kind)`). */
  readonly documents: DocumentsApi;
  private readonly outbox: Outbox;
  private readonly counters = new Map<string, CounterHandle>();
  private readonly waiters = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private readonly kickListeners = new Set<(reason: KickReason, message: string) => void>();
  private readonly links = new Map<string, string>();
  private offlineTimer?: ReturnType<typeof setTimeout>;
  private _state: ConnectionState = 'connecting';
  private closed = false;
  /** The browser reported its network gone (`offline` event) and not yet back: no reconnect is tried meanwhile. */
  private browserOffline = false;

  constructor(private readonly options: TandemClientOptions) {
    this.outbox = new Outbox(options.outbox ?? new MemoryOutboxStorage());
    this.socket = io(options.url, {
      transports: ['websocket'],
      reconnectionDelay: 250,
      reconnectionDelayMax: 5_000,
      randomizationFactor: 0.5,
      auth: (cb) => {
        void Promise.resolve(options.getToken()).then((token) => cb({ token, ...(options.device ? { device: options.device } : {}) }));
      },
    });
    this.presence = new PresenceApi(
      (message) => this.socket.timeout(options.ackTimeoutMs ?? 10_000).emitWithAck('presence', message),
      (message) => {
        if (!this.socket.connected) return 'disconnected';
        // What socket.io-client checks before it drops a volatile packet (it does not say it did).
        if (!this.socket.io.engine?.transport?.writable) return 'busy';
        this.socket.volatile.emit('presence', message);
        return 'sent';
      },
    );
    this.files = new FilesApi(options.url.replace(/\/$/, ''), options.getToken);
    this.access = new AccessApi(options.url.replace(/\/$/, ''), options.getToken);
    this.stats = new StatsApi(
      (resource) => this.socket.timeout(options.ackTimeoutMs ?? 10_000).emitWithAck('join', { type: 'join', resource }),
      (resource) => this.socket.connected && this.socket.emit('leave', { type: 'leave', resource }, () => undefined),
      (method, path, body) => this.statsHttp(method, path, body),
    );
    this.notifications = new NotificationsApi((message) => this.socket.timeout(options.ackTimeoutMs ?? 10_000).emitWithAck('notifications', message));
    this.chat = new ChatApi(
      (message) => this.socket.timeout(options.ackTimeoutMs ?? 10_000).emitWithAck('chat', message as ChatRequest),
      (command) => this.send(command),
    );
    const ackTimeout = () => this.socket.timeout(options.ackTimeoutMs ?? 10_000);
    this.documents = new DocumentsApi(
      {
        connected: () => this.socket.connected,
        join: (docId, kind, heads) => {
          const link = this.links.get(docId);
          // Browsers get binary as ArrayBuffer (Node as Buffer): the document code wants Uint8Array.
          return ackTimeout().emitWithAck('join', { type: 'join', resource: { kind: 'doc', id: docId }, doc: { kind, heads }, ...(link ? { link } : {}) }).then(withByteArrays);
        },
        leave: (docId) => this.socket.connected && this.socket.emit('leave', { type: 'leave', resource: { kind: 'doc', id: docId } }, () => undefined),
        command: (message) => ackTimeout().emitWithAck('command', message),
        docs: (message) => ackTimeout().emitWithAck('docs', message as never).then(withByteArrays) as never,
        userId: async () => subjectOf(await options.getToken()),
        onStatus: (listener) => this.onStateChange(listener),
      },
      options.documents,
    );
    this.socket.on('connect', () => void this.resync());
    this.socket.on('disconnect', () => this.setState('connecting'));
    this.socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      this.setState('connecting');
      // A refused handshake is not retried by Socket.IO itself; retry ones a fresh token may fix.
      if (error.data?.code === 'TOKEN_EXPIRED' || error.data?.code === 'LIMIT_EXCEEDED') {
        setTimeout(() => !this.closed && !this.browserOffline && !this.socket.connected && this.socket.connect(), 1_000 + Math.random() * 1_000);
      }
    });
    this.socket.on('event', (event) => this.onEvent(event));
    if (typeof window !== 'undefined' && typeof window.addEventListener === 'function') {
      window.addEventListener('offline', this.onBrowserOffline);
      window.addEventListener('online', this.onBrowserOnline);
    }
  }

  /**
   * A browser knows its network is gone long before a ping times out (25 s + 20 s): drop the socket at
   * once, so the state turns `offline` after 3 s and commands wait in the outbox. No reconnect is
   * tried until the browser reports its network back: an attempt that got through a network going
   * down (or a socket the browser's offline mode does not cut) would show `online` to someone offline.
   */
  private readonly onBrowserOffline = () => {
    if (this.closed) return;
    this.browserOffline = true;
    this.socket.disconnect(); // also cancels a reconnect already scheduled
  };

  /** The network is back: connect at once (Socket.IO's backoff takes over if that fails). */
  private readonly onBrowserOnline = () => {
    if (this.closed || !this.browserOffline) return;
    this.browserOffline = false;
    if (!this.socket.connected) this.socket.connect();
  };

  /** The connection state; see {@link ConnectionState}. */
  get state(): ConnectionState {
    return this._state;
  }

  /** Commands made but not yet acknowledged by the gateway. */
  get pendingCommands(): number {
    return this.outbox.size;
  }

  /** Calls `listener` on every change of {@link state}; returns a function that stops it. */
  onStateChange(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Calls `listener` when the whole session is ended by the server (e.g. `TOKEN_EXPIRED`). */
  onKicked(listener: (reason: KickReason, message: string) => void): () => void {
    this.kickListeners.add(listener);
    return () => this.kickListeners.delete(listener);
  }

  /** Resolves once connected; rejects with the server's reason if the handshake is refused. */
  ready(): Promise<void> {
    if (this._state === 'online') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const stop = this.onStateChange((s) => {
        if (s === 'online') {
          stop();
          this.socket.off('connect_error', onError);
          resolve();
        }
      });
      const onError = (error: Error & { data?: { code?: string } }) => {
        if (error.data?.code) {
          stop();
          this.socket.off('connect_error', onError);
          reject(new TandemError('UNAUTHENTICATED', error.message));
        }
      };
      this.socket.on('connect_error', onError);
    });
  }

  /**
   * Opens a shared counter document: joins its room (with a share link if given) and returns a live
   * handle. Rejects with a {@link TandemError} (`FORBIDDEN`, `UNAVAILABLE`, …) if it cannot.
   */
  async counter(docId: string, options: CounterOptions = {}): Promise<CounterHandle> {
    if (options.link) this.links.set(docId, options.link);
    let handle = this.counters.get(docId);
    if (!handle) {
      handle = new CounterHandle(
        docId,
        (by) => this.send({ type: 'doc.counter.increment', commandId: newCommandId(), docId, by }),
        () => {
          this.counters.delete(docId);
          if (this.socket.connected) this.socket.emit('leave', { type: 'leave', resource: { kind: 'doc', id: docId } }, () => undefined);
        },
      );
      this.counters.set(docId, handle);
    }
    await this.ready();
    try {
      await this.join(handle);
    } catch (error) {
      this.counters.delete(docId);
      throw error;
    }
    return handle;
  }

  /**
   * Goes offline on purpose (e.g. the app is backgrounded): commands made meanwhile wait in the
   * outbox, and {@link reconnect} resends them and catches up what was missed.
   */
  disconnect(): void {
    this.socket.disconnect();
    this.setState('connecting');
  }

  /** Connects again after {@link disconnect}; resolves once online and caught up. */
  async reconnect(): Promise<void> {
    if (!this.socket.connected) this.socket.connect();
    await this.ready();
  }

  /** Disconnects; commands still in the outbox stay there for the next client on the same storage. */
  close(): void {
    this.closed = true;
    if (typeof window !== 'undefined' && typeof window.removeEventListener === 'function') {
      window.removeEventListener('offline', this.onBrowserOffline);
      window.removeEventListener('online', this.onBrowserOnline);
    }
    this.documents.shutdown();
    this.socket.close();
    clearTimeout(this.offlineTimer);
    for (const { reject } of this.waiters.values()) reject(new TandemError('UNAVAILABLE', 'the client was closed before the command was acknowledged'));
    this.waiters.clear();
  }

  private send(command: ClientCommand): { commandId: string; acked: Promise<void> } {
    this.outbox.add(command);
    const acked = new Promise<void>((resolve, reject) => this.waiters.set(command.commandId, { resolve, reject }));
    if (this.socket.connected) this.emitCommand(command);
    return { commandId: command.commandId, acked };
  }

  private emitCommand(command: ClientCommand): void {
    this.socket.timeout(this.options.ackTimeoutMs ?? 10_000).emit('command', command, (timeout: Error | null, ack?: CommandAck) => {
      if (timeout || !ack) return; // stays in the outbox; resent on the next connect
      if (ack.ok) return this.settle(command.commandId);
      switch (ack.error.code) {
        case 'RATE_LIMITED':
        case 'UNAVAILABLE':
        case 'INTERNAL':
          // Kept in the outbox and sent again when the server says (or shortly).
          setTimeout(() => this.outbox.has(command.commandId) && this.socket.connected && this.emitCommand(command), ack.error.retryAfterMs ?? 1_000);
          return;
        default:
          // Resending cannot help (invalid, forbidden, too large): drop it and tell the caller why.
          this.settle(command.commandId, new TandemError(ack.error.code, ack.error.message));
      }
    });
  }

  private settle(commandId: string, error?: TandemError): void {
    this.outbox.remove(commandId);
    const waiter = this.waiters.get(commandId);
    this.waiters.delete(commandId);
    if (error) waiter?.reject(error);
    else waiter?.resolve();
  }

  private async join(handle: CounterHandle): Promise<void> {
    const link = this.links.get(handle.docId);
    const ack: JoinAck = await this.socket
      .timeout(this.options.ackTimeoutMs ?? 10_000)
      .emitWithAck('join', { type: 'join', resource: { kind: 'doc', id: handle.docId }, ...(link ? { link } : {}) });
    if (!ack.ok) throw new TandemError(ack.error.code, ack.error.message);
    handle.applyAccess({ role: ack.role });
    if (ack.state.kind === 'doc') handle.applyState(ack.state);
  }

  private async resync(): Promise<void> {
    try {
      // Permissions are checked again on every reconnect: a document we lost access to is dropped.
      await Promise.all(
        [...this.counters.values()].map((h) =>
          this.join(h).catch((error: unknown) => {
            if (!(error instanceof TandemError) || error.code !== 'FORBIDDEN') throw error;
            this.counters.delete(h.docId);
            h.applyAccess({ kicked: { reason: 'ACCESS_REVOKED', message: error.message } });
          }),
        ),
      );
      for (const command of this.outbox.all()) this.emitCommand(command);
      await this.documents.resync();
      // Statuses come back with the next change if this fails; cursors go to the documents just rejoined.
      await this.presence.resync((docId) => this.counters.has(docId) || this.documents.isOpen(docId)).catch(() => undefined);
      await this.stats.resync().catch(() => undefined); // boards come back with the next update
      await this.notifications.resync().catch(() => undefined); // caught up on the next reconnect
      await this.chat.resync(); // an open channel that cannot be caught up yet is retried below
      this.setState('online');
    } catch {
      // A document could not be rejoined (e.g. its service is restarting): try again shortly.
      setTimeout(() => {
        if (this.socket.connected) void this.resync();
      }, 1_000);
    }
  }

  private onEvent(event: ServerEvent): void {
    switch (event.type) {
      case 'doc.counter.changed':
        this.counters.get(event.docId)?.applyState(event, event.commandIds);
        break;
      case 'doc.change':
      case 'doc.merged':
      case 'doc.rejected':
        this.documents.dispatch(withByteArrays(event));
        break;
      case 'kicked': {
        if (!event.resource) {
          for (const l of this.kickListeners) l(event.reason, event.message);
          break;
        }
        const handle = this.counters.get(event.resource.id);
        this.counters.delete(event.resource.id);
        this.documents.applyAccess(event.resource.id, { kicked: { reason: event.reason, message: event.message } });
        handle?.applyAccess({ kicked: { reason: event.reason, message: event.message } });
        break;
      }
      case 'downgraded':
        this.counters.get(event.resource.id)?.applyAccess({ role: event.role });
        this.documents.applyAccess(event.resource.id, { role: event.role });
        break;
      case 'auth.expiring':
        void this.refreshToken();
        break;
      case 'presence.user':
      case 'presence.roster':
      case 'presence.typing':
      case 'presence.cursors':
        this.presence.dispatch(event);
        break;
      case 'file.uploaded':
      case 'file.preview.progress':
      case 'file.preview.ready':
      case 'file.failed':
      case 'file.deleted':
        this.files.dispatch(event);
        break;
      case 'stats.board':
      case 'stats.record':
      case 'stats.rank':
        this.stats.dispatch(event);
        break;
      case 'notification':
      case 'notifications.changed':
        this.notifications.dispatch(event);
        break;
      case 'chat.change':
      case 'chat.read':
      case 'chat.thread.followed':
      case 'chat.rejected':
      case 'chat.removed':
        this.chat.dispatch(event);
        break;
      case 'protocol.error':
        break;
    }
  }

  /** Calls the gateway's `/api/v1/stats/<path>` with the current token; errors carry the server's code. */
  private async statsHttp(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const token = await this.options.getToken();
    const res = await fetch(`${this.options.url.replace(/\/$/, '')}/api/v1/stats/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const answer = (await res.json().catch(() => null)) as { code?: string; message?: string } | null;
    if (!res.ok) throw new TandemError((answer?.code as ProtocolError['code']) ?? (res.status === 404 ? 'NOT_FOUND' : 'INTERNAL'), answer?.message ?? `the gateway answered ${res.status}`);
    return answer;
  }

  /** Answers `auth.expiring` with a fresh token from `getToken`, so the session goes on. */
  private async refreshToken(): Promise<void> {
    try {
      const token = await this.options.getToken();
      await this.socket.timeout(this.options.ackTimeoutMs ?? 10_000).emitWithAck('auth.refresh', { type: 'auth.refresh', token });
    } catch {
      // The server disconnects the socket at expiry; the reconnect asks getToken again.
    }
  }

  private setState(state: ConnectionState): void {
    if (this.closed) return;
    if (state === 'online') {
      clearTimeout(this.offlineTimer);
      this.offlineTimer = undefined;
    } else if (!this.offlineTimer && this._state !== 'offline') {
      this.offlineTimer = setTimeout(() => {
        this.offlineTimer = undefined;
        if (this._state !== 'online') this.update('offline');
      }, OFFLINE_AFTER_MS);
    }
    if (state === 'connecting' && this._state === 'offline') return;
    this.update(state);
  }

  private update(state: ConnectionState): void {
    if (state === this._state) return;
    this._state = state;
    for (const l of this.stateListeners) l(state);
  }
}
