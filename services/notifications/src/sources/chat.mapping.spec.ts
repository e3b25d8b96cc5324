import type { ChatMessage, TOPICS, TopicEvent } from '@tandem/contracts';
import { mapChatEvent } from './chat.mapping';

type ChatEvent = TopicEvent<typeof TOPICS.chatEvents>;
const time = '2026-01-01T00:00:00.000Z';

function message(overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    messageId: 'm1',
    channelId: 'c1',
    seq: 7,
    version: 7,
    authorId: 'ann',
    text: 'hello',
    createdAt: time,
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

function posted(msg: ChatMessage, opts: { kind?: 'public' | 'private' | 'dm'; memberIds?: string[] | null; threadFollowerIds?: string[] | null } = {}): ChatEvent {
  return {
    id: 'e1',
    type: 'tandem.chat.message.posted',
    source: '/chat',
    specversion: '1.0',
    time,
    tenant: 't1',
    data: {
      channel: { channelId: 'c1', kind: opts.kind ?? 'public', name: 'general' },
      seq: msg.seq,
      actorId: msg.authorId,
      commandId: 'cmd-00000001',
      message: msg,
      excerpt: msg.text,
      root: null,
      memberIds: opts.memberIds ?? null,
      threadFollowerIds: opts.threadFollowerIds ?? null,
    },
  };
}

const who = (event: ChatEvent) => mapChatEvent(event).map((c) => [c.userId, c.type]);

describe('mapChatEvent', () => {
  it('notifies mentioned users with a link to the message, never the author', () => {
    const [c, ...rest] = mapChatEvent(posted(message({ mentions: { userIds: ['bob', 'ann'], channel: false, here: false } })));
    expect(rest).toEqual([]);
    expect(c).toEqual({
      userId: 'bob',
      type: 'chat.mention',
      title: 'ann mentioned you in #general',
      body: 'hello',
      actorId: 'ann',
      link: { kind: 'chat', channelId: 'c1', messageId: 'm1', threadRootId: null, seq: 7 },
      scopes: [{ kind: 'channel', id: 'c1' }],
      idempotencyKey: 'chat:c1:m1',
      requiresDoc: null,
    });
  });

  it('notifies every member for @channel and @here', () => {
    expect(who(posted(message({ mentions: { userIds: [], channel: true, here: false } }), { memberIds: ['ann', 'bob', 'cat'] }))).toEqual([
      ['bob', 'chat.mention'],
      ['cat', 'chat.mention'],
    ]);
    expect(who(posted(message({ mentions: { userIds: [], channel: false, here: true } }), { memberIds: ['ann', 'dan'] }))).toEqual([['dan', 'chat.mention']]);
  });

  it('notifies the other members of a DM, a mention winning over the DM', () => {
    expect(who(posted(message({ mentions: { userIds: ['cat'], channel: false, here: false } }), { kind: 'dm', memberIds: ['ann', 'bob', 'cat'] }))).toEqual([
      ['cat', 'chat.mention'],
      ['bob', 'chat.dm'],
    ]);
  });

  it('tells the other members of a DM that a file was shared with them, linking to the file', () => {
    const attachments = [{ fileId: 'f-1', name: 'q3.pdf', contentType: 'application/pdf', size: 10 }];
    const cs = mapChatEvent(posted(message({ attachments, mentions: { userIds: ['cat'], channel: false, here: false } }), { kind: 'dm', memberIds: ['ann', 'bob', 'cat'] }));
    expect(cs.map((c) => [c.userId, c.type])).toEqual([
      ['cat', 'chat.mention'],
      ['bob', 'file.shared'],
    ]);
    expect(cs[1]).toMatchObject({ title: 'ann shared q3.pdf with you', link: { kind: 'file', fileId: 'f-1', docId: null, channelId: 'c1' }, idempotencyKey: 'chat:c1:m1' });
    // A file in a public channel is not "shared with you" unless you are mentioned.
    expect(who(posted(message({ attachments }), { memberIds: ['ann', 'bob'] }))).toEqual([]);
  });

  it('notifies thread followers of a reply, in the thread scope', () => {
    const [c, ...rest] = mapChatEvent(posted(message({ threadRootId: 'root' }), { threadFollowerIds: ['ann', 'bob'] }));
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ userId: 'bob', type: 'chat.reply', scopes: [{ kind: 'channel', id: 'c1' }, { kind: 'thread', id: 'root' }], link: { threadRootId: 'root' } });
  });

  it('notifies nobody who is not a member of a channel whose members it lists', () => {
    expect(who(posted(message({ mentions: { userIds: ['eve', 'bob'], channel: false, here: false } }), { kind: 'private', memberIds: ['ann', 'bob'] }))).toEqual([['bob', 'chat.mention']]);
  });

  it('notifies nobody for plain messages, deleted ones or other events', () => {
    expect(who(posted(message()))).toEqual([]);
    expect(who(posted(message({ deleted: true, mentions: { userIds: ['bob'], channel: false, here: false } })))).toEqual([]);
    const read: ChatEvent = { id: 'e2', type: 'tandem.chat.read.changed', source: '/chat', specversion: '1.0', time, tenant: 't1', data: { channel: { channelId: 'c1', kind: 'public', name: 'g' }, userId: 'bob', threadRootId: null, lastReadSeq: 1, unread: 0, mentions: 0 } };
    expect(who(read)).toEqual([]);
  });

  it('notifies users newly mentioned by an edit, with the same key as the message', () => {
    const edited: ChatEvent = {
      id: 'e3',
      type: 'tandem.chat.message.edited',
      source: '/chat',
      specversion: '1.0',
      time,
      tenant: 't1',
      data: { channel: { channelId: 'c1', kind: 'public', name: 'general' }, seq: 9, actorId: 'ann', commandId: 'cmd-00000002', message: message({ text: 'hi @cat' }), excerpt: 'hi @cat', addedMentions: ['cat', 'ann'] },
    };
    expect(mapChatEvent(edited).map((c) => [c.userId, c.type, c.idempotencyKey])).toEqual([['cat', 'chat.mention', 'chat:c1:m1']]);
  });
});
