import type { ChatChannel, ChatMessage } from '@tandem/contracts';
import { isDuplicateKeyError } from '@tandem/platform';
import type { AnyBulkWriteOperation, Connection, Model } from 'mongoose';
import { ChatMember, ChatStore, ChatWrite, HistoryQuery, MessageEdit, ReadMarker, SeqConflictError, StoredChange, ThreadFollow, UnreadQuery, inChannelView, wordsOf } from './chat-store.port';
import { ChangeSchema, ChannelSchema, EditSchema, FollowSchema, MemberSchema, MessageSchema, ReadSchema } from './chat.schema';

type Doc = Record<string, unknown>;

const CHANGE_FIELDS = ['event', 'channelId', 'seq', 'time', 'data', 'commandId', 'extra'] as const;
const CHANNEL_FIELDS = ['channelId', 'kind', 'name', 'topic', 'description', 'archived', 'createdBy', 'createdAt', 'seq', 'memberCount', 'lastActivityAt'] as const;
const MEMBER_FIELDS = ['channelId', 'userId', 'role', 'joinedSeq', 'active', 'version'] as const;
const MESSAGE_FIELDS = ['messageId', 'channelId', 'seq', 'version', 'authorId', 'text', 'createdAt', 'editedAt', 'deleted', 'threadRootId', 'alsoToChannel', 'attachments', 'mentions', 'reactions', 'pinned', 'thread'] as const;

function pick<T>(row: Doc, fields: readonly string[]): T {
  return Object.fromEntries(fields.map((f) => [f, row[f]])) as T;
}
const toChange = (r: Doc) => pick<StoredChange>(r, CHANGE_FIELDS);
const toChannel = (r: Doc) => pick<ChatChannel>(r, CHANNEL_FIELDS);
const toMember = (r: Doc) => pick<ChatMember>(r, MEMBER_FIELDS);
const toMessage = (r: Doc) => pick<ChatMessage>(r, MESSAGE_FIELDS);
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Runs a bulk write whose only acceptable failures are duplicate keys (a guarded upsert that lost to a newer version). */
async function bulk(model: Model<Doc>, ops: AnyBulkWriteOperation<Doc>[]): Promise<void> {
  if (!ops.length) return;
  try {
    await model.bulkWrite(ops, { ordered: false });
  } catch (error) {
    const writeErrors = (error as { writeErrors?: Array<{ code?: number; err?: { code?: number } }> }).writeErrors;
    const codes = writeErrors?.map((e) => e.code ?? e.err?.code) ?? [(error as { code?: number }).code];
    if (!codes.length || codes.some((c) => c !== 11000)) throw error;
  }
}

/**
 * The production chat store on MongoDB (and FerretDB 1.24) through mongoose. No transactions: the
 * log is appended first (unique seq per channel), then the derived collections are written with
 * seq-guarded upserts that a replay of the log repeats harmlessly.
 */
export class MongoChatStore implements ChatStore {
  private readonly changes: Model<Doc>;
  private readonly channelRows: Model<Doc>;
  private readonly memberRows: Model<Doc>;
  private readonly messages: Model<Doc>;
  private readonly editRows: Model<Doc>;
  private readonly reads: Model<Doc>;
  private readonly follows: Model<Doc>;

  constructor(private readonly connection: Connection) {
    this.changes = connection.model<Doc>('ChatChange', ChangeSchema);
    this.channelRows = connection.model<Doc>('ChatChannel', ChannelSchema);
    this.memberRows = connection.model<Doc>('ChatMember', MemberSchema);
    this.messages = connection.model<Doc>('ChatMessage', MessageSchema);
    this.editRows = connection.model<Doc>('ChatEdit', EditSchema);
    this.reads = connection.model<Doc>('ChatRead', ReadSchema);
    this.follows = connection.model<Doc>('ChatFollow', FollowSchema);
  }

  /** Builds the indexes (the unique ones carry the idempotence); call once at start-up. */
  async init(): Promise<void> {
    await Promise.all([this.changes, this.channelRows, this.memberRows, this.messages, this.editRows, this.reads, this.follows].map((m) => m.createIndexes()));
  }

  async append(tenant: string, changes: readonly StoredChange[]) {
    if (!changes.length) return;
    try {
      await this.changes.collection.insertMany(
        changes.map((c) => ({ tenant, ...c })),
        { ordered: true },
      );
    } catch (error) {
      if (!isDuplicateKeyError(error) && !(error as { writeErrors?: unknown }).writeErrors) throw error;
      const failed = changes[(error as { writeErrors?: Array<{ index: number }> }).writeErrors?.[0]?.index ?? 0];
      throw new SeqConflictError(failed.channelId, failed.seq);
    }
  }

  async changesAfter(tenant: string, channelId: string, afterSeq: number, limit: number) {
    const rows = await this.changes.find({ tenant, channelId, seq: { $gt: afterSeq } }).sort({ seq: 1 }).limit(limit).lean<Doc[]>();
    return rows.map(toChange);
  }

  async changesOf(tenant: string, channelId: string, commandIds: readonly string[]) {
    if (!commandIds.length) return [];
    const rows = await this.changes.find({ tenant, channelId, commandId: { $in: [...commandIds] } }).sort({ seq: 1 }).lean<Doc[]>();
    return rows.map(toChange);
  }

  async latestSeq(tenant: string, channelId: string) {
    const row = await this.changes.findOne({ tenant, channelId }).sort({ seq: -1 }).lean<Doc>();
    return (row?.seq as number | undefined) ?? 0;
  }

  async apply(tenant: string, writes: readonly ChatWrite[]) {
    // Only the newest write of each document matters (every write carries the whole document).
    const channels = new Map<string, ChatChannel>();
    const members = new Map<string, ChatMember>();
    const messages = new Map<string, Extract<ChatWrite, { kind: 'message' }>>();
    const edits: AnyBulkWriteOperation<Doc>[] = [];
    const follows: AnyBulkWriteOperation<Doc>[] = [];
    for (const w of writes) {
      if (w.kind === 'channel') channels.set(w.channel.channelId, w.channel);
      else if (w.kind === 'member') members.set(`${w.member.channelId}/${w.member.userId}`, w.member);
      else if (w.kind === 'message') messages.set(`${w.message.channelId}/${w.message.messageId}`, w);
      else if (w.kind === 'edit') {
        const key = { tenant, channelId: w.channelId, messageId: w.messageId, seq: w.edit.seq };
        edits.push({ updateOne: { filter: key, update: { $set: { ...key, text: w.edit.text, editedAt: w.edit.editedAt } }, upsert: true } });
      } else {
        const key = { tenant, channelId: w.channelId, threadRootId: w.threadRootId, userId: w.userId };
        follows.push({ updateOne: { filter: key, update: { $setOnInsert: { ...key, following: true, explicit: false } }, upsert: true } });
      }
    }
    // Messages before their channel: a channel's seq says everything up to it is applied.
    await bulk(
      this.messages,
      [...messages.values()].map(({ message: m, channelKind }) => ({
        replaceOne: {
          filter: { tenant, channelId: m.channelId, messageId: m.messageId, version: { $lt: m.version } },
          replacement: { tenant, ...m, kind: channelKind, inChannel: inChannelView(m), words: wordsOf(m.text), mentionIds: m.mentions.userIds, mentionAll: m.mentions.channel || m.mentions.here },
          upsert: true,
        },
      })),
    );
    await Promise.all([
      bulk(this.editRows, edits),
      bulk(this.follows, follows),
      bulk(
        this.memberRows,
        [...members.values()].map((m) => ({ replaceOne: { filter: { tenant, channelId: m.channelId, userId: m.userId, version: { $lt: m.version } }, replacement: { tenant, ...m }, upsert: true } })),
      ),
    ]);
    await bulk(
      this.channelRows,
      [...channels.values()].map((c) => ({ replaceOne: { filter: { tenant, channelId: c.channelId, seq: { $lt: c.seq } }, replacement: { tenant, ...c, nameKey: c.name.toLowerCase() }, upsert: true } })),
    );
  }

  async channel(tenant: string, channelId: string) {
    const row = await this.channelRows.findOne({ tenant, channelId }).lean<Doc>();
    return row ? toChannel(row) : null;
  }

  async channels(tenant: string, channelIds: readonly string[]) {
    if (!channelIds.length) return [];
    return (await this.channelRows.find({ tenant, channelId: { $in: [...channelIds] } }).lean<Doc[]>()).map(toChannel);
  }

  async browse(tenant: string, query: string, limit: number) {
    const filter: Doc = { tenant, kind: 'public' };
    if (query) filter.name = { $regex: escapeRegex(query), $options: 'i' };
    return (await this.channelRows.find(filter).sort({ nameKey: 1, channelId: 1 }).limit(limit).lean<Doc[]>()).map(toChannel);
  }

  async member(tenant: string, channelId: string, userId: string) {
    const row = await this.memberRows.findOne({ tenant, channelId, userId }).lean<Doc>();
    return row ? toMember(row) : null;
  }

  async members(tenant: string, channelId: string) {
    return (await this.memberRows.find({ tenant, channelId, active: true }).sort({ joinedSeq: 1, userId: 1 }).lean<Doc[]>()).map(toMember);
  }

  async membershipsOf(tenant: string, userId: string) {
    return (await this.memberRows.find({ tenant, userId, active: true }).lean<Doc[]>()).map(toMember);
  }

  async message(tenant: string, channelId: string, messageId: string) {
    const row = await this.messages.findOne({ tenant, channelId, messageId }).lean<Doc>();
    return row ? toMessage(row) : null;
  }

  async history(tenant: string, channelId: string, q: HistoryQuery) {
    const filter: Doc = { tenant, channelId, seq: q.direction === 'before' ? { $lt: q.seq } : { $gt: q.seq } };
    if (q.threadRootId === null) filter.inChannel = true;
    else filter.threadRootId = q.threadRootId;
    const rows = await this.messages
      .find(filter)
      .sort({ seq: q.direction === 'before' ? -1 : 1 })
      .limit(q.limit)
      .lean<Doc[]>();
    return rows.map(toMessage);
  }

  async pins(tenant: string, channelId: string) {
    return (await this.messages.find({ tenant, channelId, pinned: true, deleted: false }).sort({ seq: 1 }).lean<Doc[]>()).map(toMessage);
  }

  async edits(tenant: string, channelId: string, messageId: string) {
    const rows = await this.editRows.find({ tenant, channelId, messageId }).sort({ seq: 1 }).lean<Doc[]>();
    return rows.map((r) => ({ seq: r.seq, text: r.text, editedAt: r.editedAt }) as MessageEdit);
  }

  async search(tenant: string, scope: { channelIds: readonly string[]; publicToo: boolean }, words: readonly string[], limit: number) {
    const where: Doc[] = [{ channelId: { $in: [...scope.channelIds] } }];
    if (scope.publicToo) where.push({ kind: 'public' });
    const rows = await this.messages
      .find({ tenant, deleted: false, words: { $all: [...words] }, $or: where })
      .sort({ createdAt: -1, seq: -1 })
      .limit(limit)
      .lean<Doc[]>();
    return rows.map(toMessage);
  }

  async unread(tenant: string, q: UnreadQuery) {
    const filter: Doc = { tenant, channelId: q.channelId, deleted: false, authorId: { $ne: q.userId }, seq: { $gt: q.afterSeq } };
    if (q.threadRootId === null) filter.inChannel = true;
    else filter.threadRootId = q.threadRootId;
    const [unread, mentions] = await Promise.all([this.messages.countDocuments(filter), this.messages.countDocuments({ ...filter, $or: [{ mentionIds: q.userId }, { mentionAll: true }] })]);
    return { unread, mentions };
  }

  async readMarker(tenant: string, channelId: string, userId: string, threadRootId: string | null) {
    const row = await this.reads.findOne({ tenant, channelId, userId, thread: threadRootId ?? '' }).lean<Doc>();
    return row ? { channelId, userId, threadRootId, lastReadSeq: row.lastReadSeq as number } : null;
  }

  async setReadMarker(tenant: string, m: ReadMarker) {
    await this.reads.updateOne({ tenant, channelId: m.channelId, userId: m.userId, thread: m.threadRootId ?? '' }, { $set: { lastReadSeq: m.lastReadSeq } }, { upsert: true });
  }

  async setFollow(tenant: string, f: Omit<ThreadFollow, 'explicit'>) {
    await this.follows.updateOne({ tenant, channelId: f.channelId, threadRootId: f.threadRootId, userId: f.userId }, { $set: { following: f.following, explicit: true } }, { upsert: true });
  }

  async threadFollows(tenant: string, channelId: string, threadRootId: string) {
    const rows = await this.follows.find({ tenant, channelId, threadRootId }).sort({ userId: 1 }).lean<Doc[]>();
    return rows.map((r) => pick<ThreadFollow>(r, ['channelId', 'threadRootId', 'userId', 'following', 'explicit']));
  }

  async followedBy(tenant: string, userId: string) {
    const rows = await this.follows.find({ tenant, userId, following: true }).lean<Doc[]>();
    return rows.map((r) => pick<ThreadFollow>(r, ['channelId', 'threadRootId', 'userId', 'following', 'explicit']));
  }

  async checkReady() {
    await this.connection.db!.admin().ping();
  }

  async close() {
    await this.connection.close();
  }
}
