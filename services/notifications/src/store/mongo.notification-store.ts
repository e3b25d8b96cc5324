import { DEFAULT_NOTIFICATION_PREFERENCES, Notification, NotificationPreferences } from '@tandem/contracts';
import { isDuplicateKeyError } from '@tandem/platform';
import type { Connection, Model } from 'mongoose';
import { mapLimit } from '../map-limit';
import { AclSnapshot, NewNotification, NotificationStore, StoredNotification, WebhookSettings } from './notification-store.port';
import { NotificationAclSchema, NotificationCounterSchema, NotificationPreferencesSchema, NotificationSchema, NotificationWebhookSchema, NotificationFollowSchema, NotificationPublishedSchema } from './notification.schema';

type Row = StoredNotification & { _id: string; tenant: string; idempotencyKey: string; deleted: boolean };
type Counter = { _id: string; tenant: string; userId: string; seq: number; unread?: number };
type Prefs = { _id: string; tenant: string; userId: string; preferences: NotificationPreferences };
type Acl = { _id: string; tenant: string; resourceId: string; snapshot: AclSnapshot };
type Hook = { _id: string; tenant: string; settings: WebhookSettings };

/** Keys of the per-user rows (see notification.schema.ts: FerretDB finds a row fast only by `_id`). */
const userKey = (tenant: string, userId: string) => `${tenant}/${userId}`;
const rowKey = (tenant: string, userId: string, notificationId: string) => `${tenant}/${userId}/${notificationId}`;
const CONCURRENCY = 16;
type Follow = { tenant: string; userId: string; target: string };

function toNotification(r: Row): Notification {
  return {
    notificationId: r.notificationId,
    userId: r.userId,
    seq: r.seq,
    type: r.type,
    title: r.title,
    body: r.body ?? '',
    actorId: r.actorId ?? null,
    link: r.link,
    scopes: r.scopes ?? [],
    sourceTime: r.sourceTime,
    createdAt: r.createdAt,
    readAt: r.readAt ?? null,
  };
}

/**
 * The production notification store on MongoDB (and FerretDB 1.24) through mongoose. What happens
 * per notification reads and writes rows by `_id` only; reads of a whole inbox (pages, catch-up,
 * read-all) and conditional read marks use the secondary indexes.
 */
export class MongoNotificationStore implements NotificationStore {
  private readonly rows: Model<Row>;
  private readonly counters: Model<Counter>;
  private readonly prefs: Model<Prefs>;
  private readonly acls: Model<Acl>;
  private readonly hooks: Model<Hook>;
  private readonly follows: Model<Follow>;
  private readonly published: Model<{ _id: string }>;

  constructor(private readonly connection: Connection) {
    this.rows = connection.model<Row>('Notification', NotificationSchema);
    this.counters = connection.model<Counter>('NotificationCounter', NotificationCounterSchema);
    this.prefs = connection.model<Prefs>('NotificationPreferences', NotificationPreferencesSchema);
    this.acls = connection.model<Acl>('NotificationAcl', NotificationAclSchema);
    this.hooks = connection.model<Hook>('NotificationWebhook', NotificationWebhookSchema);
    this.follows = connection.model<Follow>('NotificationFollow', NotificationFollowSchema);
    this.published = connection.model<{ _id: string }>('NotificationPublished', NotificationPublishedSchema);
  }

  /** Builds the indexes (the unique ones make inserts idempotent); call once at start-up. */
  async init(): Promise<void> {
    await Promise.all([this.rows, this.counters, this.prefs, this.acls, this.hooks, this.follows, this.published].map((m) => m.createIndexes()));
  }

  async insert(tenant: string, n: NewNotification, now: Date) {
    const _id = rowKey(tenant, n.userId, n.notificationId);
    const found = await this.rows.findOne({ _id }).lean<Row>();
    if (found) return this.existing(found);
    // The counter's seq is a hint: FerretDB 1.24 applies concurrent updates of one row without
    // isolation (two $inc can both read 5 and write 6), so the unique (tenant, userId, seq) index
    // is what keeps seqs unique; a seq taken already is retried above it.
    // The unread count is raised with the seq (one write), and lowered again if nothing is stored.
    let taken = 0;
    for (let attempt = 1; ; attempt++) {
      const counter = await this.nextSeq(tenant, n.userId);
      const seq = Math.max(counter.seq, taken + 1);
      const row: Row = { ...n, _id, tenant, seq, createdAt: now.toISOString(), readAt: null, published: false, deleted: false };
      try {
        await this.rows.create(row);
        return { created: true, notification: { ...toNotification(row), published: false }, unread: Math.max(1, counter.unread ?? 1) };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        await this.unreadDown(tenant, n.userId, 1);
        // Another consumer stored it first (the seq given out is left as a gap), or the seq was taken.
        const winner = (await this.rows.findOne({ _id }).lean<Row>()) ?? (await this.rows.findOne({ tenant, userId: n.userId, idempotencyKey: n.idempotencyKey }).lean<Row>());
        if (winner) return { created: false, notification: { ...toNotification(winner), published: await this.isPublished(winner) } };
        if (attempt >= 100) throw error;
        taken = seq;
      }
    }
  }

  /**
   * A notification stored before. One that was never published means the process stopped between
   * storing and publishing it: the counter is set from a real count then, in case the stop also
   * left it off.
   */
  private async existing(found: Row) {
    const published = await this.isPublished(found);
    if (!published) {
      const unread = await this.rows.countDocuments({ tenant: found.tenant, userId: found.userId, deleted: false, readAt: null });
      await this.counters.updateOne({ _id: userKey(found.tenant, found.userId) }, { $set: { unread } });
    }
    return { created: false, notification: { ...toNotification(found), published } };
  }

  private async isPublished(row: Row): Promise<boolean> {
    return row.published || (await this.published.exists({ _id: row._id })) !== null;
  }

  // A mark of its own, inserted: FerretDB 1.24 reads the whole collection for every update, even
  // by _id, and an insert checks only the unique index.
  async markPublished(tenant: string, notifications: ReadonlyArray<{ userId: string; notificationId: string }>) {
    if (!notifications.length) return;
    try {
      // One write for a whole source event's notifications.
      await this.published.insertMany(
        notifications.map((n) => ({ _id: rowKey(tenant, n.userId, n.notificationId) })),
        { ordered: false },
      );
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error; // published before (a redelivery)
    }
  }

  async list(tenant: string, userId: string, o: { beforeSeq: number | null; limit: number; unreadOnly: boolean }) {
    const filter: Record<string, unknown> = { tenant, userId, deleted: false };
    if (o.beforeSeq !== null) filter.seq = { $lt: o.beforeSeq };
    if (o.unreadOnly) filter.readAt = null;
    const rows = await this.rows.find(filter).sort({ seq: -1 }).limit(o.limit).lean<Row[]>();
    return rows.map(toNotification);
  }

  async since(tenant: string, userId: string, sinceSeq: number, limit: number) {
    const rows = await this.rows.find({ tenant, userId, deleted: false, seq: { $gt: sinceSeq } }).sort({ seq: 1 }).limit(limit).lean<Row[]>();
    return rows.map(toNotification);
  }

  async unreadCount(tenant: string, userId: string) {
    return this.rows.countDocuments({ tenant, userId, deleted: false, readAt: null });
  }

  // The counter's unread is what pushes carry (a count over the inbox per push would read the whole
  // collection on FerretDB). On MongoDB every change below is atomic and the counter exact; on
  // FerretDB concurrent changes of one user's counter can be lost, so every answer to the user
  // carries a real count (unreadCount) and the SDK takes the newest.
  async markRead(tenant: string, userId: string, id: string, now: Date) {
    const r = await this.rows.updateOne({ _id: rowKey(tenant, userId, id), deleted: false, readAt: null }, { $set: { readAt: now.toISOString() } });
    if (r.modifiedCount === 1) await this.unreadDown(tenant, userId, 1);
    return r.modifiedCount === 1;
  }

  async markAllRead(tenant: string, userId: string, now: Date) {
    const r = await this.rows.updateMany({ tenant, userId, deleted: false, readAt: null }, { $set: { readAt: now.toISOString() } });
    // "All read" also resets whatever drift the counter has (see above) to a real count.
    const unread = await this.unreadCount(tenant, userId);
    await this.counters.updateOne({ _id: userKey(tenant, userId) }, { $set: { unread } });
    return r.modifiedCount;
  }

  async delete(tenant: string, userId: string, id: string) {
    const before = await this.rows.findOneAndUpdate({ _id: rowKey(tenant, userId, id), deleted: false }, { $set: { deleted: true } }, { returnDocument: 'before' }).lean<Row>();
    if (before && before.readAt === null) await this.unreadDown(tenant, userId, 1);
    return before !== null;
  }

  private async unreadDown(tenant: string, userId: string, by: number) {
    await this.counters.updateOne({ _id: userKey(tenant, userId) }, { $inc: { unread: -by } });
  }

  async preferences(tenant: string, userIds: readonly string[]) {
    const ids = [...new Set(userIds)];
    const rows = await mapLimit(ids, CONCURRENCY, (id) => this.prefs.findOne({ _id: userKey(tenant, id) }).lean<Prefs>());
    const stored = new Map(rows.filter((r): r is Prefs => r !== null).map((r) => [r.userId, r.preferences]));
    return new Map(userIds.map((id) => [id, { ...DEFAULT_NOTIFICATION_PREFERENCES, ...(stored.get(id) ?? {}) }]));
  }

  async savePreferences(tenant: string, userId: string, preferences: NotificationPreferences) {
    await this.prefs.updateOne({ _id: userKey(tenant, userId) }, { $set: { tenant, userId, preferences } }, { upsert: true });
  }

  async acl(tenant: string, resourceId: string) {
    return (await this.acls.findOne({ _id: `${tenant}/${resourceId}` }).lean<Acl>())?.snapshot ?? null;
  }

  async saveAcl(tenant: string, resourceId: string, snapshot: AclSnapshot) {
    await this.acls.updateOne({ _id: `${tenant}/${resourceId}` }, { $set: { tenant, resourceId, snapshot } }, { upsert: true });
  }

  async followers(tenant: string, targets: readonly string[]) {
    if (!targets.length) return [];
    const rows = await this.follows.find({ tenant, target: { $in: [...targets] } }).lean<Follow[]>();
    return [...new Set(rows.map((r) => r.userId))];
  }

  async setFollow(tenant: string, userId: string, target: string, following: boolean) {
    if (following) await this.follows.updateOne({ tenant, userId, target }, { $set: { tenant, userId, target } }, { upsert: true });
    else await this.follows.deleteOne({ tenant, userId, target });
  }

  async following(tenant: string, userId: string) {
    return (await this.follows.find({ tenant, userId }).lean<Follow[]>()).map((r) => r.target).sort();
  }

  async webhook(tenant: string) {
    return (await this.hooks.findOne({ _id: tenant }).lean<Hook>())?.settings ?? null;
  }

  async saveWebhook(tenant: string, settings: WebhookSettings | null) {
    if (settings) await this.hooks.updateOne({ _id: tenant }, { $set: { tenant, settings } }, { upsert: true });
    else await this.hooks.deleteOne({ _id: tenant });
  }

  async checkReady() {
    await this.connection.db!.admin().ping();
  }

  async close() {
    await this.connection.close();
  }

  /** The user's counter after taking the next seq and counting one more unread. */
  private async nextSeq(tenant: string, userId: string): Promise<Counter> {
    // findOneAndUpdate without a projection: FerretDB 1.24 supports it; the upsert is atomic per user.
    try {
      const row = await this.counters
        .findOneAndUpdate({ _id: userKey(tenant, userId) }, { $inc: { seq: 1, unread: 1 }, $setOnInsert: { tenant, userId } }, { upsert: true, returnDocument: 'after' })
        .lean<Counter>();
      return row!;
    } catch (error) {
      // Two first-ever upserts of the same user raced: the loser's retry finds the row.
      if (!isDuplicateKeyError(error)) throw error;
      return this.nextSeq(tenant, userId);
    }
  }
}
