import type { ChannelRef, ChatChannel, ChatEventSchemas, ChatMessage, ChatStreamType } from '@tandem/contracts';
import type { z } from 'zod';
import type { ChatMember, ChatStore, ChatWrite, StoredChange } from '../store/chat-store.port';

type StreamData<K extends ChatStreamType> = z.infer<(typeof ChatEventSchemas)[K]>;
/** What a change's author supplies: its data without the stream fields the transaction fills in. */
export type ChangeBody<K extends ChatStreamType> = Omit<StreamData<K>, 'channel' | 'seq' | 'actorId' | 'commandId'>;

/** The command a change comes from. */
export type ChangeCause = { actorId: string; commandId: string; time: string };

export const refOf = (c: ChatChannel): ChannelRef => ({ channelId: c.channelId, kind: c.kind, name: c.name });

/**
 * The work on one channel within one consumed batch. The consumer is the channel's single writer
 * (Kafka's per-key ordering, one owner per partition), so it numbers the changes itself from the
 * log's latest seq; the log's unique seq catches a second writer. Reads see the changes recorded
 * but not yet committed; {@link commit} appends them to the log, then applies their writes.
 */
export class ChannelTx {
  private pending: StoredChange[] = [];
  private readonly messages = new Map<string, ChatMessage | null>();
  private readonly memberCache = new Map<string, ChatMember | null>();
  private readonly autoFollows = new Map<string, Set<string>>();
  private membersLoaded = false;

  private constructor(
    private readonly store: ChatStore,
    readonly tenant: string,
    readonly channelId: string,
    private current: ChatChannel | null,
    private seq: number,
  ) {}

  /**
   * Opens the channel, publishing what a crash left unpublished (died between storing and
   * publishing). Reads only small documents by `_id`: the channel and its published mark. Changes
   * in the log that the derived state lacks (died between appending and applying) make the next
   * append conflict; {@link recover} applies them then.
   */
  static async open(store: ChatStore, tenant: string, channelId: string, publish: (changes: StoredChange[]) => Promise<void>): Promise<ChannelTx> {
    const [channel, published] = await Promise.all([store.channel(tenant, channelId), store.publishedSeq(tenant, channelId)]);
    const applied = channel?.seq ?? 0;
    if (published < applied) {
      await publish(await store.changesAfter(tenant, channelId, published, Number.MAX_SAFE_INTEGER));
      await store.markPublished(tenant, channelId, applied);
    }
    return new ChannelTx(store, tenant, channelId, channel, applied);
  }

  /** Applies the changes of the log after the channel's applied seq (after a {@link SeqConflictError}); returns how many. */
  static async recover(store: ChatStore, tenant: string, channelId: string): Promise<number> {
    const channel = await store.channel(tenant, channelId);
    const missed = await store.changesAfter(tenant, channelId, channel?.seq ?? 0, Number.MAX_SAFE_INTEGER);
    await store.apply(tenant, missed.flatMap((c) => c.extra.writes));
    return missed.length;
  }

  /** The channel as of the last change recorded (null before it exists). */
  get channel(): ChatChannel | null {
    return this.current;
  }

  /** The seq the next change gets. */
  get nextSeq(): number {
    return this.seq + 1;
  }

  /** Changes recorded and not committed yet. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Claims the message ids of a batch's posts: those never claimed before are known not to be
   * stored (no read); the others (resends, or a batch that failed after claiming) are read.
   */
  async claimPosts(messageIds: readonly string[]): Promise<void> {
    const wanted = [...new Set(messageIds)].filter((id) => !this.messages.has(id));
    if (!wanted.length) return;
    const before = await this.store.claimMessageIds(this.tenant, this.channelId, wanted);
    for (const id of wanted) if (!before.has(id)) this.messages.set(id, null);
    await this.prefetch([...before]);
  }

  /** Reads these messages at once, so the commands of a batch find them without a query each. */
  async prefetch(messageIds: readonly string[]): Promise<void> {
    const wanted = [...new Set(messageIds)].filter((id) => !this.messages.has(id));
    if (!wanted.length) return;
    for (const id of wanted) this.messages.set(id, null);
    for (const m of await this.store.messagesById(this.tenant, this.channelId, wanted)) this.messages.set(m.messageId, m);
  }

  async message(messageId: string): Promise<ChatMessage | null> {
    if (!this.messages.has(messageId)) this.messages.set(messageId, await this.store.message(this.tenant, this.channelId, messageId));
    return this.messages.get(messageId)!;
  }

  async member(userId: string): Promise<ChatMember | null> {
    await this.loadRoster();
    return this.memberCache.get(userId) ?? null;
  }

  /** Active members, with what this transaction changed. */
  async members(): Promise<ChatMember[]> {
    await this.loadRoster();
    return [...this.memberCache.values()].filter((m): m is ChatMember => !!m?.active).sort((a, b) => a.joinedSeq - b.joinedSeq || a.userId.localeCompare(b.userId));
  }

  /** Every member row of the channel in one read, the first time a member is asked about. */
  private async loadRoster(): Promise<void> {
    if (this.membersLoaded) return;
    const rows = await this.store.roster(this.tenant, this.channelId);
    for (const m of rows) if (!this.memberCache.has(m.userId)) this.memberCache.set(m.userId, m);
    this.membersLoaded = true;
  }

  /**
   * Users following a thread once `auto` follow it automatically (with those this transaction
   * recorded before): a user who chose not to follow stays out.
   */
  async followers(threadRootId: string, auto: readonly string[]): Promise<string[]> {
    const rows = await this.store.threadFollows(this.tenant, this.channelId, threadRootId);
    const decided = new Set(rows.map((r) => r.userId));
    const following = rows.filter((r) => r.following).map((r) => r.userId);
    const added = [...(this.autoFollows.get(threadRootId) ?? []), ...auto].filter((u) => !decided.has(u));
    return [...new Set([...following, ...added])].sort();
  }

  /**
   * Records one change at {@link nextSeq}: `channel` is the channel after it (its seq set here),
   * `writes` what it changes besides the channel. Returns the change.
   */
  record<K extends ChatStreamType>(event: K, cause: ChangeCause, channel: ChatChannel, body: ChangeBody<K>, writes: ChatWrite[]): StoredChange {
    const seq = ++this.seq;
    const after: ChatChannel = { ...channel, seq };
    const data = { channel: refOf(after), seq, actorId: cause.actorId, commandId: cause.commandId, ...body } as unknown as StreamData<K>;
    if (event === 'tandem.chat.channel.created' || event === 'tandem.chat.channel.updated') (data as { info: ChatChannel }).info = after;
    const all: ChatWrite[] = [...writes, { kind: 'channel', channel: after }];
    const change = { event, channelId: this.channelId, seq, time: cause.time, data, commandId: cause.commandId, extra: { writes: all } } as StoredChange;
    this.pending.push(change);
    this.current = after;
    for (const w of writes) {
      if (w.kind === 'message') this.messages.set(w.message.messageId, w.message);
      else if (w.kind === 'member') this.memberCache.set(w.member.userId, w.member);
      else if (w.kind === 'auto-follow') {
        const set = this.autoFollows.get(w.threadRootId) ?? new Set();
        this.autoFollows.set(w.threadRootId, set.add(w.userId));
      }
    }
    return change;
  }

  /**
   * Appends the recorded changes to the log (remembering `commandIds` as applied) and applies
   * them; returns them, to publish.
   */
  async commit(commandIds: readonly string[]): Promise<StoredChange[]> {
    const changes = this.pending;
    if (!changes.length) return [];
    this.pending = [];
    await this.store.append(this.tenant, this.channelId, changes, commandIds);
    await this.store.apply(this.tenant, changes.flatMap((c) => c.extra.writes));
    this.autoFollows.clear();
    return changes;
  }
}
