import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chatHarness } from '../testing/chat.harness';
import { ChatStore, ChatWrite } from '../store/chat-store.port';
import { FileChatStore } from '../store/file.chat-store';
import { ChatCommandsService } from './chat-commands.service';

describe(ChatCommandsService.name, () => {
  const post = (h: ReturnType<typeof chatHarness>, channelId: string, messageId: string, text: string, userId = 'ann', extra: Record<string, unknown> = {}) =>
    h.cmd('tandem.chat.message.post', { channelId, messageId, text, ...extra }, userId);
  const create = (h: ReturnType<typeof chatHarness>, channelId: string, kind: 'public' | 'private', memberIds: string[] = [], userId = 'ann') =>
    h.cmd('tandem.chat.channel.create', { channelId, kind, name: channelId, memberIds }, userId);

  it('numbers every change of a channel from 1 without gaps, and keeps the edit history', async () => {
    const h = chatHarness();
    await h.run(create(h, 'general', 'public', ['bob']), post(h, 'general', 'm1', 'hello'), h.cmd('tandem.chat.message.edit', { channelId: 'general', messageId: 'm1', text: 'hello all' }));
    await h.run(h.cmd('tandem.chat.reaction.add', { channelId: 'general', messageId: 'm1', emoji: 'tada' }, 'bob'), h.cmd('tandem.chat.message.delete', { channelId: 'general', messageId: 'm1' }));
    expect(h.published.map((p) => [p.type, p.data.seq])).toEqual([
      ['tandem.chat.channel.created', 1],
      ['tandem.chat.message.posted', 2],
      ['tandem.chat.message.edited', 3],
      ['tandem.chat.reaction.changed', 4],
      ['tandem.chat.message.deleted', 5],
    ]);
    const { message, edits } = await h.read('bob', { type: 'chat.message', channelId: 'general', messageId: 'm1' });
    expect(message).toMatchObject({ deleted: true, text: '', reactions: [], version: 5, seq: 2 });
    expect(edits.map((e) => e.text)).toEqual(['hello']);
    expect((await h.read('bob', { type: 'chat.catchup', channelId: 'general', sinceSeq: 2 })).changes.map((c) => c.event)).toEqual(['tandem.chat.message.edited', 'tandem.chat.reaction.changed', 'tandem.chat.message.deleted']);
  });

  it('stores a message id sent three times once, and applies a redelivered command once', async () => {
    const h = chatHarness();
    await h.run(create(h, 'general', 'public'));
    const first = post(h, 'general', 'm1', 'once');
    await h.run(first, post(h, 'general', 'm1', 'once'));
    await h.run(post(h, 'general', 'm1', 'once'), first);
    const edit = h.cmd('tandem.chat.message.edit', { channelId: 'general', messageId: 'm1', text: 'twice' });
    await h.run(edit, h.cmd('tandem.chat.message.edit', { channelId: 'general', messageId: 'm1', text: 'three times' }));
    await h.run(edit); // redelivered after a later edit: must not bring "twice" back
    expect((await h.read('ann', { type: 'chat.history', channelId: 'general' })).messages.map((m) => [m.messageId, m.text])).toEqual([['m1', 'three times']]);
    const seqs = h.ofType('tandem.chat.message.posted').map((p) => p.data.seq);
    expect(seqs).toEqual([2]);
    expect((await h.store.channel(h.tenant, 'general'))?.seq).toBe(4);
  });

  it('recovers from a crash between the log and the derived state, publishing what was missed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-chat-crash-'));
    const real = new FileChatStore(dir);
    let crash = false;
    const flaky: ChatStore = new Proxy(real, {
      get: (target, prop, receiver) =>
        prop === 'apply'
          ? async (tenant: string, writes: ChatWrite[]) => {
              if (crash) throw new Error('process died');
              return target.apply(tenant, writes);
            }
          : Reflect.get(target, prop, receiver),
    });
    const h = chatHarness(flaky);
    await h.run(create(h, 'general', 'public'));
    crash = true;
    const lost = post(h, 'general', 'm1', 'in the log only');
    await expect(h.run(lost)).rejects.toThrow('process died');
    crash = false;
    await h.run(post(h, 'general', 'm2', 'next'));
    expect(h.ofType('tandem.chat.message.posted').map((p) => p.data.seq)).toEqual([2, 3]);
    expect((await h.read('ann', { type: 'chat.history', channelId: 'general' })).messages.map((m) => m.messageId)).toEqual(['m1', 'm2']);
    await h.run(lost); // the redelivery finds it applied
    expect((await h.store.channel(h.tenant, 'general'))?.seq).toBe(3);
    expect(await h.store.change(h.tenant, 'general', 4)).toBeNull();
  });

  it('enforces membership and channel roles, rejecting with a code and changing nothing', async () => {
    const h = chatHarness();
    await h.run(create(h, 'secret', 'private', ['bob']), h.cmd('tandem.chat.member.add', { channelId: 'secret', subject: 'vic', role: 'viewer' }), h.cmd('tandem.chat.member.add', { channelId: 'secret', subject: 'cal', role: 'commenter' }));
    await h.run(post(h, 'secret', 'root', 'root'));
    await h.run(
      post(h, 'secret', 'x1', 'let me in', 'eve'),
      h.cmd('tandem.chat.member.join', { channelId: 'secret' }, 'eve'),
      h.cmd('tandem.chat.reaction.add', { channelId: 'secret', messageId: 'root', emoji: 'eyes' }, 'eve'),
      post(h, 'secret', 'x2', 'viewer', 'vic'),
      post(h, 'secret', 'x3', 'commenter', 'cal'),
      post(h, 'secret', 'r1', 'a reply', 'cal', { threadRootId: 'root' }),
      h.cmd('tandem.chat.message.edit', { channelId: 'secret', messageId: 'root', text: 'mine now' }, 'bob'),
      h.cmd('tandem.chat.message.delete', { channelId: 'secret', messageId: 'r1' }, 'bob'),
      h.cmd('tandem.chat.message.delete', { channelId: 'secret', messageId: 'r1' }),
    );
    expect(h.rejections()).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    await expect(h.read('eve', { type: 'chat.history', channelId: 'secret' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(h.read('eve', { type: 'chat.catchup', channelId: 'secret', sinceSeq: 0 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await h.read('eve', { type: 'chat.search', query: 'root' })).toEqual({ messages: [] });
    expect((await h.read('vic', { type: 'chat.history', channelId: 'secret' })).messages.map((m) => [m.messageId, m.deleted])).toEqual([['root', false]]);
    expect(await h.queries.access(h.tenant, 'secret', { userId: 'eve', workspaceRole: 'member' })).toEqual({ exists: true, kind: 'private', archived: false, role: null, canRead: false });
    expect(await h.queries.access(h.tenant, 'secret', { userId: 'boss', workspaceRole: 'admin' })).toMatchObject({ role: 'owner', canRead: true });
  });

  it('creates a DM on its first message and keeps it to its members', async () => {
    const h = chatHarness();
    const dm = h.dm('ann', 'bob');
    await h.run(post(h, dm, 'd1', 'psst @bob', 'ann', { participants: ['bob', 'ann'] }), post(h, dm, 'd2', 'hi', 'bob', { participants: ['ann', 'bob'] }));
    await h.run(post(h, 'dm-wrong', 'd3', 'x', 'ann', { participants: ['ann', 'cat'] }), post(h, h.dm('ann', 'b', 'c', 'd', 'e'), 'd4', 'x', 'ann', { participants: ['ann', 'b', 'c', 'd', 'e'] }));
    expect(h.rejections()).toEqual(['INVALID_MESSAGE', 'LIMIT_EXCEEDED']);
    const posted = h.ofType('tandem.chat.message.posted');
    expect(posted.map((p) => [p.data.seq, p.data.memberIds])).toEqual([
      [2, ['ann', 'bob']],
      [3, ['ann', 'bob']],
    ]);
    expect((posted[0].data as { message: { mentions: unknown } }).message.mentions).toEqual({ userIds: ['bob'], channel: false, here: false });
    const list = (await h.read('bob', { type: 'chat.channels' })).channels;
    expect(list).toEqual([expect.objectContaining({ channelId: dm, kind: 'dm', memberIds: ['ann', 'bob'], unread: 1, mentions: 1 })]);
    await expect(h.read('cat', { type: 'chat.history', channelId: dm })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(h.read('boss', { type: 'chat.history', channelId: dm }, 'admin')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('keeps thread summaries, followers and per-thread unread counts', async () => {
    const h = chatHarness();
    await h.run(create(h, 'eng', 'public', ['bob', 'cat', 'dan']), post(h, 'eng', 'root', 'plan?'));
    await h.run(h.cmd('tandem.chat.thread.follow', { channelId: 'eng', threadRootId: 'root', following: false }, 'dan'));
    await h.run(post(h, 'eng', 'r1', 'yes @cat @dan', 'bob', { threadRootId: 'root' }), post(h, 'eng', 'r2', 'agreed', 'cat', { threadRootId: 'root', alsoToChannel: true }));
    const [r1, r2] = h.ofType('tandem.chat.message.posted').slice(1);
    expect(r1.data.threadFollowerIds).toEqual(['ann', 'bob', 'cat']);
    expect(r2.data.root).toMatchObject({ messageId: 'root', thread: { replyCount: 2, participantIds: ['bob', 'cat'], lastReplySeq: 4 } });
    expect((await h.read('ann', { type: 'chat.history', channelId: 'eng' })).messages.map((m) => m.messageId)).toEqual(['root', 'r2']);
    expect((await h.read('ann', { type: 'chat.history', channelId: 'eng', threadRootId: 'root' })).messages.map((m) => m.messageId)).toEqual(['r1', 'r2']);
    const unread = await h.read('ann', { type: 'chat.unread' });
    expect(unread.threads).toEqual([{ channelId: 'eng', threadRootId: 'root', lastReadSeq: 0, unread: 2, mentions: 0, following: true }]);
    expect(unread.channels).toEqual([{ channelId: 'eng', threadRootId: null, lastReadSeq: 1, unread: 1, mentions: 0 }]);
    expect((await h.read('dan', { type: 'chat.unread' })).threads).toEqual([]);
    await h.run(h.cmd('tandem.chat.read.mark', { channelId: 'eng', threadRootId: 'root', lastReadSeq: 3 }));
    expect(h.ofType('tandem.chat.read.changed').at(-1)!.data).toMatchObject({ userId: 'ann', threadRootId: 'root', lastReadSeq: 3, unread: 1 });
    await h.run(h.cmd('tandem.chat.message.delete', { channelId: 'eng', messageId: 'r2' }, 'cat'));
    expect((await h.read('ann', { type: 'chat.message', channelId: 'eng', messageId: 'root' })).message.thread).toMatchObject({ replyCount: 1 });
    expect((await h.read('ann', { type: 'chat.unread' })).threads[0]).toMatchObject({ unread: 0 });
  });

  it('counts mentions of @channel for everyone and lists the members on the event', async () => {
    const h = chatHarness();
    await h.run(create(h, 'all', 'public', ['bob']), post(h, 'all', 'm1', 'ping @channel'), post(h, 'all', 'm2', 'hey @nobody and @bob.'));
    const [m1, m2] = h.ofType('tandem.chat.message.posted');
    expect(m1.data.memberIds).toEqual(['ann', 'bob']);
    expect(m2.data.memberIds).toBeNull();
    expect((m2.data as { message: { mentions: unknown } }).message.mentions).toEqual({ userIds: ['bob'], channel: false, here: false });
    expect((await h.read('bob', { type: 'chat.unread' })).channels[0]).toMatchObject({ unread: 2, mentions: 2 });
    await h.run(h.cmd('tandem.chat.read.mark', { channelId: 'all', lastReadSeq: 2 }, 'bob'));
    expect((await h.read('bob', { type: 'chat.unread' })).channels[0]).toMatchObject({ lastReadSeq: 2, unread: 1, mentions: 1 });
  });

  it('refuses to create a channel twice, and lets guests neither create nor browse', async () => {
    const h = chatHarness();
    await h.run(create(h, 'general', 'public'), create(h, 'general', 'private', [], 'bob'), h.cmd('tandem.chat.channel.create', { channelId: 'g2', kind: 'public', name: 'g2' }, 'gil', 'guest'));
    // Channels of one batch are applied side by side: rejections of different channels come in any order.
    expect(h.rejections().sort()).toEqual(['FORBIDDEN', 'INVALID_MESSAGE']);
    expect(await h.read('gil', { type: 'chat.browse' }, 'guest')).toEqual({ channels: [] });
    expect((await h.read('bob', { type: 'chat.browse', query: 'GEN' })).channels.map((c) => c.channelId)).toEqual(['general']);
  });
});
