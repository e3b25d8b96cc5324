import type { ChannelKind, ChannelRole, ChatChange, ChatChannel, ChatMessage } from '@tandem/contracts';

/**
 * One change of a channel's stream as the log keeps it: the change exactly as clients get it, the
 * command that made it, and what the materialized state needs besides (a replaced text for the
 * edit history). The log is the source of truth; every other collection is derived from it.
 */
export type StoredChange = ChatChange & { commandId: string; extra: ChangeExtra };

/** Internal details of a change that clients never see: the writes it makes to the derived collections. */
export type ChangeExtra = { writes: ChatWrite[] };

/** A channel member (an inactive row is a former member, kept so replays stay ordered). */
export type ChatMember = { channelId: string; userId: string; role: ChannelRole; joinedSeq: number; active: boolean; version: number };

/** A user's last-read marker in a channel (`threadRootId` null) or a thread. */
export type ReadMarker = { channelId: string; userId: string; threadRootId: string | null; lastReadSeq: number };

/** Whether a user follows a thread; `explicit` rows come from follow/unfollow and are never overridden. */
export type ThreadFollow = { channelId: string; threadRootId: string; userId: string; following: boolean; explicit: boolean };

/** One earlier version of an edited message. */
export type MessageEdit = { seq: number; text: string; editedAt: string };

/**
 * A write derived from a change (see `writesOf`). Every write is idempotent and guarded by the seq
 * of its change, so replaying the log after a crash converges to the same state.
 */
export type ChatWrite =
  | { kind: 'channel'; channel: ChatChannel }
  | { kind: 'member'; member: ChatMember }
  | { kind: 'message'; message: ChatMessage; channelKind: ChannelKind }
  | { kind: 'edit'; channelId: string; messageId: string; edit: MessageEdit }
  /** Follows a thread unless the user has a row for it already (automatic following never overrides a choice). */
  | { kind: 'auto-follow'; channelId: string; threadRootId: string; userId: string };

/** Which page of history: strictly before or after a seq, both ways around it, or the latest. */
export type HistoryQuery = { threadRootId: string | null; direction: 'before' | 'after'; seq: number; limit: number };

/** What counts as unread for a user: messages after `afterSeq` by others, and those of them mentioning the user. */
export type UnreadQuery = { channelId: string; threadRootId: string | null; afterSeq: number; userId: string };

/**
 * The chat service's store. MongoDB via mongoose in production (FerretDB 1.24 compatible: no
 * transactions, `$lookup` or `$facet`), files on disk in embedded mode; `runChatStoreContract`
 * holds both to the same behaviour. Every call is tenant-scoped.
 */
export interface ChatStore {
  /**
   * Appends changes to their channel's log, in order, and remembers `commandIds` as applied.
   * `(channel, seq)` is unique: a seq taken already (another writer got there first) throws
   * {@link SeqConflictError} and appends none of those after it.
   */
  append(tenant: string, channelId: string, changes: readonly StoredChange[], commandIds: readonly string[]): Promise<void>;
  /** One change of the log, or null (a cheap probe: is there anything after the applied seq?). */
  change(tenant: string, channelId: string, seq: number): Promise<StoredChange | null>;
  /** The channel's changes with seq > `afterSeq`, in seq order, at most `limit`. */
  changesAfter(tenant: string, channelId: string, afterSeq: number, limit: number): Promise<StoredChange[]>;
  /** Which of these commands were remembered as applied by {@link append}. */
  appliedCommands(tenant: string, channelId: string, commandIds: readonly string[]): Promise<Set<string>>;
  /** The highest seq of the channel whose event was published (0 for none). */
  publishedSeq(tenant: string, channelId: string): Promise<number>;
  /** Records that the channel's changes up to `seq` were published. */
  markPublished(tenant: string, channelId: string, seq: number): Promise<void>;

  /** Applies derived writes in order (idempotent; see {@link ChatWrite}). */
  apply(tenant: string, writes: readonly ChatWrite[]): Promise<void>;
  channel(tenant: string, channelId: string): Promise<ChatChannel | null>;
  channels(tenant: string, channelIds: readonly string[]): Promise<ChatChannel[]>;
  /** Public channels whose name contains `query` (case-insensitive), by name. */
  browse(tenant: string, query: string, limit: number): Promise<ChatChannel[]>;
  member(tenant: string, channelId: string, userId: string): Promise<ChatMember | null>;
  /** Every member row of a channel, former members too, in one read (the writer's view of a channel's members). */
  roster(tenant: string, channelId: string): Promise<ChatMember[]>;
  /** Active members of a channel, by join order. */
  members(tenant: string, channelId: string): Promise<ChatMember[]>;
  /** A user's active memberships. */
  membershipsOf(tenant: string, userId: string): Promise<ChatMember[]>;
  message(tenant: string, channelId: string, messageId: string): Promise<ChatMessage | null>;
  /** The messages of these ids that exist, in one query (a consumed batch reads its messages at once). */
  messagesById(tenant: string, channelId: string, messageIds: readonly string[]): Promise<ChatMessage[]>;
  /**
   * Claims message ids for posts and returns those claimed before. An id never claimed before is
   * certainly not stored (a post claims its id before its change is appended), so a new post needs
   * no read of the messages; one claimed before may or may not be stored (a resend, or a post whose
   * batch failed after the claim) and is read.
   */
  claimMessageIds(tenant: string, channelId: string, messageIds: readonly string[]): Promise<Set<string>>;
  /**
   * A page of the channel view (top-level messages and replies also sent to the channel) or of a
   * thread's replies: seq < `seq` newest first (`before`), or seq > `seq` oldest first (`after`).
   */
  history(tenant: string, channelId: string, query: HistoryQuery): Promise<ChatMessage[]>;
  pins(tenant: string, channelId: string): Promise<ChatMessage[]>;
  /** Earlier versions of a message, oldest first. */
  edits(tenant: string, channelId: string, messageId: string): Promise<MessageEdit[]>;
  /**
   * Messages (not deleted) containing every one of `words` as a word, in the listed channels or in
   * any public channel (`publicToo`), newest first.
   */
  search(tenant: string, scope: { channelIds: readonly string[]; publicToo: boolean }, words: readonly string[], limit: number): Promise<ChatMessage[]>;
  /** Unread messages (not deleted, not the user's own) after the marker, and how many of them mention the user. */
  unread(tenant: string, query: UnreadQuery): Promise<{ unread: number; mentions: number }>;
  readMarker(tenant: string, channelId: string, userId: string, threadRootId: string | null): Promise<ReadMarker | null>;
  setReadMarker(tenant: string, marker: ReadMarker): Promise<void>;
  /** Explicitly follows or unfollows a thread. */
  setFollow(tenant: string, follow: Omit<ThreadFollow, 'explicit'>): Promise<void>;
  /** Every follow row of a thread (those who follow, and those who chose not to). */
  threadFollows(tenant: string, channelId: string, threadRootId: string): Promise<ThreadFollow[]>;
  /** Threads a user follows, in any channel. */
  followedBy(tenant: string, userId: string): Promise<ThreadFollow[]>;
  checkReady(): Promise<void>;
  close(): Promise<void>;
}

export const CHAT_STORE = Symbol('ChatStore');

/** Another writer took the seq first: nothing was appended from there on; redeliver and recompute. */
export class SeqConflictError extends Error {
  readonly code = 'SEQ_CONFLICT';
  constructor(channelId: string, seq: number) {
    super(`seq ${seq} of channel ${channelId} is taken already`);
    this.name = 'SeqConflictError';
  }
}

/** Lower-cased words of a text, for search: letters and digits of any script, each once. */
export function wordsOf(text: string): string[] {
  return [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
}

/** Whether a message is in the channel view (top level, or a reply also sent to the channel). */
export function inChannelView(message: Pick<ChatMessage, 'threadRootId' | 'alsoToChannel'>): boolean {
  return message.threadRootId === null || message.alsoToChannel;
}
