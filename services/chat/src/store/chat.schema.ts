import { Schema } from 'mongoose';

/*
 * Every document's `_id` is its key as a string (`<tenant>/<channel>/...`). FerretDB 1.24 (SQLite)
 * hands SQLite only a filter that is exactly `{_id: <string>}`; any other filter (`$in` of ids, an
 * `_id` with a guard such as `version: {$lt}`) makes FerretDB decode every document of the
 * collection in Go. Even the exact `_id` lookup is a scan inside SQLite (its WHERE expression,
 * `->'$._id'`, is not the indexed `->"_id"`, measured: 1 ms at 0, 43 ms at 6,000 documents), while
 * an insert checks the unique indexes in O(log n). So the post path inserts into the big
 * collections and reads only small ones by exact `_id` (a channel, its roster, its published mark);
 * reads of the big ones (a message for an edit, a thread root) go by exact `_id` one at a time.
 * The secondary indexes serve MongoDB and the range queries (history pages, counts, search). Only
 * the fields queries use are declared; the rest of each document is kept as written (strict: false).
 */
const loose = { versionKey: false, minimize: false, strict: false } as const;
const key = { _id: { type: String, required: true } };

/** `chat_changes`: every channel's log, the source of truth; `_id` `<tenant>/<channel>/<seq, padded>` makes a seq unique. */
export const ChangeSchema = new Schema({ ...key, tenant: String, channelId: String, seq: Number, commandId: String }, { ...loose, collection: 'chat_changes' });
ChangeSchema.index({ tenant: 1, channelId: 1, seq: 1 }, { unique: true });

/** `chat_commands`: commands applied (other than posts, which their message id makes idempotent). */
export const CommandSchema = new Schema({ ...key }, { ...loose, collection: 'chat_commands' });

/** `chat_published`: per channel, the seq up to which events were published. */
export const PublishedSchema = new Schema({ ...key, seq: Number }, { ...loose, collection: 'chat_published' });

/** `chat_channels`: each channel as of `seq`, the last change applied to it. */
export const ChannelSchema = new Schema({ ...key, tenant: String, channelId: String, kind: String, nameKey: String, seq: Number }, { ...loose, collection: 'chat_channels' });
ChannelSchema.index({ tenant: 1, kind: 1, nameKey: 1 });

/** `chat_members`: one row per channel and user (inactive once they left). */
export const MemberSchema = new Schema({ ...key, tenant: String, channelId: String, userId: String, active: Boolean, version: Number, joinedSeq: Number }, { ...loose, collection: 'chat_members' });
MemberSchema.index({ tenant: 1, channelId: 1, active: 1 });
MemberSchema.index({ tenant: 1, userId: 1, active: 1 });

/**
 * `chat_messages`: messages as of their `version`; `_id` `<tenant>/<channel>/<messageId>` is the
 * idempotence of a post. `words` serves search, `inChannel`/`mentionIds`/`mentionAll` the counts.
 */
export const MessageSchema = new Schema(
  { ...key, tenant: String, channelId: String, seq: Number, version: Number, threadRootId: String, inChannel: Boolean, deleted: Boolean, authorId: String, kind: String, words: [String], mentionIds: [String], mentionAll: Boolean, pinned: Boolean, createdAt: String },
  { ...loose, collection: 'chat_messages' },
);
MessageSchema.index({ tenant: 1, channelId: 1, seq: 1 }, { unique: true });
MessageSchema.index({ tenant: 1, channelId: 1, inChannel: 1, seq: 1 });
MessageSchema.index({ tenant: 1, channelId: 1, threadRootId: 1, seq: 1 });
MessageSchema.index({ tenant: 1, words: 1 });

/** `chat_rosters`: per channel (`_id` `<tenant>/<channel>`), every member row (former members too): the writer's one read of the members. */
export const RosterSchema = new Schema({ ...key }, { ...loose, collection: 'chat_rosters' });

/** `chat_post_claims`: message ids claimed by posts (`_id` `<tenant>/<channel>/<messageId>`), inserted before the post's change is appended. */
export const ClaimSchema = new Schema({ ...key }, { ...loose, collection: 'chat_post_claims' });

/** `chat_edits`: earlier versions of edited messages, one per edit. */
export const EditSchema = new Schema({ ...key, tenant: String, channelId: String, messageId: String, seq: Number }, { ...loose, collection: 'chat_edits' });
EditSchema.index({ tenant: 1, channelId: 1, messageId: 1, seq: 1 });

/** `chat_reads`: last-read markers per user, channel and thread. */
export const ReadSchema = new Schema({ ...key, lastReadSeq: Number }, { ...loose, collection: 'chat_reads' });

/** `chat_follows`: who follows which thread. */
export const FollowSchema = new Schema({ ...key, tenant: String, channelId: String, threadRootId: String, userId: String, following: Boolean, explicit: Boolean }, { ...loose, collection: 'chat_follows' });
FollowSchema.index({ tenant: 1, channelId: 1, threadRootId: 1 });
FollowSchema.index({ tenant: 1, userId: 1, following: 1 });
