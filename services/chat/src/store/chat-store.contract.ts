import type { ChatChannel, ChatMessage } from '@tandem/contracts';
import { uniqueId } from '@tandem/platform/testing';
import { ChatStore, SeqConflictError, StoredChange } from './chat-store.port';

export interface ChatStoreContractSetup {
  store: ChatStore;
  /** A fresh store over the same data, as after a process restart. */
  reopen(): Promise<ChatStore>;
  teardown(): Promise<void>;
}

const T0 = '2026-01-01T00:00:00.000Z';

export function channelOf(channelId: string, overrides: Partial<ChatChannel> = {}): ChatChannel {
  return { channelId, kind: 'public', name: channelId, topic: '', description: '', archived: false, createdBy: 'ann', createdAt: T0, seq: 1, memberCount: 1, lastActivityAt: T0, ...overrides };
}

export function messageOf(channelId: string, seq: number, overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    messageId: `m${seq}`,
    channelId,
    seq,
    version: seq,
    authorId: 'ann',
    text: `message ${seq}`,
    createdAt: T0,
    editedAt: null,
    deleted: false,
    threadRootId: null,
    alsoToChannel: false,
    attachments: [],
    mentions: { userIds: [], channel: false, here: false },
    reactions: [],
    pinned: false,
    thread: null,
    ...overrides,
  };
}

function change(channelId: string, seq: number, commandId = `cmd-${channelId}-${seq}`): StoredChange {
  const message = messageOf(channelId, seq);
  return {
    event: 'tandem.chat.message.posted',
    channelId,
    seq,
    time: T0,
    commandId,
    data: { channel: { channelId, kind: 'public', name: channelId }, seq, actorId: 'ann', commandId, message, excerpt: message.text, root: null, memberIds: null, threadFollowerIds: null },
    extra: { writes: [{ kind: 'message', message, channelKind: 'public' }] },
  };
}

/** The behaviour every chat store adapter must have: run against MongoDB/FerretDB and the files. */
export function runChatStoreContract(name: string, setup: () => Promise<ChatStoreContractSetup>, timeoutMs = 60_000): void {
  describe(`ChatStore contract: ${name}`, () => {
    let ctx: ChatStoreContractSetup;
    let tenant: string;
    let store: ChatStore;

    beforeAll(async () => {
      ctx = await setup();
      store = ctx.store;
    }, timeoutMs);
    afterAll(async () => ctx?.teardown(), timeoutMs);
    beforeEach(() => {
      tenant = uniqueId('tenant');
    });

    it('keeps the log in seq order and refuses a seq taken already, appending nothing from there', async () => {
      await store.append(tenant, 'c1', [change('c1', 1), change('c1', 2)], ['cmd-c1-2']);
      await store.append(tenant, 'c2', [change('c2', 1)], []);
      await expect(store.append(tenant, 'c1', [change('c1', 3), change('c1', 2, 'other-command'), change('c1', 4)], ['other-command'])).rejects.toBeInstanceOf(SeqConflictError);
      expect((await store.change(tenant, 'c1', 3))?.commandId).toBe('cmd-c1-3');
      expect(await store.change(tenant, 'c1', 4)).toBeNull();
      expect((await store.changesAfter(tenant, 'c1', 0, 10)).map((c) => [c.seq, c.commandId])).toEqual([
        [1, 'cmd-c1-1'],
        [2, 'cmd-c1-2'],
        [3, 'cmd-c1-3'],
      ]);
      expect((await store.changesAfter(tenant, 'c1', 1, 1)).map((c) => c.seq)).toEqual([2]);
      expect(await store.appliedCommands(tenant, 'c1', ['cmd-c1-1', 'cmd-c1-2', 'other-command'])).toEqual(new Set(['cmd-c1-2']));
      expect(await store.appliedCommands(tenant, 'c2', ['cmd-c1-2'])).toEqual(new Set());
      expect(await store.change('another-tenant', 'c1', 1)).toBeNull();
      expect(await store.publishedSeq(tenant, 'c1')).toBe(0);
      await store.markPublished(tenant, 'c1', 2);
      expect(await store.publishedSeq(tenant, 'c1')).toBe(2);
      // The change comes back exactly as appended, writes included.
      expect((await store.changesAfter(tenant, 'c2', 0, 10))[0]).toEqual(change('c2', 1));
    }, timeoutMs);

    it('lets only one of two concurrent writers take a seq', async () => {
      const results = await Promise.allSettled([store.append(tenant, 'race', [change('race', 1, 'writer-a')], []), store.append(tenant, 'race', [change('race', 1, 'writer-b')], [])]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual([expect.any(SeqConflictError)]);
      expect(await store.changesAfter(tenant, 'race', 0, 10)).toHaveLength(1);
    }, timeoutMs);

    it('applies writes idempotently: an older version never replaces a newer one', async () => {
      const edited = messageOf('c', 1, { text: 'edited', version: 3, editedAt: T0 });
      await store.apply(tenant, [
        { kind: 'channel', channel: channelOf('c', { seq: 3 }) },
        { kind: 'message', message: edited, channelKind: 'public' },
        { kind: 'member', member: { channelId: 'c', userId: 'bob', role: 'editor', joinedSeq: 2, active: false, version: 4 } },
      ]);
      // A replay of older writes (a crash recovery re-applying the log) changes nothing.
      await store.apply(tenant, [
        { kind: 'message', message: messageOf('c', 1), channelKind: 'public' },
        { kind: 'channel', channel: channelOf('c', { seq: 1, name: 'old' }) },
        { kind: 'member', member: { channelId: 'c', userId: 'bob', role: 'editor', joinedSeq: 2, active: true, version: 2 } },
      ]);
      expect(await store.message(tenant, 'c', 'm1')).toEqual(edited);
      expect(await store.channel(tenant, 'c')).toEqual(channelOf('c', { seq: 3 }));
      expect(await store.member(tenant, 'c', 'bob')).toMatchObject({ active: false, version: 4 });
      expect(await store.members(tenant, 'c')).toEqual([]);
      expect(await store.message('another-tenant', 'c', 'm1')).toBeNull();
    }, timeoutMs);

    it('pages the channel view and a thread by seq, both ways, across equal timestamps', async () => {
      const writes = [];
      for (let seq = 1; seq <= 120; seq++) {
        const reply = seq % 3 === 0;
        writes.push({ kind: 'message' as const, message: messageOf('h', seq, { threadRootId: reply ? 'm1' : null, alsoToChannel: seq % 30 === 0 }), channelKind: 'public' as const });
      }
      await store.apply(tenant, writes);
      const channelSeqs = writes.map((w) => w.message).filter((m) => !m.threadRootId || m.alsoToChannel).map((m) => m.seq);
      const before = await store.history(tenant, 'h', { threadRootId: null, direction: 'before', seq: 60, limit: 5 });
      expect(before.map((m) => m.seq)).toEqual(channelSeqs.filter((s) => s < 60).reverse().slice(0, 5));
      const after = await store.history(tenant, 'h', { threadRootId: null, direction: 'after', seq: 88, limit: 4 });
      expect(after.map((m) => m.seq)).toEqual(channelSeqs.filter((s) => s > 88).slice(0, 4));
      const thread = await store.history(tenant, 'h', { threadRootId: 'm1', direction: 'after', seq: 0, limit: 100 });
      expect(thread.map((m) => m.seq)).toEqual(writes.map((w) => w.message.seq).filter((s) => s % 3 === 0));
      expect(await store.history(tenant, 'h', { threadRootId: null, direction: 'after', seq: 120, limit: 10 })).toEqual([]);
    }, timeoutMs);

    it('counts unread messages and mentions after a marker, leaving out own, deleted and thread-only messages', async () => {
      const mention = (userIds: string[], all = false) => ({ userIds, channel: all, here: false });
      await store.apply(tenant, [
        { kind: 'message', message: messageOf('u', 1), channelKind: 'private' },
        { kind: 'message', message: messageOf('u', 2, { authorId: 'bob', mentions: mention(['ann']) }), channelKind: 'private' },
        { kind: 'message', message: messageOf('u', 3, { authorId: 'bob', mentions: mention([], true) }), channelKind: 'private' },
        { kind: 'message', message: messageOf('u', 4, { authorId: 'bob', deleted: true }), channelKind: 'private' },
        { kind: 'message', message: messageOf('u', 5, { authorId: 'bob', threadRootId: 'm1', mentions: mention(['ann']) }), channelKind: 'private' },
        { kind: 'message', message: messageOf('u', 6, { authorId: 'cat' }), channelKind: 'private' },
      ]);
      expect(await store.unread(tenant, { channelId: 'u', threadRootId: null, afterSeq: 0, userId: 'ann' })).toEqual({ unread: 3, mentions: 2 });
      expect(await store.unread(tenant, { channelId: 'u', threadRootId: null, afterSeq: 2, userId: 'ann' })).toEqual({ unread: 2, mentions: 1 });
      expect(await store.unread(tenant, { channelId: 'u', threadRootId: 'm1', afterSeq: 0, userId: 'ann' })).toEqual({ unread: 1, mentions: 1 });
      expect(await store.unread(tenant, { channelId: 'u', threadRootId: null, afterSeq: 0, userId: 'bob' })).toEqual({ unread: 2, mentions: 0 });
      expect(await store.readMarker(tenant, 'u', 'ann', null)).toBeNull();
      await store.setReadMarker(tenant, { channelId: 'u', userId: 'ann', threadRootId: null, lastReadSeq: 3 });
      await store.setReadMarker(tenant, { channelId: 'u', userId: 'ann', threadRootId: 'm1', lastReadSeq: 5 });
      await store.setReadMarker(tenant, { channelId: 'u', userId: 'ann', threadRootId: null, lastReadSeq: 2 });
      expect(await store.readMarker(tenant, 'u', 'ann', null)).toEqual({ channelId: 'u', userId: 'ann', threadRootId: null, lastReadSeq: 2 });
      expect(await store.readMarker(tenant, 'u', 'ann', 'm1')).toEqual({ channelId: 'u', userId: 'ann', threadRootId: 'm1', lastReadSeq: 5 });
    }, timeoutMs);

    it('finds messages containing every word, in the channels given or public ones, newest first', async () => {
      await store.apply(tenant, [
        { kind: 'message', message: messageOf('pub', 1, { text: 'Deploy the **release** today', createdAt: '2026-01-01T00:00:01.000Z' }), channelKind: 'public' },
        { kind: 'message', message: messageOf('pub', 2, { text: 'release notes, deploy later', createdAt: '2026-01-01T00:00:02.000Z' }), channelKind: 'public' },
        { kind: 'message', message: messageOf('pub', 3, { text: 'deploy release', deleted: true }), channelKind: 'public' },
        { kind: 'message', message: messageOf('priv', 1, { text: 'secret deploy release', createdAt: '2026-01-01T00:00:03.000Z' }), channelKind: 'private' },
        { kind: 'message', message: messageOf('pub', 4, { text: 'redeploy releases' }), channelKind: 'public' },
      ]);
      const found = (channelIds: string[], publicToo: boolean) => store.search(tenant, { channelIds, publicToo }, ['deploy', 'release'], 10).then((ms) => ms.map((m) => `${m.channelId}/${m.seq}`));
      expect(await found([], true)).toEqual(['pub/2', 'pub/1']);
      expect(await found(['priv'], true)).toEqual(['priv/1', 'pub/2', 'pub/1']);
      expect(await found(['priv'], false)).toEqual(['priv/1']);
      expect(await store.search('another-tenant', { channelIds: ['priv'], publicToo: true }, ['deploy'], 10)).toEqual([]);
    }, timeoutMs);

    it('claims message ids once: a new id is not claimed before, a repeated one is, per channel and tenant', async () => {
      expect(await store.claimMessageIds(tenant, 'c', ['a', 'b'])).toEqual(new Set());
      expect(await store.claimMessageIds(tenant, 'c', ['b', 'c', 'a', 'd'])).toEqual(new Set(['a', 'b']));
      expect(await store.claimMessageIds(tenant, 'other', ['a'])).toEqual(new Set());
      expect(await store.claimMessageIds('another-tenant', 'c', ['a'])).toEqual(new Set());
      expect(await store.claimMessageIds(tenant, 'c', [])).toEqual(new Set());
      const reopened = await ctx.reopen();
      expect(await reopened.claimMessageIds(tenant, 'c', ['d', 'e'])).toEqual(new Set(['d']));
    }, timeoutMs);

    it('keeps a roster of every member row of a channel, former members too, newest version of each', async () => {
      const bob = { channelId: 'r', userId: 'bob', role: 'editor' as const, joinedSeq: 2, active: true, version: 2 };
      await store.apply(tenant, [
        { kind: 'member', member: { channelId: 'r', userId: 'ann', role: 'owner', joinedSeq: 1, active: true, version: 1 } },
        { kind: 'member', member: bob },
        { kind: 'member', member: { channelId: 'elsewhere', userId: 'cat', role: 'editor', joinedSeq: 1, active: true, version: 1 } },
      ]);
      await store.apply(tenant, [{ kind: 'member', member: { ...bob, active: false, version: 5 } }]);
      await store.apply(tenant, [{ kind: 'member', member: { ...bob, role: 'viewer', version: 3 } }]); // older: ignored
      const byUser = (rows: Array<{ userId: string }>) => [...rows].sort((a, b) => a.userId.localeCompare(b.userId));
      expect(byUser(await store.roster(tenant, 'r'))).toEqual([
        { channelId: 'r', userId: 'ann', role: 'owner', joinedSeq: 1, active: true, version: 1 },
        { ...bob, active: false, version: 5 },
      ]);
      expect((await store.members(tenant, 'r')).map((m) => m.userId)).toEqual(['ann']);
      expect(await store.member(tenant, 'r', 'bob')).toEqual({ ...bob, active: false, version: 5 });
      expect((await store.membershipsOf(tenant, 'bob')).map((m) => m.channelId)).toEqual([]);
      expect(await store.roster(tenant, 'nope')).toEqual([]);
      expect(await store.roster('another-tenant', 'r')).toEqual([]);
    }, timeoutMs);

    it('browses public channels by name, and lists members and memberships', async () => {
      await store.apply(tenant, [
        { kind: 'channel', channel: channelOf('c-eng', { name: 'Engineering' }) },
        { kind: 'channel', channel: channelOf('c-design', { name: 'design-eng' }) },
        { kind: 'channel', channel: channelOf('c-secret', { name: 'eng-secret', kind: 'private' }) },
        { kind: 'member', member: { channelId: 'c-eng', userId: 'bob', role: 'editor', joinedSeq: 3, active: true, version: 3 } },
        { kind: 'member', member: { channelId: 'c-eng', userId: 'ann', role: 'owner', joinedSeq: 1, active: true, version: 1 } },
        { kind: 'member', member: { channelId: 'c-secret', userId: 'bob', role: 'viewer', joinedSeq: 1, active: true, version: 1 } },
      ]);
      expect((await store.browse(tenant, 'ENG', 10)).map((c) => c.channelId)).toEqual(['c-design', 'c-eng']);
      expect((await store.browse(tenant, 'eng', 1)).map((c) => c.channelId)).toEqual(['c-design']);
      expect((await store.browse(tenant, '', 10)).map((c) => c.channelId)).toEqual(['c-design', 'c-eng']);
      expect((await store.browse(tenant, '.*', 10)).map((c) => c.channelId)).toEqual([]);
      expect((await store.members(tenant, 'c-eng')).map((m) => [m.userId, m.role])).toEqual([
        ['ann', 'owner'],
        ['bob', 'editor'],
      ]);
      expect((await store.membershipsOf(tenant, 'bob')).map((m) => m.channelId).sort()).toEqual(['c-eng', 'c-secret']);
      expect((await store.channels(tenant, ['c-eng', 'nope'])).map((c) => c.name)).toEqual(['Engineering']);
    }, timeoutMs);

    it('follows threads automatically without overriding a choice, and keeps edits and pins', async () => {
      await store.setFollow(tenant, { channelId: 'f', threadRootId: 'm1', userId: 'cat', following: false });
      await store.apply(tenant, [
        { kind: 'auto-follow', channelId: 'f', threadRootId: 'm1', userId: 'ann' },
        { kind: 'auto-follow', channelId: 'f', threadRootId: 'm1', userId: 'cat' },
        { kind: 'auto-follow', channelId: 'f', threadRootId: 'm1', userId: 'ann' },
        { kind: 'edit', channelId: 'f', messageId: 'm1', edit: { seq: 5, text: 'second', editedAt: '2026-01-01T00:00:05.000Z' } },
        { kind: 'edit', channelId: 'f', messageId: 'm1', edit: { seq: 3, text: 'first', editedAt: T0 } },
        { kind: 'edit', channelId: 'f', messageId: 'm1', edit: { seq: 3, text: 'first', editedAt: T0 } },
        { kind: 'message', message: messageOf('f', 1, { pinned: true }), channelKind: 'public' },
        { kind: 'message', message: messageOf('f', 2, { pinned: true, deleted: true }), channelKind: 'public' },
        { kind: 'message', message: messageOf('f', 3), channelKind: 'public' },
      ]);
      expect((await store.threadFollows(tenant, 'f', 'm1')).map((f) => [f.userId, f.following, f.explicit])).toEqual([
        ['ann', true, false],
        ['cat', false, true],
      ]);
      await store.setFollow(tenant, { channelId: 'f', threadRootId: 'm1', userId: 'ann', following: false });
      await store.setFollow(tenant, { channelId: 'f', threadRootId: 'm1', userId: 'cat', following: true });
      expect((await store.followedBy(tenant, 'cat')).map((f) => f.threadRootId)).toEqual(['m1']);
      expect(await store.followedBy(tenant, 'ann')).toEqual([]);
      expect(await store.edits(tenant, 'f', 'm1')).toEqual([
        { seq: 3, text: 'first', editedAt: T0 },
        { seq: 5, text: 'second', editedAt: '2026-01-01T00:00:05.000Z' },
      ]);
      expect((await store.pins(tenant, 'f')).map((m) => m.messageId)).toEqual(['m1']);
    }, timeoutMs);

    it('keeps everything across a restart', async () => {
      await store.append(tenant, 'r', [change('r', 1)], ['cmd-r-1']);
      await store.markPublished(tenant, 'r', 1);
      await store.apply(tenant, [...change('r', 1).extra.writes, { kind: 'channel', channel: channelOf('r') }]);
      await store.setReadMarker(tenant, { channelId: 'r', userId: 'bob', threadRootId: null, lastReadSeq: 1 });
      const reopened = await ctx.reopen();
      expect((await reopened.change(tenant, 'r', 1))?.seq).toBe(1);
      expect(await reopened.appliedCommands(tenant, 'r', ['cmd-r-1'])).toEqual(new Set(['cmd-r-1']));
      expect(await reopened.publishedSeq(tenant, 'r')).toBe(1);
      expect(await reopened.message(tenant, 'r', 'm1')).toEqual(messageOf('r', 1));
      expect(await reopened.channel(tenant, 'r')).toEqual(channelOf('r'));
      expect(await reopened.readMarker(tenant, 'r', 'bob', null)).toMatchObject({ lastReadSeq: 1 });
      expect((await reopened.history(tenant, 'r', { threadRootId: null, direction: 'before', seq: 10, limit: 10 })).map((m) => m.seq)).toEqual([1]);
    }, timeoutMs);
  });
}
