import type { ChatChange, ChatChannel, ChatMessage, ChatReadState } from '@tandem/contracts';

type Listener<T> = (value: T) => void;

/**
 * One channel as this client knows it: its info, the messages loaded (history pages, live and
 * caught-up changes) and the user's read state. Changes are applied by version (a newer copy of a
 * message always wins), so a change seen twice — live and again in a catch-up — changes nothing
 * twice, and the state after a reconnect equals an always-online client's. Obtained from
 * `client.chat.open(channelId)`.
 */
export class ChatChannelHandle {
  private readonly byId = new Map<string, ChatMessage>();
  private readonly listeners = { change: new Set<Listener<ChatChange>>(), read: new Set<Listener<ChatReadState>>(), removed: new Set<Listener<string>>() };
  private _seq = 0;
  private _info: ChatChannel;
  private _read: ChatReadState | null;
  private _removed: string | null = null;

  constructor(
    info: ChatChannel,
    read: ChatReadState | null,
    /** Fetches the changes missed after `seq` (the channel's catch-up), in as many calls as it takes. */
    private readonly catchUp: (sinceSeq: number) => Promise<ChatChange[]>,
    private readonly close: () => void,
  ) {
    this._info = info;
    this._read = read;
  }

  get channelId(): string {
    return this._info.channelId;
  }

  /** The channel as of the last change applied. */
  get info(): ChatChannel {
    return this._info;
  }

  /** The last seq of the channel's stream this handle has applied every change up to. */
  get seq(): number {
    return this._seq;
  }

  /** The user's read state (null for a reader who is not a member). */
  get read(): ChatReadState | null {
    return this._read;
  }

  /** Why the channel was taken from this client (no longer a member), or null. */
  get removed(): string | null {
    return this._removed;
  }

  /** Messages loaded, top-level and thread replies alike, in seq order (tombstones included). */
  get messages(): ChatMessage[] {
    return [...this.byId.values()].sort((a, b) => a.seq - b.seq);
  }

  /** The channel view: top-level messages and replies also sent to the channel, in seq order. */
  get timeline(): ChatMessage[] {
    return this.messages.filter((m) => m.threadRootId === null || m.alsoToChannel);
  }

  message(messageId: string): ChatMessage | undefined {
    return this.byId.get(messageId);
  }

  /** Calls `listener` for every change applied (live or caught up); returns a function that stops it. */
  onChange(listener: Listener<ChatChange>): () => void {
    this.listeners.change.add(listener);
    return () => this.listeners.change.delete(listener);
  }

  /** Calls `listener` when the read state changes (on this or another device of the user). */
  onRead(listener: Listener<ChatReadState>): () => void {
    this.listeners.read.add(listener);
    return () => this.listeners.read.delete(listener);
  }

  /** Calls `listener` with the reason when the user may no longer read the channel. */
  onRemoved(listener: Listener<string>): () => void {
    this.listeners.removed.add(listener);
    return () => this.listeners.removed.delete(listener);
  }

  /** Stops receiving the channel's changes. */
  unsubscribe(): void {
    this.close();
  }

  /** Adds messages read from history (older copies than those held are ignored). */
  load(messages: readonly ChatMessage[]): void {
    for (const m of messages) this.put(m);
  }

  /** Starts the stream at `seq` (what the first history page and subscription answered). */
  startAt(seq: number): void {
    this._seq = Math.max(this._seq, seq);
  }

  /**
   * Applies one change of the stream. A change right after {@link seq} advances it; a change
   * further ahead means some were missed, so the gap is caught up first; one at or before
   * {@link seq} was applied already and is ignored. Listeners see each change once, in seq order.
   */
  async apply(change: ChatChange): Promise<void> {
    if (change.seq > this._seq + 1) await this.catchUpFrom(this._seq);
    this.applyOne(change);
  }

  /** Catches up everything after {@link seq}: what a reconnecting client does. */
  async resync(): Promise<void> {
    await this.catchUpFrom(this._seq);
  }

  /** @internal The user's read state changed. */
  setRead(read: ChatReadState): void {
    if (read.threadRootId !== null) return;
    this._read = read;
    for (const l of this.listeners.read) l(read);
  }

  /** @internal The user lost access. */
  setRemoved(message: string): void {
    this._removed = message;
    for (const l of this.listeners.removed) l(message);
  }

  private async catchUpFrom(seq: number): Promise<void> {
    for (const change of await this.catchUp(seq)) this.applyOne(change);
  }

  private applyOne(change: ChatChange): void {
    // Applied already (seen live and again in a catch-up, or the other way round).
    if (change.seq <= this._seq) return;
    this._seq = change.seq;
    switch (change.event) {
      case 'tandem.chat.channel.created':
      case 'tandem.chat.channel.updated':
        if (change.data.info.seq >= this._info.seq) this._info = change.data.info;
        break;
      case 'tandem.chat.member.joined':
      case 'tandem.chat.member.left':
        if (change.seq >= this._info.seq) this._info = { ...this._info, memberCount: change.data.memberCount, seq: change.seq };
        break;
      case 'tandem.chat.member.role-changed':
        break;
      case 'tandem.chat.message.posted':
      case 'tandem.chat.message.deleted':
        this.put(change.data.message);
        if (change.data.root) this.put(change.data.root);
        break;
      case 'tandem.chat.message.edited':
      case 'tandem.chat.reaction.changed':
      case 'tandem.chat.message.pinned':
        this.put(change.data.message);
        break;
    }
    for (const l of this.listeners.change) l(change);
  }

  private put(message: ChatMessage): void {
    const held = this.byId.get(message.messageId);
    if (!held || held.version < message.version) this.byId.set(message.messageId, message);
  }
}
