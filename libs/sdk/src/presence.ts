import type { Ack, ChosenStatus, CursorPosition, PresenceMember, PresenceMessage, ServerEvent, UserPresence } from '@tandem/contracts';

type Emit = (message: PresenceMessage) => Promise<Ack<{ users?: UserPresence[] }>>;
/** Sends without waiting for (or asking) an answer, and may be dropped: for cursors. */
type EmitVolatile = (message: PresenceMessage) => void;

/** The SDK sends at most one cursor update per document per this many ms (the gateway relays no more either). */
export const CURSOR_SEND_INTERVAL_MS = 50;
/** Activity signals are sent at most this often. */
export const ACTIVITY_INTERVAL_MS = 10_000;
type Listener<T> = (value: T) => void;
type Typist = { userId: string; name: string; kind: 'typing' | 'editing' };
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
  private readonly listeners = { user: new Set<Listener<UserPresence>>(), roster: new Map<string, Set<Listener<PresenceMember[]>>>(), typing: new Map<string, Set<Listener<Typist[]>>>(), cursor: new Map<string, Set<Listener<Cursor>>>() };

  private lastActivity = 0;
  /** Users whose status arrived as an event while a follow was waiting for its answer. */
  private readonly freshDuringFollow = new Set<string>();
  private followsInFlight = 0;
  private readonly cursorState = new Map<string, { last: number; pending?: CursorPosition; timer?: ReturnType<typeof setTimeout> }>();

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
   * Moves your cursor in a joined document. Sent at most every 50 ms per document, latest wins:
   * call it on every mouse move or selection change; intermediate positions are skipped.
   */
  moveCursor(docId: string, cursor: CursorPosition): void {
    let state = this.cursorState.get(docId);
    if (!state) this.cursorState.set(docId, (state = { last: 0 }));
    state.pending = cursor;
    if (state.timer) return;
    const flush = () => {
      state.timer = undefined;
      if (!state.pending) return;
      this.emitVolatile({ type: 'presence.cursor', resource: { kind: 'doc', id: docId }, cursor: state.pending });
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

  onTyping(docId: string, listener: Listener<Typist[]>): () => void {
    return add(this.listeners.typing, docId, listener);
  }

  /** Calls `listener` with each cursor update in the document (your own included: filter by userId). */
  onCursor(docId: string, listener: Listener<Cursor>): () => void {
    return add(this.listeners.cursor, docId, listener);
  }

  /** @internal Follows again after a reconnect. */
  async resync(): Promise<void> {
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
        for (const l of this.listeners.typing.get(event.resource.id) ?? []) l(event.typing);
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

function add<T>(map: Map<string, Set<Listener<T>>>, key: string, listener: Listener<T>): () => void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(listener);
  return () => set!.delete(listener);
}
