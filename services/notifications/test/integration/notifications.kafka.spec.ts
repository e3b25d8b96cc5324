import { TOPICS, aggregateKey } from '@tandem/contracts';
import { eventually, uniqueId } from '@tandem/platform/testing';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../src/webhook/webhook-signature';
import { acl, chatKey, chatMessage, event, posted, startService } from './support';

/** Long enough for a record that should not produce anything to have been consumed. */
const SETTLE_MS = 1_500;
const settle = () => new Promise((r) => setTimeout(r, SETTLE_MS));

describe('notifications service on Kafka and FerretDB', () => {
  let sut: Awaited<ReturnType<typeof startService>>;
  let tenant: string;

  beforeAll(async () => {
    sut = await startService();
  }, 60_000);
  afterAll(async () => sut?.close(), 30_000);
  beforeEach(() => {
    tenant = uniqueId('tn');
  });

  it('notifies the members a chat message mentions, and nobody else', async () => {
    const msg = chatMessage({ channelId: 'secret', mentions: { userIds: ['bob', 'eve', 'ann'], channel: false, here: false } });
    await sut.publish(TOPICS.chatEvents, chatKey(tenant, 'secret'), posted(tenant, msg, { kind: 'private', memberIds: ['ann', 'bob', 'cat'] }));
    await eventually(async () => expect(sut.publishedFor(tenant)).toEqual([['bob', 'chat.mention']]));
    const [n] = await sut.inbox(tenant, 'bob');
    expect(n).toMatchObject({ type: 'chat.mention', actorId: 'ann', link: { kind: 'chat', channelId: 'secret', messageId: msg.messageId, threadRootId: null, seq: 1 }, readAt: null });
    await settle();
    expect(await sut.inbox(tenant, 'eve')).toEqual([]); // not a member: cannot read it
    expect(await sut.inbox(tenant, 'ann')).toEqual([]); // the sender
    expect(await sut.inbox(tenant, 'cat')).toEqual([]); // not mentioned
  });

  it('notifies DM members, @channel members and thread followers, each once per message', async () => {
    await sut.publish(TOPICS.chatEvents, chatKey(tenant, 'dm-1'), posted(tenant, chatMessage({ channelId: 'dm-1' }), { kind: 'dm', memberIds: ['ann', 'bob'] }));
    await sut.publish(
      TOPICS.chatEvents,
      chatKey(tenant, 'general'),
      posted(tenant, chatMessage({ channelId: 'general', seq: 2, mentions: { userIds: [], channel: true, here: false } }), { memberIds: ['ann', 'cat', 'dan'] }),
    );
    await sut.publish(TOPICS.chatEvents, chatKey(tenant, 'general'), posted(tenant, chatMessage({ channelId: 'general', seq: 3, authorId: 'cat', threadRootId: 'root-1' }), { threadFollowerIds: ['ann', 'cat'] }));
    await eventually(async () =>
      expect([...sut.publishedFor(tenant)].sort()).toEqual([
        ['ann', 'chat.reply'],
        ['bob', 'chat.dm'],
        ['cat', 'chat.mention'],
        ['dan', 'chat.mention'],
      ]),
    );
  });

  it('creates one notification when the same source event is consumed twice or published again', async () => {
    const msg = chatMessage({ channelId: 'general', mentions: { userIds: ['bob'], channel: false, here: false } });
    const original = posted(tenant, msg);
    await sut.publish(TOPICS.chatEvents, chatKey(tenant, 'general'), original);
    await sut.publish(TOPICS.chatEvents, chatKey(tenant, 'general'), original); // redelivered as is
    await sut.publish(TOPICS.chatEvents, chatKey(tenant, 'general'), posted(tenant, msg)); // the same message, another event id
    await eventually(async () => expect(sut.publishedFor(tenant)).toEqual([['bob', 'chat.mention']]));
    await settle();
    expect(sut.publishedFor(tenant)).toHaveLength(1);
    expect(await sut.inbox(tenant, 'bob')).toHaveLength(1);
    expect(await sut.query(tenant, 'bob', { type: 'notifications.unread' })).toEqual({ unread: 1 });
  });

  it('tells users they were given access to a document, comparing ACL versions', async () => {
    const key = aggregateKey(tenant, 'doc:plan');
    await sut.publish(TOPICS.acl, key, event(tenant, 'tandem.acl.changed', acl('plan', 1, [{ userId: 'ann', role: 'owner' }])));
    await sut.publish(TOPICS.acl, key, event(tenant, 'tandem.acl.changed', acl('plan', 2, [{ userId: 'ann', role: 'owner' }, { userId: 'bob', role: 'viewer' }])));
    await sut.publish(TOPICS.acl, key, event(tenant, 'tandem.acl.changed', acl('plan', 2, [{ userId: 'ann', role: 'owner' }, { userId: 'bob', role: 'viewer' }]))); // re-announced
    await sut.publish(TOPICS.acl, key, event(tenant, 'tandem.acl.changed', acl('plan', 3, [{ userId: 'ann', role: 'owner' }, { userId: 'bob', role: 'editor' }, { userId: 'cat', role: 'commenter' }])));
    // Users' notifications travel on their own partitions: compare without the order across users.
    await eventually(async () =>
      expect([...sut.publishedFor(tenant)].sort()).toEqual([
        ['bob', 'doc.shared'],
        ['bob', 'doc.shared'],
        ['cat', 'doc.shared'],
      ]),
    );
    expect((await sut.inbox(tenant, 'bob')).map((n) => n.link)).toEqual([
      { kind: 'doc', docId: 'plan', role: 'viewer', docKind: null },
      { kind: 'doc', docId: 'plan', role: 'editor', docKind: null },
    ]);
    await settle();
    expect(await sut.inbox(tenant, 'ann')).toEqual([]);
  });

  it('tells followers of a player about personal bests and rank changes', async () => {
    await sut.query(tenant, 'bob', { type: 'notifications.follow', target: { kind: 'player', id: 'ann' }, following: true });
    await sut.query(tenant, 'cat', { type: 'notifications.follow', target: { kind: 'board', id: 'kills-weekly' }, following: true });
    await sut.publish(TOPICS.statsEvents, aggregateKey(tenant, 'player:ann'), event(tenant, 'tandem.stats.record.broken', { playerId: 'ann', stat: 'kills', value: 12, previous: 11, matchId: 'm-1' }));
    await sut.publish(TOPICS.statsEvents, aggregateKey(tenant, 'player:ann'), event(tenant, 'tandem.stats.rank.changed', { boardId: 'kills-weekly', period: 'p1', playerId: 'ann', rank: 2, previousRank: 4, score: 120 }));
    await eventually(async () =>
      expect([...sut.publishedFor(tenant)].sort()).toEqual([
        ['bob', 'stats.personal-best'],
        ['bob', 'stats.rank-changed'],
        ['cat', 'stats.rank-changed'],
      ]),
    );
  });

  it('honours muted channels and threads, switched-off types and do-not-disturb', async () => {
    await sut.query(tenant, 'bob', { type: 'notifications.mute', scope: { kind: 'channel', id: 'noisy' }, muted: true });
    await sut.query(tenant, 'cat', { type: 'notifications.preferences.set', disabledTypes: ['chat.mention'] });
    await sut.query(tenant, 'dan', { type: 'notifications.preferences.set', doNotDisturb: true });
    const mentions = { userIds: ['bob', 'cat', 'dan', 'eve'], channel: false, here: false };
    await sut.publish(TOPICS.chatEvents, chatKey(tenant, 'noisy'), posted(tenant, chatMessage({ channelId: 'noisy', mentions })));
    await eventually(async () => expect(sut.publishedFor(tenant)).toEqual([['eve', 'chat.mention']]));
    // Do-not-disturb: stored, counted, not pushed.
    await eventually(async () => expect(await sut.inbox(tenant, 'dan')).toHaveLength(1));
    await settle();
    expect(sut.publishedFor(tenant)).toEqual([['eve', 'chat.mention']]);
    expect(await sut.inbox(tenant, 'bob')).toEqual([]);
    expect(await sut.inbox(tenant, 'cat')).toEqual([]);
    // Unmuted, the next one arrives.
    await sut.query(tenant, 'bob', { type: 'notifications.mute', scope: { kind: 'channel', id: 'noisy' }, muted: false });
    await sut.publish(TOPICS.chatEvents, chatKey(tenant, 'noisy'), posted(tenant, chatMessage({ channelId: 'noisy', seq: 2, mentions: { userIds: ['bob'], channel: false, here: false } })));
    await eventually(async () => expect(sut.publishedFor(tenant)).toContainEqual(['bob', 'chat.mention']));
  });

  it('pages, marks read and deletes, publishing the new unread count', async () => {
    for (let i = 1; i <= 3; i++) {
      await sut.publish(TOPICS.chatEvents, chatKey(tenant, 'general'), posted(tenant, chatMessage({ seq: i, mentions: { userIds: ['bob'], channel: false, here: false } })));
    }
    await eventually(async () => expect(await sut.inbox(tenant, 'bob')).toHaveLength(3));
    const page = await sut.query(tenant, 'bob', { type: 'notifications.list', limit: 2 });
    expect(page).toMatchObject({ hasMore: true, unread: 3 });
    const [newest, middle] = page.notifications as Array<{ notificationId: string; seq: number }>;
    expect(newest.seq).toBeGreaterThan(middle.seq);
    expect(await sut.query(tenant, 'bob', { type: 'notifications.read', notificationId: newest.notificationId })).toEqual({ changed: true, unread: 2 });
    expect(await sut.query(tenant, 'bob', { type: 'notifications.delete', notificationId: middle.notificationId })).toEqual({ deleted: true, unread: 1 });
    expect(await sut.query(tenant, 'bob', { type: 'notifications.read-all' })).toEqual({ changed: 1, unread: 0 });
    expect(await sut.inbox(tenant, 'bob')).toHaveLength(2);
  });

  it('posts each notification to the tenant webhook, signed with HMAC', async () => {
    const received: Array<{ body: string; headers: IncomingMessage['headers'] }> = [];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ body, headers: req.headers });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const res = await fetch(`${sut.url}/internal/notifications/${tenant}/webhook`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: 'Bearer internal-token-for-tests' },
        body: JSON.stringify({ url: hookUrl, secret: 'webhook-secret-0123456789' }),
      });
      expect(res.status).toBe(204);
      await sut.publish(TOPICS.chatEvents, chatKey(tenant, 'general'), posted(tenant, chatMessage({ mentions: { userIds: ['bob'], channel: false, here: false } })));
      await eventually(() => expect(received).toHaveLength(1));
      const [{ body, headers }] = received;
      expect(verifyWebhook('webhook-secret-0123456789', { signature: headers['x-tandem-signature'] as string, timestamp: headers['x-tandem-timestamp'] as string }, body, Math.floor(Date.now() / 1000))).toBe(true);
      expect(JSON.parse(body)).toMatchObject({ tenant, notification: { userId: 'bob', type: 'chat.mention' } });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('refuses internal calls without the token', async () => {
    const res = await fetch(`${sut.url}/internal/notifications/${tenant}/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'bob', request: { type: 'notifications.unread' } }) });
    expect(res.status).toBe(401);
  });
});
