import { DEFAULT_NOTIFICATION_PREFERENCES, Notification, NotificationPreferences } from '@tandem/contracts';
import { isDuplicateKeyError } from '@tandem/platform';
import type { Connection, Model } from 'mongoose';
import { AclSnapshot, NewNotification, NotificationStore, StoredNotification, WebhookSettings } from './notification-store.port';
import { NotificationAclSchema, NotificationCounterSchema, NotificationPreferencesSchema, NotificationSchema, NotificationWebhookSchema, NotificationFollowSchema } from './notification.schema';

type Row = StoredNotification & { tenant: string; idempotencyKey: string; deleted: boolean };
type Counter = { tenant: string; userId: string; seq: number };
type Prefs = { tenant: string; userId: string; preferences: NotificationPreferences };
type Acl = { tenant: string; resourceId: string; snapshot: AclSnapshot };
type Hook = { tenant: string; settings: WebhookSettings };
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

/** The production notification store on MongoDB (and FerretDB 1.24) through mongoose. */
export class MongoNotificationStore implements NotificationStore {
  private readonly rows: Model<Row>;
  private readonly counters: Model<Counter>;
  private readonly prefs: Model<Prefs>;
  private readonly acls: Model<Acl>;
  private readonly hooks: Model<Hook>;
  private readonly follows: Model<Follow>;

  constructor(private readonly connection: Connection) {
    this.rows = connection.model<Row>('Notification', NotificationSchema);
    this.counters = connection.model<Counter>('NotificationCounter', NotificationCounterSchema);
    this.prefs = connection.model<Prefs>('NotificationPreferences', NotificationPreferencesSchema);
    this.acls = connection.model<Acl>('NotificationAcl', NotificationAclSchema);
    this.hooks = connection.model<Hook>('NotificationWebhook', NotificationWebhookSchema);
    this.follows = connection.model<Follow>('NotificationFollow', NotificationFollowSchema);
  }

  /** Builds the indexes (the unique ones make inserts idempotent); call once at start-up. */
  async init(): Promise<void> {
    await Promise.all([this.rows, this.counters, this.prefs, this.acls, this.hooks, this.follows].map((m) => m.createIndexes()));
  }

  async insert(tenant: string, n: NewNotification, now: Date) {
    const found = await this.rows.findOne({ tenant, userId: n.userId, idempotencyKey: n.idempotencyKey }).lean<Row>();
    if (found) return { created: false, notification: { ...toNotification(found), published: found.published } };
    const seq = await this.nextSeq(tenant, n.userId);
    const row: Row = { ...n, tenant, seq, createdAt: now.toISOString(), readAt: null, published: false, deleted: false };
    try {
      await this.rows.create(row);
      return { created: true, notification: { ...toNotification(row), published: false } };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // Another consumer stored it first (the seq given out is left as a gap).
      const winner = (await this.rows.findOne({ tenant, userId: n.userId, idempotencyKey: n.idempotencyKey }).lean<Row>())!;
      return { created: false, notification: { ...toNotification(winner), published: winner.published } };
    }
  }

  async markPublished(tenant: string, userId: string, ids: readonly string[]) {
    if (ids.length) await this.rows.updateMany({ tenant, userId, notificationId: { $in: [...ids] } }, { $set: { published: true } });
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

  async markRead(tenant: string, userId: string, id: string, now: Date) {
    const r = await this.rows.updateOne({ tenant, userId, notificationId: id, deleted: false, readAt: null }, { $set: { readAt: now.toISOString() } });
    return r.modifiedCount === 1;
  }

  async markAllRead(tenant: string, userId: string, now: Date) {
    const r = await this.rows.updateMany({ tenant, userId, deleted: false, readAt: null }, { $set: { readAt: now.toISOString() } });
    return r.modifiedCount;
  }

  async delete(tenant: string, userId: string, id: string) {
    const r = await this.rows.updateOne({ tenant, userId, notificationId: id, deleted: false }, { $set: { deleted: true } });
    return r.modifiedCount === 1;
  }

  async preferences(tenant: string, userIds: readonly string[]) {
    const rows = userIds.length ? await this.prefs.find({ tenant, userId: { $in: [...userIds] } }).lean<Prefs[]>() : [];
    const stored = new Map(rows.map((r) => [r.userId, r.preferences]));
    return new Map(userIds.map((id) => [id, { ...DEFAULT_NOTIFICATION_PREFERENCES, ...(stored.get(id) ?? {}) }]));
  }

  async savePreferences(tenant: string, userId: string, preferences: NotificationPreferences) {
    await this.prefs.updateOne({ tenant, userId }, { $set: { preferences } }, { upsert: true });
  }

  async acl(tenant: string, resourceId: string) {
    return (await this.acls.findOne({ tenant, resourceId }).lean<Acl>())?.snapshot ?? null;
  }

  async saveAcl(tenant: string, resourceId: string, snapshot: AclSnapshot) {
    await this.acls.updateOne({ tenant, resourceId }, { $set: { snapshot } }, { upsert: true });
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
    return (await this.hooks.findOne({ tenant }).lean<Hook>())?.settings ?? null;
  }

  async saveWebhook(tenant: string, settings: WebhookSettings | null) {
    if (settings) await this.hooks.updateOne({ tenant }, { $set: { settings } }, { upsert: true });
    else await this.hooks.deleteOne({ tenant });
  }

  async checkReady() {
    await this.connection.db!.admin().ping();
  }

  async close() {
    await this.connection.close();
  }

  private async nextSeq(tenant: string, userId: string): Promise<number> {
    // findOneAndUpdate without a projection: FerretDB 1.24 supports it; the upsert is atomic per user.
    try {
      const row = await this.counters.findOneAndUpdate({ tenant, userId }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }).lean<Counter>();
      return row!.seq;
    } catch (error) {
      // Two first-ever upserts of the same user raced: the loser's retry finds the row.
      if (!isDuplicateKeyError(error)) throw error;
      return this.nextSeq(tenant, userId);
    }
  }
}
