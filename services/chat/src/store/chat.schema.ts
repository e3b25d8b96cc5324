import { Schema } from 'mongoose';

// Only the fields queries use are declared; the rest of each document is kept as written
// (strict: false), so a row is the domain object plus its index fields.
const loose = { versionKey: false, minimize: false, strict: false } as const;

/**
 * `chat_changes`: every channel's log, the source of truth. The unique `(channel, seq)` index is
 * what makes seq allocation safe: a second writer of a channel (a zombie after a rebalance) cannot
 * take a seq twice.
 */
export const ChangeSchema = new Schema({ tenant: { type: String, required: true }, channelId: { type: String, required: true }, seq: { type: Number, required: true }, commandId: { type: String, required: true } }, { ...loose, collection: 'chat_changes' });
ChangeSchema.index({ tenant: 1, channelId: 1, seq: 1 }, { unique: true });
ChangeSchema.index({ tenant: 1, channelId: 1, commandId: 1 });

/** `chat_channels`: each channel as of `seq`, the last change applied to it. */
export const ChannelSchema = new Schema({ tenant: { type: String, required: true }, channelId: { type: String, required: true }, kind: String, name: String, nameKey: String, seq: Number }, { ...loose, collection: 'chat_channels' });
ChannelSchema.index({ tenant: 1, channelId: 1 }, { unique: true });
ChannelSchema.index({ tenant: 1, kind: 1, nameKey: 1 });

/** `chat_members`: one row per channel and user (inactive once they left). */
export const MemberSchema = new Schema({ tenant: { type: String, required: true }, channelId: String, userId: String, active: Boolean, version: Number, joinedSeq: Number }, { ...loose, collection: 'chat_members' });
MemberSchema.index({ tenant: 1, channelId: 1, userId: 1 }, { unique: true });
MemberSchema.index({ tenant: 1, userId: 1, active: 1 });

/**
 * `chat_messages`: messages as of their `version`. Unique per client-generated message id (the
 * idempotence of a post) and per seq; `words` serves search, `inChannel`/`mentionIds`/`mentionAll`
 * the unread counts.
 */
export const MessageSchema = new Schema(
  {
    tenant: { type: String, required: true },
    channelId: String,
    messageId: String,
    seq: Number,
    version: Number,
    threadRootId: String,
    inChannel: Boolean,
    deleted: Boolean,
    authorId: String,
    kind: String,
    words: [String],
    mentionIds: [String],
    mentionAll: Boolean,
    pinned: Boolean,
    createdAt: String,
  },
  { ...loose, collection: 'chat_messages' },
);
MessageSchema.index({ tenant: 1, channelId: 1, messageId: 1 }, { unique: true });
MessageSchema.index({ tenant: 1, channelId: 1, seq: 1 }, { unique: true });
MessageSchema.index({ tenant: 1, channelId: 1, inChannel: 1, seq: 1 });
MessageSchema.index({ tenant: 1, channelId: 1, threadRootId: 1, seq: 1 });
MessageSchema.index({ tenant: 1, words: 1 });

/** `chat_edits`: earlier versions of edited messages, one per edit. */
export const EditSchema = new Schema({ tenant: { type: String, required: true }, channelId: String, messageId: String, seq: Number }, { ...loose, collection: 'chat_edits' });
EditSchema.index({ tenant: 1, channelId: 1, messageId: 1, seq: 1 }, { unique: true });

/** `chat_reads`: last-read markers per user, channel and thread (`thread` '' for the channel itself). */
export const ReadSchema = new Schema({ tenant: { type: String, required: true }, channelId: String, userId: String, thread: String, lastReadSeq: Number }, { ...loose, collection: 'chat_reads' });
ReadSchema.index({ tenant: 1, channelId: 1, userId: 1, thread: 1 }, { unique: true });

/** `chat_follows`: who follows which thread. */
export const FollowSchema = new Schema({ tenant: { type: String, required: true }, channelId: String, threadRootId: String, userId: String, following: Boolean, explicit: Boolean }, { ...loose, collection: 'chat_follows' });
FollowSchema.index({ tenant: 1, channelId: 1, threadRootId: 1, userId: 1 }, { unique: true });
FollowSchema.index({ tenant: 1, userId: 1, following: 1 });
