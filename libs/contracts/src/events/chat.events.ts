import { z } from 'zod';
import { CommandId, Id } from '../ids';
import { sha256Hex } from '../util/sha256';

/** Longest message text accepted (characters of markdown); longer text is refused with a clear error. */
export const MAX_CHAT_TEXT = 10_000;
/** Hard upper bound of a group DM (the deployment's `CHAT_MAX_DM_SIZE` is at most this). */
export const MAX_DM_PARTICIPANTS = 50;
/** Characters of a message's text carried as `excerpt` (for notifications and previews). */
export const CHAT_EXCERPT_CHARS = 200;

/** Public channels can be read by every workspace member; private ones and DMs only by their members. */
export const ChannelKind = z.enum(['public', 'private', 'dm']);
export type ChannelKind = z.infer<typeof ChannelKind>;

/**
 * Roles in a channel, from the access-control model: `owner` manages (rename, archive, members,
 * roles), `editor` posts, `commenter` reacts and replies in threads, `viewer` reads.
 */
export const ChannelRole = z.enum(['viewer', 'commenter', 'editor', 'owner']);
export type ChannelRole = z.infer<typeof ChannelRole>;

export const ChatText = z
  .string()
  .min(1, 'a message needs some text')
  .max(MAX_CHAT_TEXT, `a message is at most ${MAX_CHAT_TEXT} characters; split it into several messages`);
export const ChannelName = z.string().trim().min(1).max(80);
export const Emoji = z.string().min(1).max(64);

/** A file from the files service attached to a message (by id; the file itself stays there). */
export const ChatAttachment = z
  .object({ fileId: Id, name: z.string().max(255).nullable().default(null), contentType: z.string().max(255).nullable().default(null), size: z.number().int().min(0).nullable().default(null) })
  .strict();
export type ChatAttachment = z.infer<typeof ChatAttachment>;

/** Who a message mentions: `@<userId>` of a member, `@channel` (every member), `@here` (members online). */
export const ChatMentions = z.object({ userIds: z.array(Id), channel: z.boolean(), here: z.boolean() }).strict();
export type ChatMentions = z.infer<typeof ChatMentions>;

export const ChatReaction = z.object({ emoji: Emoji, userIds: z.array(Id) }).strict();
export type ChatReaction = z.infer<typeof ChatReaction>;

/** Shown on a thread's root: replies so far, who replied, when the last one came. */
export const ThreadSummary = z
  .object({ replyCount: z.number().int().min(0), participantIds: z.array(Id), lastReplyAt: z.iso.datetime({ offset: true }).nullable(), lastReplySeq: z.number().int().min(0) })
  .strict();
export type ThreadSummary = z.infer<typeof ThreadSummary>;

/**
 * A message as everyone sees it. `seq` is the channel sequence number it was posted at (its place in
 * history, never its time); `version` is the seq of the last change to it (edit, delete, reaction,
 * pin, thread reply), so a newer copy always wins. A deleted message keeps its place as a tombstone
 * (`deleted: true`, empty text, no attachments or reactions).
 */
export const ChatMessage = z
  .object({
    messageId: Id,
    channelId: Id,
    seq: z.number().int().min(1),
    version: z.number().int().min(1),
    authorId: Id,
    text: z.string().max(MAX_CHAT_TEXT),
    createdAt: z.iso.datetime({ offset: true }),
    editedAt: z.iso.datetime({ offset: true }).nullable(),
    deleted: z.boolean(),
    threadRootId: Id.nullable(),
    /** A thread reply also shown in the channel. */
    alsoToChannel: z.boolean(),
    attachments: z.array(ChatAttachment),
    mentions: ChatMentions,
    reactions: z.array(ChatReaction),
    pinned: z.boolean(),
    /** Set on a thread's root once it has replies. */
    thread: ThreadSummary.nullable(),
  })
  .strict();
export type ChatMessage = z.infer<typeof ChatMessage>;

/** A channel as its events and lists carry it. `seq` is its latest sequence number. */
export const ChatChannel = z
  .object({
    channelId: Id,
    kind: ChannelKind,
    name: z.string().max(80),
    topic: z.string().max(250),
    description: z.string().max(1000),
    archived: z.boolean(),
    createdBy: Id,
    createdAt: z.iso.datetime({ offset: true }),
    seq: z.number().int().min(0),
    memberCount: z.number().int().min(0),
    lastActivityAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type ChatChannel = z.infer<typeof ChatChannel>;

/** Which channel an event is about, with what a consumer needs to route it without a lookup. */
export const ChannelRef = z.object({ channelId: Id, kind: ChannelKind, name: z.string().max(80) }).strict();
export type ChannelRef = z.infer<typeof ChannelRef>;

const Seq = z.number().int().min(1);
const Command = { commandId: CommandId, channelId: Id, userId: Id, workspaceRole: z.enum(['admin', 'member', 'guest']) };

/**
 * Event types carried by `chat.commands.v1` (gateway → chat service), keyed by
 * `<tenant>/<channelId>` so one channel's commands are applied in order by one writer. `userId` is
 * the acting user as the gateway authenticated them; the chat service re-checks every permission.
 */
export const ChatCommandSchemas = {
  /** Creates a channel (the creator becomes its owner; `memberIds` are added as editors). Idempotent on `channelId`. */
  'tandem.chat.channel.create': z
    .object({ ...Command, kind: ChannelKind.exclude(['dm']), name: ChannelName, topic: z.string().max(250).default(''), description: z.string().max(1000).default(''), memberIds: z.array(Id).max(1000).default([]) })
    .strict(),
  /** Renames, or sets the topic or description (fields left out are kept). */
  'tandem.chat.channel.update': z
    .object({ ...Command, name: ChannelName.optional(), topic: z.string().max(250).optional(), description: z.string().max(1000).optional() })
    .strict(),
  'tandem.chat.channel.archive': z.object({ ...Command, archived: z.boolean() }).strict(),
  /** The acting user joins a public channel. */
  'tandem.chat.member.join': z.object(Command).strict(),
  /** The acting user leaves. */
  'tandem.chat.member.leave': z.object(Command).strict(),
  /** Invites `subject` (owner only, or any member of a public channel). */
  'tandem.chat.member.add': z.object({ ...Command, subject: Id, role: ChannelRole.default('editor') }).strict(),
  'tandem.chat.member.remove': z.object({ ...Command, subject: Id }).strict(),
  'tandem.chat.member.role': z.object({ ...Command, subject: Id, role: ChannelRole }).strict(),
  /**
   * Posts a message with a client-generated `messageId` (a resend of the same id is stored once).
   * `participants` (every member, the author included) starts a DM whose `channelId` is
   * {@link dmChannelId} of them, created on this first message.
   */
  'tandem.chat.message.post': z
    .object({
      ...Command,
      messageId: Id,
      text: ChatText,
      threadRootId: Id.nullable().default(null),
      alsoToChannel: z.boolean().default(false),
      attachments: z.array(ChatAttachment).max(10).default([]),
      participants: z.array(Id).min(2).max(MAX_DM_PARTICIPANTS).nullable().default(null),
    })
    .strict(),
  'tandem.chat.message.edit': z.object({ ...Command, messageId: Id, text: ChatText }).strict(),
  'tandem.chat.message.delete': z.object({ ...Command, messageId: Id }).strict(),
  'tandem.chat.reaction.add': z.object({ ...Command, messageId: Id, emoji: Emoji }).strict(),
  'tandem.chat.reaction.remove': z.object({ ...Command, messageId: Id, emoji: Emoji }).strict(),
  'tandem.chat.message.pin': z.object({ ...Command, messageId: Id, pinned: z.boolean() }).strict(),
  /**
   * Sets the acting user's last-read marker in the channel (or in one thread): everything up to
   * `lastReadSeq` is read. Marking unread from a message is `lastReadSeq = its seq - 1`.
   */
  'tandem.chat.read.mark': z.object({ ...Command, threadRootId: Id.nullable().default(null), lastReadSeq: z.number().int().min(0) }).strict(),
  /** Follows or unfollows a thread (authors, repliers and mentioned users follow automatically). */
  'tandem.chat.thread.follow': z.object({ ...Command, threadRootId: Id, following: z.boolean() }).strict(),
};

const Stream = { channel: ChannelRef, seq: Seq, actorId: Id, commandId: CommandId };

/**
 * Event types carried by `chat.events.v1` (chat service → gateways, notifications, partners), keyed
 * by `<tenant>/<channelId>`. Every change to a channel's stream carries the channel's next `seq`
 * (gapless, from 1): a consumer holding seq n knows exactly what it missed and can ask for
 * "everything since n". The per-user events (`read.changed`, `thread.followed`,
 * `command.rejected`) carry no seq.
 */
export const ChatEventSchemas = {
  /** A channel or DM was created; `memberIds` are its members now. */
  'tandem.chat.channel.created': z.object({ ...Stream, info: ChatChannel, memberIds: z.array(Id) }).strict(),
  /** Renamed, new topic or description, archived or unarchived: `info` is the channel after it. */
  'tandem.chat.channel.updated': z.object({ ...Stream, info: ChatChannel }).strict(),
  /** `userId` joined (`actorId` is themself) or was added by `actorId`. */
  'tandem.chat.member.joined': z.object({ ...Stream, userId: Id, role: ChannelRole, memberCount: z.number().int().min(0) }).strict(),
  /** `userId` left, or was removed by `actorId`. */
  'tandem.chat.member.left': z.object({ ...Stream, userId: Id, reason: z.enum(['left', 'removed']), memberCount: z.number().int().min(0) }).strict(),
  'tandem.chat.member.role-changed': z.object({ ...Stream, userId: Id, role: ChannelRole }).strict(),
  /**
   * A message was posted (`message.threadRootId` set: a thread reply, and `root` is the root after
   * it). `memberIds` are the channel's members for DMs and private channels, and for any channel
   * when the message mentions `@channel` or `@here` (null otherwise: public channels can be large);
   * `threadFollowerIds` are the thread's followers (after this reply) for a reply, else null.
   */
  'tandem.chat.message.posted': z
    .object({ ...Stream, message: ChatMessage, excerpt: z.string().max(CHAT_EXCERPT_CHARS), root: ChatMessage.nullable(), memberIds: z.array(Id).nullable(), threadFollowerIds: z.array(Id).nullable() })
    .strict(),
  /** The text changed (the edit history is kept); `addedMentions` are users mentioned now who were not before. */
  'tandem.chat.message.edited': z.object({ ...Stream, message: ChatMessage, excerpt: z.string().max(CHAT_EXCERPT_CHARS), addedMentions: z.array(Id) }).strict(),
  /** The message is now a tombstone; `root` is a thread's root after one of its replies was deleted. */
  'tandem.chat.message.deleted': z.object({ ...Stream, message: ChatMessage, root: ChatMessage.nullable() }).strict(),
  /** `actorId` added or removed `emoji`; `message` carries every reaction after it. */
  'tandem.chat.reaction.changed': z.object({ ...Stream, message: ChatMessage, emoji: Emoji, added: z.boolean() }).strict(),
  'tandem.chat.message.pinned': z.object({ ...Stream, message: ChatMessage, pinned: z.boolean() }).strict(),
  /** A user's read state of a channel (or of one thread) changed: every device of theirs updates. */
  'tandem.chat.read.changed': z
    .object({ channel: ChannelRef, userId: Id, threadRootId: Id.nullable(), lastReadSeq: z.number().int().min(0), unread: z.number().int().min(0), mentions: z.number().int().min(0) })
    .strict(),
  'tandem.chat.thread.followed': z.object({ channel: ChannelRef, userId: Id, threadRootId: Id, following: z.boolean() }).strict(),
  /** The chat service refused a command the gateway had accepted (e.g. editing someone else's message). */
  'tandem.chat.command.rejected': z
    .object({ channelId: Id, userId: Id, commandId: CommandId, code: z.enum(['FORBIDDEN', 'NOT_FOUND', 'INVALID_MESSAGE', 'LIMIT_EXCEEDED']), message: z.string().max(500) })
    .strict(),
};

/** Event types of `chat.events.v1` that are part of a channel's sequenced stream. */
export const CHAT_STREAM_TYPES = [
  'tandem.chat.channel.created',
  'tandem.chat.channel.updated',
  'tandem.chat.member.joined',
  'tandem.chat.member.left',
  'tandem.chat.member.role-changed',
  'tandem.chat.message.posted',
  'tandem.chat.message.edited',
  'tandem.chat.message.deleted',
  'tandem.chat.reaction.changed',
  'tandem.chat.message.pinned',
] as const;
export type ChatStreamType = (typeof CHAT_STREAM_TYPES)[number];

/**
 * One change of a channel's stream, as live events carry it to clients and as catch-up returns it
 * (the same shape both ways, so a client applies them the same way).
 */
export type ChatChange = {
  [K in ChatStreamType]: { event: K; channelId: string; seq: number; time: string; data: z.infer<(typeof ChatEventSchemas)[K]> };
}[ChatStreamType];

/**
 * The channel id of the DM between `participants` (every member, the caller included): the same set
 * always gives the same id, so the DM is created once by whoever writes first.
 */
export function dmChannelId(participants: readonly string[]): string {
  const set = [...new Set(participants)].sort();
  return `dm-${sha256Hex(set.join('\n')).slice(0, 32)}`;
}

/** The first {@link CHAT_EXCERPT_CHARS} characters of a message's text, on one line. */
export function excerptOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= CHAT_EXCERPT_CHARS ? flat : `${flat.slice(0, CHAT_EXCERPT_CHARS - 1)}…`;
}
