import { uniqueId } from '@tandem/platform/testing';
import { NewNotification, NotificationStore } from './notification-store.port';

export interface NotificationStoreContractSetup {
  store: NotificationStore;
  /** A fresh store over the same data, as after a process restart. */
  reopen(): Promise<NotificationStore>;
  teardown(): Promise<void>;
}

const now = new Date('2026-01-01T00:00:00.000Z');
const note = (userId: string, key: string, overrides: Partial<NewNotification> = {}): NewNotification => ({
  notificationId: `n-${key}`,
  userId,
  idempotencyKey: key,
  type: 'chat.mention',
  title: 'ann mentioned you in #general',
  body: 'hello @bob',
  actorId: 'ann',
  link: { kind: 'chat', channelId: 'general', messageId: key, threadRootId: null, seq: 1 },
  scopes: [{ kind: 'channel', id: 'general' }],
  sourceTime: now.toISOString(),
  ...overrides,
});

/** The behaviour every notification store adapter must have: run against MongoDB/FerretDB and the files. */
export function runNotificationStoreContract(name: string, setup: () => Promise<NotificationStoreContractSetup>, timeoutMs = 20_000): void {
  describe(`NotificationStore contract: ${name}`, () => {
    let ctx: NotificationStoreContractSetup;
    let tenant: string;

    beforeAll(async () => {
      ctx = await setup();
    }, timeoutMs);
    afterAll(async () => ctx?.teardown(), timeoutMs);
    beforeEach(() => {
      tenant = uniqueId('tenant');
    });

    it('stores a notification once per user and idempotency key, numbering each user from 1', async () => {
      const first = await ctx.store.insert(tenant, note('bob', 'm1'), now);
      const again = await ctx.store.insert(tenant, note('bob', 'm1', { title: 'changed' }), now);
      const other = await ctx.store.insert(tenant, note('cat', 'm1'), now);
      const second = await ctx.store.insert(tenant, note('bob', 'm2'), now);
      expect(first).toMatchObject({ created: true, notification: { seq: 1, readAt: null, published: false, title: 'ann mentioned you in #general' } });
      expect(again).toMatchObject({ created: false, notification: { seq: 1, title: 'ann mentioned you in #general' } });
      expect(other.notification.seq).toBe(1);
      expect(second.notification.seq).toBeGreaterThan(1);
      expect(await ctx.store.unreadCount(tenant, 'bob')).toBe(2);
    }, timeoutMs);

    it('stores concurrent inserts of the same key once', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, () => ctx.store.insert(tenant, note('bob', 'race'), now)));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await ctx.store.since(tenant, 'bob', 0, 100)).toHaveLength(1);
    }, timeoutMs);

    it('gives concurrent inserts of one user distinct seqs, so a catch-up from any seq misses none', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => ctx.store.insert(tenant, note('bob', `c${i}`), now)));
      const seqs = results.map((r) => r.notification.seq);
      expect(new Set(seqs).size).toBe(20);
      expect((await ctx.store.since(tenant, 'bob', 0, 100)).map((n) => n.seq)).toEqual([...seqs].sort((a, b) => a - b));
      expect(await ctx.store.unreadCount(tenant, 'bob')).toBe(20);
    }, timeoutMs);

    it('pages the inbox newest first and catches up oldest first', async () => {
      for (let i = 1; i <= 5; i++) await ctx.store.insert(tenant, note('bob', `k${i}`), now);
      const page = await ctx.store.list(tenant, 'bob', { beforeSeq: null, limit: 2, unreadOnly: false });
      expect(page.map((n) => n.notificationId)).toEqual(['n-k5', 'n-k4']);
      const next = await ctx.store.list(tenant, 'bob', { beforeSeq: page[1].seq, limit: 10, unreadOnly: false });
      expect(next.map((n) => n.notificationId)).toEqual(['n-k3', 'n-k2', 'n-k1']);
      const since = await ctx.store.since(tenant, 'bob', page[1].seq - 1, 10);
      expect(since.map((n) => n.notificationId)).toEqual(['n-k4', 'n-k5']);
      expect(since[0]).toEqual(expect.objectContaining({ link: { kind: 'chat', channelId: 'general', messageId: 'k4', threadRootId: null, seq: 1 }, scopes: [{ kind: 'channel', id: 'general' }] }));
      expect(since[0]).not.toHaveProperty('published');
      expect(await ctx.store.since('other-tenant', 'bob', 0, 10)).toEqual([]);
    }, timeoutMs);

    it('marks one and all read, and deletes for good', async () => {
      for (let i = 1; i <= 3; i++) await ctx.store.insert(tenant, note('bob', `r${i}`), now);
      expect(await ctx.store.markRead(tenant, 'bob', 'n-r1', now)).toBe(true);
      expect(await ctx.store.markRead(tenant, 'bob', 'n-r1', now)).toBe(false);
      expect(await ctx.store.markRead(tenant, 'bob', 'missing', now)).toBe(false);
      expect(await ctx.store.unreadCount(tenant, 'bob')).toBe(2);
      expect((await ctx.store.list(tenant, 'bob', { beforeSeq: null, limit: 10, unreadOnly: true })).map((n) => n.notificationId)).toEqual(['n-r3', 'n-r2']);
      expect(await ctx.store.delete(tenant, 'bob', 'n-r3')).toBe(true);
      expect(await ctx.store.delete(tenant, 'bob', 'n-r3')).toBe(false);
      expect(await ctx.store.unreadCount(tenant, 'bob')).toBe(1);
      // A redelivered source event does not bring a deleted notification back.
      expect((await ctx.store.insert(tenant, note('bob', 'r3'), now)).created).toBe(false);
      expect(await ctx.store.markAllRead(tenant, 'bob', now)).toBe(1);
      expect(await ctx.store.unreadCount(tenant, 'bob')).toBe(0);
      const all = await ctx.store.list(tenant, 'bob', { beforeSeq: null, limit: 10, unreadOnly: false });
      expect(all.map((n) => [n.notificationId, n.readAt])).toEqual([
        ['n-r2', now.toISOString()],
        ['n-r1', now.toISOString()],
      ]);
    }, timeoutMs);

    it('keeps the unread count exact through concurrent read marks, deletions of read ones and a restart', async () => {
      for (let i = 1; i <= 6; i++) await ctx.store.insert(tenant, note('bob', `u${i}`), now);
      await Promise.all([1, 1, 1, 2, 2].map((i) => ctx.store.markRead(tenant, 'bob', `n-u${i}`, now)));
      expect(await ctx.store.unreadCount(tenant, 'bob')).toBe(4);
      await Promise.all([ctx.store.delete(tenant, 'bob', 'n-u1'), ctx.store.delete(tenant, 'bob', 'n-u1'), ctx.store.delete(tenant, 'bob', 'n-u3')]);
      expect(await ctx.store.unreadCount(tenant, 'bob')).toBe(3);
      await Promise.all([ctx.store.markAllRead(tenant, 'bob', now), ctx.store.markRead(tenant, 'bob', 'n-u4', now)]);
      expect(await ctx.store.unreadCount(tenant, 'bob')).toBe(0);
      await ctx.store.insert(tenant, note('bob', 'u7'), now);
      const reopened = await ctx.reopen();
      expect([await reopened.unreadCount(tenant, 'bob'), await reopened.unreadCount(tenant, 'nobody')]).toEqual([1, 0]);
    }, timeoutMs);

    it('keeps who follows which stats target', async () => {
      await ctx.store.setFollow(tenant, 'bob', 'player:ann', true);
      await ctx.store.setFollow(tenant, 'bob', 'player:ann', true);
      await ctx.store.setFollow(tenant, 'bob', 'board:kills', true);
      await ctx.store.setFollow(tenant, 'cat', 'board:kills', true);
      await ctx.store.setFollow(tenant, 'dan', 'player:ann', true);
      await ctx.store.setFollow(tenant, 'dan', 'player:ann', false);
      expect((await ctx.store.followers(tenant, ['player:ann', 'board:kills'])).sort()).toEqual(['bob', 'cat']);
      expect(await ctx.store.followers(tenant, ['player:zed'])).toEqual([]);
      expect(await ctx.store.following(tenant, 'bob')).toEqual(['board:kills', 'player:ann']);
    }, timeoutMs);

    it('records publishing', async () => {
      await ctx.store.insert(tenant, note('bob', 'p1'), now);
      await ctx.store.markPublished(tenant, [{ userId: 'bob', notificationId: 'n-p1' }]);
      expect((await ctx.store.insert(tenant, note('bob', 'p1'), now)).notification.published).toBe(true);
    }, timeoutMs);

    it('keeps preferences, ACL snapshots and webhooks across a restart', async () => {
      expect((await ctx.store.preferences(tenant, ['bob'])).get('bob')).toEqual({ muted: [], disabledTypes: [], doNotDisturb: false });
      await ctx.store.savePreferences(tenant, 'bob', { muted: [{ kind: 'channel', id: 'random' }], disabledTypes: ['chat.reply'], doNotDisturb: true });
      const acl = { resource: { kind: 'doc' as const, id: 'd1' }, version: 2, workspaceAccess: 'none' as const, grants: [{ userId: 'bob', role: 'editor' as const }], links: [] };
      await ctx.store.saveAcl(tenant, 'doc:d1', { previous: null, current: acl });
      await ctx.store.saveWebhook(tenant, { url: 'http://127.0.0.1:1/hook', secret: 'shh-secret-value', enabled: true });
      const reopened = await ctx.reopen();
      const prefs = await reopened.preferences(tenant, ['bob', 'cat']);
      expect(prefs.get('bob')).toEqual({ muted: [{ kind: 'channel', id: 'random' }], disabledTypes: ['chat.reply'], doNotDisturb: true });
      expect(prefs.get('cat')).toEqual({ muted: [], disabledTypes: [], doNotDisturb: false });
      expect(await reopened.acl(tenant, 'doc:d1')).toEqual({ previous: null, current: acl });
      expect(await reopened.acl(tenant, 'doc:other')).toBeNull();
      expect(await reopened.webhook(tenant)).toEqual({ url: 'http://127.0.0.1:1/hook', secret: 'shh-secret-value', enabled: true });
      await reopened.saveWebhook(tenant, null);
      expect(await reopened.webhook(tenant)).toBeNull();
    }, timeoutMs);
  });
}
