import type { ChatChannel, ChatMessage } from '@tandem/contracts';
import type { Connection, Model, mongo } from 'mongoose';
import { ChatMember, ChatStore, ChatWrite, HistoryQuery, MessageEdit, ReadMarker, SeqConflictError, StoredChange, ThreadFollow, UnreadQuery, inChannelView, wordsOf } from './chat-store.port';
import { ChangeSchema, ChannelSchema, ClaimSchema, CommandSchema, EditSchema, FollowSchema, MemberSchema, MessageSchema, PublishedSchema, ReadSchema, RosterSchema } from './chat.schema';

type Doc = { _id: string; [field: string]: unknown };
type Collection<T extends mongo.Document> = mongo.Collection<T>;
type AnyBulkWriteOperation<T extends mongo.Document> = mongo.AnyBulkWriteOperation<T>;

const CHANGE_FIELDS = ['event', 'channelId', 'seq', 'time', 'data', 'commandId', 'extra'] as const;
const CHANNEL_FIELDS = ['channelId', 'kind', 'name', 'topic', 'description', 'archived', 'createdBy', 'createdAt', 'seq', 'memberCount', 'lastActivityAt'] as const;
const MEMBER_FIELDS = ['channelId', 'userId', 'role', 'joinedSeq', 'active', 'version'] as const;
const MESSAGE_FIELDS = ['messageId', 'channelId', 'seq', 'version', 'authorId', 'text', 'createdAt', 'editedAt', 'deleted', 'threadRootId', 'alsoToChannel', 'attachments', 'mentions', 'reactions', 'pinned', 'thread'] as const;
const FOLLOW_FIELDS = ['channelId', 'threadRootId', 'userId', 'following', 'explicit'] as const;

function pick<T>(row: Doc, fields: readonly string[]): T {
  return Object.fromEntries(fields.map((f) => [f, row[f]])) as T;
}
const toChange = (r: Doc) => pick<StoredChange>(r, CHANGE_FIELDS);
const toChannel = (r: Doc) => pick<ChatChannel>(r, CHANNEL_FIELDS);
const toMember = (r: Doc) => pick<ChatMember>(r, MEMBER_FIELDS);
const toMessage = (r: Doc) => pick<ChatMessage>(r, MESSAGE_FIELDS);
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Seqs padded so that `_id`s sort as numbers. */
const pad = (seq: number) => String(seq).padStart(12, '0');
const isDuplicate = (error: unknown) => {
  const e = error as { code?: number; writeErrors?: Array<{ code?: number }> };
  return e.code === 11000 || (!!e.writeErrors?.length && e.writeErrors.every((w) => w.code === 11000));
};

/** Runs `fn` over `items`, at most `limit` at a time, results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}
const CONCURRENCY = 8;

/** Runs writes whose only acceptable failures are duplicate keys (a guarded upsert that lost to a newer version, an insert done already). */
async function bulk(collection: Collection<Doc>, ops: AnyBulkWriteOperation<Doc>[]): Promise<void> {
  if (!ops.length) return;
  try {
    await collection.bulkWrite(ops, { ordered: false });
  } catch (error) {
    if (!isDuplicate(error)) throw error;
  }
}

/**
 * The production chat store on MongoDB (and FerretDB 1.24) through mongoose. No transactions: the
 * log is appended first (unique `_id` per channel and seq), then the derived collections are
 * written — new documents by insert, changed ones by seq-guarded upserts by `_id` — which a replay
 * of the log repeats harmlessly.
 */
export class MongoChatStore implements ChatStore {
  private readonly models: Model<Doc>[];
  private readonly changes: Collection<Doc>;
  private readonly commands: Collection<Doc>;
  private readonly published: Collection<Doc>;
  private readonly channelRows: Collection<Doc>;
  private readonly memberRows: Collection<Doc>;
  private readonly messages: Collection<Doc>;
  private readonly editRows: Collection<Doc>;
  private readonly reads: Collection<Doc>;
  private readonly follows: Collection<Doc>;
  private readonly rosters: Collection<Doc>;
  private readonly claims: Collection<Doc>;

  constructor(private readonly connection: Connection) {
    const model = (name: string, schema: ConstructorParameters<typeof Model>[1]) => connection.model<Doc>(name, schema as never);
    this.models = [
      model('ChatChange', ChangeSchema),
      model('ChatCommand', CommandSchema),
      model('ChatPublished', PublishedSchema),
      model('ChatChannel', ChannelSchema),
      model('ChatMember', MemberSchema),
      model('ChatMessage', MessageSchema),
      model('ChatEdit', EditSchema),
      model('ChatRead', ReadSchema),
      model('ChatFollow', FollowSchema),
      model('ChatRoster', RosterSchema),
      model('ChatPostClaim', ClaimSchema),
    ];
    [this.changes, this.commands, this.published, this.channelRows, this.memberRows, this.messages, this.editRows, this.reads, this.follows, this.rosters, this.claims] = this.models.map((m) => m.collection as unknown as Collection<Doc>);
  }

  /** Builds the indexes; call once at start-up. */
  async init(): Promise<void> {
    await Promise.all(this.models.map((m) => m.createIndexes()));
  }

  async append(tenant: string, channelId: string, changes: readonly StoredChange[], commandIds: readonly string[]) {
    if (changes.length) {
      try {
        await this.changes.insertMany(
          changes.map((c) => ({ _id: `${tenant}/${c.channelId}/${pad(c.seq)}`, tenant, ...c })),
          { ordered: true },
        );
      } catch (error) {
        if (!isDuplicate(error)) throw error;
        const failed = changes[(error as { writeErrors?: Array<{ index: number }> }).writeErrors?.[0]?.index ?? 0] ?? changes[0];
        throw new SeqConflictError(failed.channelId, failed.seq);
      }
    }
    await bulk(
      this.commands,
      commandIds.map((id) => ({ insertOne: { document: { _id: `${tenant}/${channelId}/${id}` } } })),
    );
  }

  async change(tenant: string, channelId: string, seq: number) {
    const row = await this.changes.findOne({ _id: `${tenant}/${channelId}/${pad(seq)}` });
    return row ? toChange(row) : null;
  }

  async changesAfter(tenant: string, channelId: string, afterSeq: number, limit: number) {
    const rows = await this.changes.find({ tenant, channelId, seq: { $gt: afterSeq } }).sort({ seq: 1 }).limit(limit).toArray();
    return rows.map(toChange);
  }

  async appliedCommands(tenant: string, channelId: string, commandIds: readonly string[]) {
    if (!commandIds.length) return new Set<string>();
    // One exact `_id` read each: FerretDB decodes the whole collection for `$in`.
    const found = await mapLimit(commandIds, CONCURRENCY, async (id) => ((await this.commands.findOne({ _id: `${tenant}/${channelId}/${id}` })) ? id : null));
    return new Set(found.filter((id): id is string => id !== null));
  }

  async publishedSeq(tenant: string, channelId: string) {
    return ((await this.published.findOne({ _id: `${tenant}/${channelId}` }))?.seq as number | undefined) ?? 0;
  }

  async markPublished(tenant: string, channelId: string, seq: number) {
    await this.published.updateOne({ _id: `${tenant}/${channelId}` }, { $set: { seq } }, { upsert: true });
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
      else if (w.kind === 'member') members.set(`${tenant}/${w.member.channelId}/${w.member.userId}`, w.member);
      else if (w.kind === 'message') messages.set(`${tenant}/${w.message.channelId}/${w.message.messageId}`, w);
      else if (w.kind === 'edit') {
        const document = { _id: `${tenant}/${w.channelId}/${w.messageId}/${pad(w.edit.seq)}`, tenant, channelId: w.channelId, messageId: w.messageId, ...w.edit };
        edits.push({ insertOne: { document } });
      } else {
        const document = { _id: `${tenant}/${w.channelId}/${w.threadRootId}/${w.userId}`, tenant, channelId: w.channelId, threadRootId: w.threadRootId, userId: w.userId, following: true, explicit: false };
        follows.push({ insertOne: { document } });
      }
    }
    // A message's first version (its post) is inserted (the unique `_id` index makes a replay a
    // no-op); a later version is read and replaced by exact `_id` when it is newer (a guard in the
    // filter would make FerretDB decode the whole collection).
    const inserts: AnyBulkWriteOperation<Doc>[] = [];
    const replaces: Doc[] = [];
    for (const [_id, { message: m, channelKind }] of messages) {
      const document: Doc = { _id, tenant, ...m, kind: channelKind, inChannel: inChannelView(m), words: wordsOf(m.text), mentionIds: m.mentions.userIds, mentionAll: m.mentions.channel || m.mentions.here };
      if (m.version === m.seq) inserts.push({ insertOne: { document } });
      else replaces.push(document);
    }
    // Messages and members before their channel: a channel's seq says everything up to it is applied.
    await Promise.all([
      bulk(this.messages, inserts),
      this.replaceNewer(this.messages, replaces, 'version'),
      this.applyMembers(tenant, [...members.values()]),
      bulk(this.editRows, edits),
      bulk(this.follows, follows),
    ]);
    await this.replaceNewer(
      this.channelRows,
      [...channels.values()].map((c) => ({ _id: `${tenant}/${c.channelId}`, tenant, ...c, nameKey: c.name.toLowerCase() })),
      'seq',
    );
  }

  /** Replaces each document unless the stored one has `field` as high already; one exact `_id` read and write each. */
  private async replaceNewer(collection: Collection<Doc>, documents: readonly Doc[], field: 'version' | 'seq'): Promise<void> {
    await mapLimit(documents, CONCURRENCY, async (document) => {
      const had = await collection.findOne({ _id: document._id });
      if (had && (had[field] as number) >= (document[field] as number)) return;
      await collection.replaceOne({ _id: document._id }, document, { upsert: true });
    });
  }

  /**
   * Member rows go to the channel's roster (one document, what the channel's writer reads) and to
   * `chat_members` (a user's memberships); a write older than the row's version changes neither.
   */
  private async applyMembers(tenant: string, written: readonly ChatMember[]): Promise<void> {
    const byChannel = new Map<string, ChatMember[]>();
    for (const m of written) byChannel.set(m.channelId, [...(byChannel.get(m.channelId) ?? []), m]);
    await mapLimit([...byChannel], CONCURRENCY, async ([channelId, list]) => {
      const _id = `${tenant}/${channelId}`;
      const rows = new Map((await this.roster(tenant, channelId)).map((m) => [m.userId, m]));
      const changed = list.filter((m) => (rows.get(m.userId)?.version ?? -1) < m.version);
      if (!changed.length) return;
      for (const m of changed) rows.set(m.userId, pick<ChatMember>(m as unknown as Doc, MEMBER_FIELDS));
      await mapLimit(changed, CONCURRENCY, (m) => {
        const rowId = `${tenant}/${channelId}/${m.userId}`;
        return this.memberRows.replaceOne({ _id: rowId }, { _id: rowId, tenant, ...m }, { upsert: true });
      });
      await this.rosters.replaceOne({ _id }, { _id, tenant, channelId, members: [...rows.values()] }, { upsert: true });
    });
  }

  async channel(tenant: string, channelId: string) {
    const row = await this.channelRows.findOne({ _id: `${tenant}/${channelId}` });
    return row ? toChannel(row) : null;
  }

  async channels(tenant: string, channelIds: readonly string[]) {
    if (!channelIds.length) return [];
    return (await this.channelRows.find({ _id: { $in: channelIds.map((id) => `${tenant}/${id}`) } }).toArray()).map(toChannel);
  }

  async browse(tenant: string, query: string, limit: number) {
    const filter: Record<string, unknown> = { tenant, kind: 'public' };
    if (query) filter.name = { $regex: escapeRegex(query), $options: 'i' };
    return (await this.channelRows.find(filter).sort({ nameKey: 1, channelId: 1 }).limit(limit).toArray()).map(toChannel);
  }

  async member(tenant: string, channelId: string, userId: string) {
    return (await this.roster(tenant, channelId)).find((m) => m.userId === userId) ?? null;
  }

  async roster(tenant: string, channelId: string) {
    const row = await this.rosters.findOne({ _id: `${tenant}/${channelId}` });
    if (row) return (row.members as Doc[]).map(toMember);
    // No roster: a channel without members yet, or one stored before rosters existed (its rows
    // are in chat_members; the next member write creates the roster from them).
    return (await this.memberRows.find({ tenant, channelId }).toArray()).map(toMember);
  }

  async members(tenant: string, channelId: string) {
    return (await this.roster(tenant, channelId)).filter((m) => m.active).sort((a, b) => a.joinedSeq - b.joinedSeq || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  }

  async membershipsOf(tenant: string, userId: string) {
    return (await this.memberRows.find({ tenant, userId, active: true }).toArray()).map(toMember);
  }

  async message(tenant: string, channelId: string, messageId: string) {
    const row = await this.messages.findOne({ _id: `${tenant}/${channelId}/${messageId}` });
    return row ? toMessage(row) : null;
  }

  async messagesById(tenant: string, channelId: string, messageIds: readonly string[]) {
    const found = await mapLimit(messageIds, CONCURRENCY, (id) => this.message(tenant, channelId, id));
    return found.filter((m): m is ChatMessage => m !== null);
  }

  async claimMessageIds(tenant: string, channelId: string, messageIds: readonly string[]) {
    const ids = [...new Set(messageIds)];
    if (!ids.length) return new Set<string>();
    try {
      await this.claims.insertMany(
        ids.map((id) => ({ _id: `${tenant}/${channelId}/${id}` })),
        { ordered: false },
      );
      return new Set<string>();
    } catch (error) {
      if (!isDuplicate(error)) throw error;
      const failed = (error as { writeErrors?: Array<{ index: number }> }).writeErrors;
      // A duplicate without the failed indexes: treat every id as claimed before (each is then read).
      return new Set(failed?.length ? failed.map((w) => ids[w.index]) : ids);
    }
  }

  async history(tenant: string, channelId: string, q: HistoryQuery) {
    const filter: Record<string, unknown> = { tenant, channelId, seq: q.direction === 'before' ? { $lt: q.seq } : { $gt: q.seq } };
    if (q.threadRootId === null) filter.inChannel = true;
    else filter.threadRootId = q.threadRootId;
    const rows = await this.messages
      .find(filter)
      .sort({ seq: q.direction === 'before' ? -1 : 1 })
      .limit(q.limit)
      .toArray();
    return rows.map(toMessage);
  }

  async pins(tenant: string, channelId: string) {
    return (await this.messages.find({ tenant, channelId, pinned: true, deleted: false }).sort({ seq: 1 }).toArray()).map(toMessage);
  }

  async edits(tenant: string, channelId: string, messageId: string) {
    const rows = await this.editRows.find({ tenant, channelId, messageId }).sort({ seq: 1 }).toArray();
    return rows.map((r) => ({ seq: r.seq, text: r.text, editedAt: r.editedAt }) as MessageEdit);
  }

  async search(tenant: string, scope: { channelIds: readonly string[]; publicToo: boolean }, words: readonly string[], limit: number) {
    const where: Array<Record<string, unknown>> = [{ channelId: { $in: [...scope.channelIds] } }];
    if (scope.publicToo) where.push({ kind: 'public' });
    const rows = await this.messages
      .find({ tenant, deleted: false, words: { $all: [...words] }, $or: where })
      .sort({ createdAt: -1, seq: -1 })
      .limit(limit)
      .toArray();
    return rows.map(toMessage);
  }

  async unread(tenant: string, q: UnreadQuery) {
    const filter: Record<string, unknown> = { tenant, channelId: q.channelId, deleted: false, authorId: { $ne: q.userId }, seq: { $gt: q.afterSeq } };
    if (q.threadRootId === null) filter.inChannel = true;
    else filter.threadRootId = q.threadRootId;
    const [unread, mentions] = await Promise.all([this.messages.countDocuments(filter), this.messages.countDocuments({ ...filter, $or: [{ mentionIds: q.userId }, { mentionAll: true }] })]);
    return { unread, mentions };
  }

  async readMarker(tenant: string, channelId: string, userId: string, threadRootId: string | null) {
    const row = await this.reads.findOne({ _id: `${tenant}/${channelId}/${userId}/${threadRootId ?? ''}` });
    return row ? { channelId, userId, threadRootId, lastReadSeq: row.lastReadSeq as number } : null;
  }

  async setReadMarker(tenant: string, m: ReadMarker) {
    await this.reads.updateOne({ _id: `${tenant}/${m.channelId}/${m.userId}/${m.threadRootId ?? ''}` }, { $set: { lastReadSeq: m.lastReadSeq } }, { upsert: true });
  }

  async setFollow(tenant: string, f: Omit<ThreadFollow, 'explicit'>) {
    const _id = `${tenant}/${f.channelId}/${f.threadRootId}/${f.userId}`;
    await this.follows.replaceOne({ _id }, { _id, tenant, ...f, explicit: true }, { upsert: true });
  }

  async threadFollows(tenant: string, channelId: string, threadRootId: string) {
    const rows = await this.follows.find({ tenant, channelId, threadRootId }).sort({ userId: 1 }).toArray();
    return rows.map((r) => pick<ThreadFollow>(r, FOLLOW_FIELDS));
  }

  async followedBy(tenant: string, userId: string) {
    return (await this.follows.find({ tenant, userId, following: true }).toArray()).map((r) => pick<ThreadFollow>(r, FOLLOW_FIELDS));
  }

  async checkReady() {
    await this.connection.db!.admin().ping();
  }

  async close() {
    await this.connection.close();
  }
}
