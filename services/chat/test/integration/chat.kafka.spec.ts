import type { ChatMessage } from '@tandem/contracts';
import { eventually, uniqueId } from '@tandem/platform/testing';
import { startChat } from './support';

/** The chat service through real Kafka and FerretDB: commands in, the store, events out, internal reads. */
describe('chat service on Kafka and FerretDB', () => {
  let sut: Awaited<ReturnType<typeof startChat>>;
  let tenant: string;

  beforeAll(async () => {
    sut = await startChat();
  }, 120_000);
  afterAll(async () => sut?.close(), 60_000);
  beforeEach(() => {
    tenant = uniqueId('tenant');
  });

  const post = (channelId: string, messageId: string, text: string, userId = 'ann') => ({ type: 'tandem.chat.message.post' as const, data: { channelId, messageId, text }, userId });

  it('stores a client message id sent three times once, and publishes it under one seq', async () => {
    await sut.send(tenant, [{ type: 'tandem.chat.channel.create', data: { channelId: 'general', kind: 'public', name: 'general', memberIds: ['bob'] } }]);
    // A retry, a resend after a reconnect and the outbox after a reload: three commands, one message id.
    const [first] = await sut.send(tenant, [post('general', 'm-once', 'hello')]);
    await sut.send(tenant, [post('general', 'm-once', 'hello')]);
    await sut.bus.publish('chat.commands.v1', [{ key: `${tenant}/general`, event: first }]); // redelivered as is
    await sut.send(tenant, [post('general', 'm-after', 'next', 'bob')]);
    await sut.reach(tenant, 'general', 3);
    await eventually(() => expect(sut.eventsOf(tenant, 'tandem.chat.message.posted').map((e) => (e.data as { message: ChatMessage }).message.messageId)).toContain('m-after'), 20_000);
    const history = await sut.query<'chat.history'>(tenant, 'bob', { type: 'chat.history', channelId: 'general' });
    expect(history.messages.map((m) => [m.messageId, m.seq])).toEqual([
      ['m-once', 2],
      ['m-after', 3],
    ]);
    const posted = sut.eventsOf(tenant, 'tandem.chat.message.posted').map((e) => [(e.data as { message: ChatMessage }).message.messageId, (e.data as { seq: number }).seq]);
    expect(new Set(posted.map(String))).toEqual(new Set(['m-once,2', 'm-after,3']));
  });

  it('pages 10,000 messages, 1,000 of them sharing one timestamp, each exactly once in order both ways', async () => {
    await sut.send(tenant, [{ type: 'tandem.chat.channel.create', data: { channelId: 'big', kind: 'private', name: 'big', memberIds: ['bob'] } }]);
    await sut.reach(tenant, 'big', 1);
    const total = Number(process.env.CHAT_TEST_TOTAL ?? 10_000);
    for (let start = 0; start < total; start += 1_000) {
      // Messages 4,001–5,000 all get the same createdAt.
      sut.clock.pinned = start === 4_000 ? new Date('2026-06-01T12:00:00.000Z') : null;
      const chunk = Array.from({ length: 1_000 }, (_, i) => post('big', `m${start + i + 1}`, `message ${start + i + 1}`, i % 2 ? 'bob' : 'ann'));
      for (let i = 0; i < chunk.length; i += 250) await sut.send(tenant, chunk.slice(i, i + 250));
      await sut.reach(tenant, 'big', start + 1_000 + 1, 180_000);
    }
    sut.clock.pinned = null;
    const page = (anchor: Record<string, unknown> | null) => sut.query<'chat.history'>(tenant, 'bob', { type: 'chat.history', channelId: 'big', anchor, limit: 200 });
    const newestFirst: string[] = [];
    let older = await page(null);
    for (;;) {
      newestFirst.push(...older.messages.map((m) => m.messageId).reverse());
      if (!older.hasBefore) break;
      older = await page({ direction: 'before', seq: older.messages[0].seq });
    }
    const oldestFirst: string[] = [];
    let newer = await page({ direction: 'after', seq: 0 });
    for (;;) {
      oldestFirst.push(...newer.messages.map((m) => m.messageId));
      if (!newer.hasAfter) break;
      newer = await page({ direction: 'after', seq: newer.messages.at(-1)!.seq });
    }
    const expected = Array.from({ length: total }, (_, i) => `m${i + 1}`);
    expect(oldestFirst).toEqual(expected);
    expect(newestFirst).toEqual([...expected].reverse());
    const sameTime = await page({ direction: 'around', seq: 4_500 });
    expect(sameTime.messages.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => 4_400 + i));
    expect(new Set(sameTime.messages.map((m) => m.createdAt))).toEqual(new Set(['2026-06-01T12:00:00.000Z']));
    expect([sameTime.hasBefore, sameTime.hasAfter]).toEqual([true, true]);
  }, 900_000);

  it('answers a non-member FORBIDDEN for every read of a private channel, and a missing channel NOT_FOUND', async () => {
    await sut.send(tenant, [{ type: 'tandem.chat.channel.create', data: { channelId: 'secret', kind: 'private', name: 'secret' } }, post('secret', 's1', 'classified')]);
    await sut.reach(tenant, 'secret', 2);
    for (const request of [
      { type: 'chat.history', channelId: 'secret' },
      { type: 'chat.catchup', channelId: 'secret', sinceSeq: 0 },
      { type: 'chat.members', channelId: 'secret' },
      { type: 'chat.message', channelId: 'secret', messageId: 's1' },
      { type: 'chat.pins', channelId: 'secret' },
      { type: 'chat.subscribe', channelId: 'secret' },
      { type: 'chat.search', query: 'classified', channelId: 'secret' },
    ]) {
      await expect(sut.query(tenant, 'eve', request)).rejects.toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    }
    expect(await sut.query(tenant, 'eve', { type: 'chat.search', query: 'classified' })).toEqual({ messages: [] });
    await expect(sut.query(tenant, 'eve', { type: 'chat.history', channelId: 'nope' })).rejects.toMatchObject({ status: 404 });
    const res = await fetch(`${sut.url}/internal/chat/${tenant}/channels/secret/access?userId=eve&role=member`);
    expect(res.status).toBe(401);
  });
});
