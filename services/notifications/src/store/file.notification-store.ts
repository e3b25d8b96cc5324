import { DEFAULT_NOTIFICATION_PREFERENCES, Notification, NotificationPreferences } from '@tandem/contracts';
import { FileCollection } from '@tandem/platform';
import { AclSnapshot, NewNotification, NotificationStore, StoredNotification, WebhookSettings } from './notification-store.port';

type Row = StoredNotification & { tenant: string; idempotencyKey: string; deleted: boolean };
type Counter = { tenant: string; userId: string; seq: number };
type Prefs = { tenant: string; userId: string; preferences: NotificationPreferences };
type Acl = { tenant: string; resourceId: string; snapshot: AclSnapshot };
type Hook = { tenant: string; settings: WebhookSettings };
type Follow = { tenant: string; userId: string; target: string };

const strip = ({ tenant: _t, idempotencyKey: _k, deleted: _d, published: _p, ...n }: Row): Notification => n;

/** The embedded notification store: on-disk collections under `DATA_DIR/notifications`. */
export class FileNotificationStore implements NotificationStore {
  private readonly rows: FileCollection<Row>;
  private readonly counters: FileCollection<Counter>;
  private readonly prefs: FileCollection<Prefs>;
  private readonly acls: FileCollection<Acl>;
  private readonly hooks: FileCollection<Hook>;
  private readonly follows: FileCollection<Follow>;

  constructor(directory: string) {
    // The unique key of the inbox is (tenant, user, idempotency key), as in the MongoDB index.
    this.rows = new FileCollection<Row>(directory, 'notifications', (r) => `${r.tenant}/${r.userId}/${r.idempotencyKey}`);
    this.counters = new FileCollection<Counter>(directory, 'counters', (c) => `${c.tenant}/${c.userId}`);
    this.prefs = new FileCollection<Prefs>(directory, 'preferences', (p) => `${p.tenant}/${p.userId}`);
    this.acls = new FileCollection<Acl>(directory, 'acls', (a) => `${a.tenant}/${a.resourceId}`);
    this.hooks = new FileCollection<Hook>(directory, 'webhooks', (h) => h.tenant);
    this.follows = new FileCollection<Follow>(directory, 'follows', (f) => `${f.tenant}/${f.userId}/${f.target}`);
  }

  async insert(tenant: string, n: NewNotification, now: Date) {
    const existing = this.rows.get(`${tenant}/${n.userId}/${n.idempotencyKey}`);
    if (existing) return { created: false, notification: { ...strip(existing), published: existing.published } };
    const seq = (this.counters.get(`${tenant}/${n.userId}`)?.seq ?? 0) + 1;
    this.counters.put({ tenant, userId: n.userId, seq });
    const row: Row = { ...n, tenant, seq, createdAt: now.toISOString(), readAt: null, published: false, deleted: false };
    this.rows.insert(row);
    return { created: true, notification: { ...strip(row), published: false }, unread: await this.unreadCount(tenant, n.userId) };
  }

  async markPublished(tenant: string, notifications: ReadonlyArray<{ userId: string; notificationId: string }>) {
    for (const userId of new Set(notifications.map((n) => n.userId))) {
      const wanted = new Set(notifications.filter((n) => n.userId === userId).map((n) => n.notificationId));
      for (const row of this.inbox(tenant, userId, true)) if (wanted.has(row.notificationId) && !row.published) this.rows.put({ ...row, published: true });
    }
  }

  async list(tenant: string, userId: string, o: { beforeSeq: number | null; limit: number; unreadOnly: boolean }) {
    return this.inbox(tenant, userId)
      .filter((r) => (o.beforeSeq === null || r.seq < o.beforeSeq) && (!o.unreadOnly || r.readAt === null))
      .sort((a, b) => b.seq - a.seq)
      .slice(0, o.limit)
      .map(strip);
  }

  async since(tenant: string, userId: string, sinceSeq: number, limit: number) {
    return this.inbox(tenant, userId)
      .filter((r) => r.seq > sinceSeq)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit)
      .map(strip);
  }

  async unreadCount(tenant: string, userId: string) {
    return this.inbox(tenant, userId).filter((r) => r.readAt === null).length;
  }

  async markRead(tenant: string, userId: string, id: string, now: Date) {
    const row = this.byId(tenant, userId, id);
    if (!row || row.readAt !== null) return false;
    this.rows.put({ ...row, readAt: now.toISOString() });
    return true;
  }

  async markAllRead(tenant: string, userId: string, now: Date) {
    const unread = this.inbox(tenant, userId).filter((r) => r.readAt === null);
    for (const row of unread) this.rows.put({ ...row, readAt: now.toISOString() });
    return unread.length;
  }

  async delete(tenant: string, userId: string, id: string) {
    const row = this.byId(tenant, userId, id);
    if (!row) return false;
    // A tombstone, so a redelivered source event cannot bring it back.
    this.rows.put({ ...row, deleted: true });
    return true;
  }

  async preferences(tenant: string, userIds: readonly string[]) {
    return new Map(userIds.map((id) => [id, this.prefs.get(`${tenant}/${id}`)?.preferences ?? DEFAULT_NOTIFICATION_PREFERENCES]));
  }

  async savePreferences(tenant: string, userId: string, preferences: NotificationPreferences) {
    this.prefs.put({ tenant, userId, preferences });
  }

  async acl(tenant: string, resourceId: string) {
    return this.acls.get(`${tenant}/${resourceId}`)?.snapshot ?? null;
  }

  async saveAcl(tenant: string, resourceId: string, snapshot: AclSnapshot) {
    this.acls.put({ tenant, resourceId, snapshot });
  }

  async followers(tenant: string, targets: readonly string[]) {
    const wanted = new Set(targets);
    return [...new Set(this.follows.find((f) => f.tenant === tenant && wanted.has(f.target)).map((f) => f.userId))];
  }

  async setFollow(tenant: string, userId: string, target: string, following: boolean) {
    if (following) this.follows.put({ tenant, userId, target });
    else this.follows.delete(`${tenant}/${userId}/${target}`);
  }

  async following(tenant: string, userId: string) {
    return this.follows.find((f) => f.tenant === tenant && f.userId === userId).map((f) => f.target).sort();
  }

  async webhook(tenant: string) {
    return this.hooks.get(tenant)?.settings ?? null;
  }

  async saveWebhook(tenant: string, settings: WebhookSettings | null) {
    if (settings) this.hooks.put({ tenant, settings });
    else this.hooks.delete(tenant);
  }

  async checkReady() {}

  async close() {}

  private inbox(tenant: string, userId: string, withDeleted = false): Row[] {
    return this.rows.find((r) => r.tenant === tenant && r.userId === userId && (withDeleted || !r.deleted));
  }

  private byId(tenant: string, userId: string, id: string): Row | undefined {
    return this.inbox(tenant, userId).find((r) => r.notificationId === id);
  }
}
