import type { Ack, ChosenStatus, CursorPosition, PresenceMember, PresenceMessage, ServerEvent, UserPresence } from '@tandem/contracts';

type Emit = (message: PresenceMessage) => Promise<Ack<{ users?: UserPresence[] }>>;
/**
 * Sends without waiting for (or asking) an answer, for cursors: `sent`, or not sent because the
 * connection is `busy` writing something else (Socket.IO drops a volatile packet then) or is
 * `disconnected` (the gateway forgets a connection's cursors with it).
 */
export type EmitVolatile = (message: PresenceMessage) => 'sent' | 'busy' | 'disconnected';

/** The SDK sends at most one cursor update per document per this many ms (the gateway relays no more either). */
export const CURSOR_SEND_INTERVAL_MS = 50;
/** A cursor update not sent because the connection was busy is tried again after this many ms. */
export const CURSOR_RETRY_MS = 10;
/** Activity signals are sent at most this often. */
export const ACTIVITY_INTERVAL_MS = 10_000;
type Listener<T> = (value: T) => void;
/** While someone keeps typing in a channel, the signal is repeated this often (the presence service forgets a typist after 5 s without one). */
export const TYPING_REPEAT_MS = 3_000;
/** Someone typing or editing in a place. */
export type Typist = { userId: string; name: string; kind: 'typing' | 'editing' };
type Cursor = { userId: string; name: string; cursor: CursorPosition };

/**
 * Presence through the client's connection: your status, typing/editing and cursor; who is in a
 * document, who types there and where their cursors are; and the status of users you follow.
 * Obtained from `client.presence`.
 */
export class PresenceApi {
  private readonly followed = new Set<string>();
  private readonly users = new Map<string, UserPresence>();
  private readonly rosters = new Map<string, PresenceMember[]>();
  private readonly listeners = { user: new Set<Listener<UserPresence>>(), roster: new Map<string, Set<Listener<PresenceMember[]>>>(), typing: new Map<string, Set<(typists: Typist[], thread: string | null) => void>>(), cursor: new Map<string, Set<Listener<Cursor>>>() };

  private lastActivity = 0;
  /** Users whose status arrived as an event while a follow was waiting for its answer. */
  private readonly freshDuringFollow = new Set<string>();
  private followsInFlight = 0;
  /** When "typing" was last sent per channel and thread (absent: not typing there). */
  private readonly chatTypingSent = new Map<string, number>();
  /** Per document: when a cursor was last sent, the one waiting to go, and the latest one given (shown again after a reconnect). */
  private readonly cursorState = new Map<string, { last: number; pending?: CursorPosition; latest?: CursorPosition; timer?: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly emit: Emit,
    private readonly emitVolatile: EmitVolatile,
  ) {}

  /** Sets what others see: online, away, do-not-disturb or invisible, with an optional text that may expire. */
  async setStatus(status: ChosenStatus, text: string | null = null, textExpiresAt: Date | null = null): Promise<void> {
    await this.send({ type: 'presence.status', status, text, textExpiresAt: textExpiresAt?.toISOString() ?? null });
  }

  /** Tells the platform the user is active (clears automatic away). Call it on any input: it is sent at most every 10 s. */
  async activity(): Promise<void> {
    const now = Date.now();
    if (now - this.lastActivity < ACTIVITY_INTERVAL_MS) return;
    this.lastActivity = now;
    await this.send({ type: 'presence.activity' });
  }

  /** "I am typing/editing" in a document (optionally a thread); repeat while it goes on, `false` to stop. */
  async typing(docId: string, active = true, kind: 'typing' | 'editing' = 'editing', thread: string | null = null): Promise<void> {
    await this.send({ type: 'presence.typing', resource: { kind: 'doc', id: docId }, thread, kind, active });
  }

  /**
   * "I am typing" in a chat channel the client has open (`chat.open`), or in one thread of it. Call
   * it on every keystroke of the composer: it is sent at once, then at most every 3 s while typing
   * goes on. Call it with `active: false` when the message is sent or the text cleared (sent at once;
   * otherwise the others stop seeing it by themselves a few seconds after the last keystroke).
   */
  async chatTyping(channelId: string, active = true, threadRootId: string | null = null): Promise<void> {
    const key = `${channelId}/${threadRootId ?? ''}`;
    const last = this.chatTypingSent.get(key);
    if (active) {
      if (last !== undefined && Date.now() - last < TYPING_REPEAT_MS) return;
      this.chatTypingSent.set(key, Date.now());
    } else {
      if (last === undefined) return;
      this.chatTypingSent.delete(key);
    }
    await this.send({ type: 'presence.typing', resource: { kind: 'channel', id: channelId }, thread: threadRootId, kind: 'typing', active });
  }

  /**
   * Moves your cursor in a joined document. Sent at most every 50 ms per document, latest wins:
   * call it on every mouse move or selection change; intermediate positions are skipped, the last
   * one never (while the connection is busy it is tried again; while disconnected it is dropped).
   */
  moveCursor(docId: string, cursor: CursorPosition): void {
    let state = this.cursorState.get(docId);
    if (!state) this.cursorState.set(docId, (state = { last: 0 }));
    state.pending = state.latest = cursor;
    if (state.timer) return;
    const flush = () => {
      state.timer = undefined;
      if (!state.pending) return;
      const result = this.emitVolatile({ type: 'presence.cursor', resource: { kind: 'doc', id: docId }, cursor: state.pending });
      if (result === 'busy') {
        state.timer = setTimeout(flush, CURSOR_RETRY_MS);
        return;
      }
      state.pending = undefined;
      state.last = Date.now();
    };
    const wait = CURSOR_SEND_INTERVAL_MS - (Date.now() - state.last);
    if (wait <= 0) flush();
    else state.timer = setTimeout(flush, wait);
  }

  /** Follows users' statuses without joining any room; resolves with their current statuses. */
  async follow(userIds: string[]): Promise<UserPresence[]> {
    for (const id of userIds) this.followed.add(id);
    this.followsInFlight++;
    try {
      const ack = await this.send({ type: 'presence.follow', userIds });
      // An event that arrived meanwhile is newer than the answer: it wins.
      for (const u of ack.users ?? []) if (!this.freshDuringFollow.has(u.userId)) this.users.set(u.userId, u);
      return userIds.map((id) => this.users.get(id)).filter((u): u is UserPresence => u !== undefined);
    } finally {
      if (--this.followsInFlight === 0) this.freshDuringFollow.clear();
    }
  }

  async unfollow(userIds: string[]): Promise<void> {
    for (const id of userIds) this.followed.delete(id);
    await this.send({ type: 'presence.unfollow', userIds });
  }

  /** The last known status of a followed user. */
  statusOf(userId: string): UserPresence | undefined {
    return this.users.get(userId);
  }

  /** The last known roster of a joined document. */
  rosterOf(docId: string): PresenceMember[] {
    return this.rosters.get(docId) ?? [];
  }

  onUser(listener: Listener<UserPresence>): () => void {
    this.listeners.user.add(listener);
    return () => this.listeners.user.delete(listener);
  }

  onRoster(docId: string, listener: Listener<PresenceMember[]>): () => void {
    return add(this.listeners.roster, docId, listener);
  }

  /** Calls `listener` with who is typing or editing in a joined document (and in which thread) after every change. */
  onTyping(docId: string, listener: (typists: Typist[], thread: string | null) => void): () => void {
    return add(this.listeners.typing, `doc:${docId}`, listener);
  }

  /**
   * Calls `listener` with who is typing in an open chat channel after every change: `thread` is
   * null for the channel's composer, or the root message id of the thread they type in. Your own
   * typing is included: filter by userId.
   */
  onChatTyping(channelId: string, listener: (typists: Typist[], thread: string | null) => void): () => void {
    return add(this.listeners.typing, `channel:${channelId}`, listener);
  }

  /** Calls `listener` with each cursor update in the document (your own included: filter by userId). */
  onCursor(docId: string, listener: Listener<Cursor>): () => void {
    return add(this.listeners.cursor, docId, listener);
  }

  /**
   * @internal After a reconnect: follows again, and shows your cursor again in each document still
   * joined (`isJoined`), where the gateway forgot it with the old connection; other documents' are forgotten.
   */
  async resync(isJoined: (docId: string) => boolean): Promise<void> {
    this.chatTypingSent.clear(); // a new connection types nowhere yet
    for (const [docId, state] of this.cursorState) {
      if (!isJoined(docId)) {
        clearTimeout(state.timer);
        this.cursorState.delete(docId);
      } else if (state.latest && !state.pending) {
        this.moveCursor(docId, state.latest);
      }
    }
    if (this.followed.size > 0) await this.follow([...this.followed]);
  }

  /** @internal */
  dispatch(event: ServerEvent): void {
    switch (event.type) {
      case 'presence.user': {
        const { type: _type, ...user } = event;
        this.users.set(user.userId, user);
        if (this.followsInFlight > 0) this.freshDuringFollow.add(user.userId);
        for (const l of this.listeners.user) l(user);
        break;
      }
      case 'presence.roster':
        this.rosters.set(event.resource.id, event.members);
        for (const l of this.listeners.roster.get(event.resource.id) ?? []) l(event.members);
        break;
      case 'presence.typing':
        for (const l of this.listeners.typing.get(`${event.resource.kind}:${event.resource.id}`) ?? []) l(event.typing, event.thread);
        break;
      case 'presence.cursors':
        for (const cursor of event.cursors) for (const l of this.listeners.cursor.get(event.resource.id) ?? []) l(cursor);
        break;
    }
  }

  private async send(message: PresenceMessage): Promise<{ users?: UserPresence[] }> {
    const ack = await this.emit(message);
    if (!ack.ok) throw Object.assign(new Error(ack.error.message), { code: ack.error.code });
    return ack;
  }
}

function add<F>(map: Map<string, Set<F>>, key: string, listener: F): () => void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(listener);
  return () => set!.delete(listener);
}
