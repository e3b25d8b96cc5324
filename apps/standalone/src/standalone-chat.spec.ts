import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@tandem/platform';
import { eventually } from '@tandem/platform/testing';
import { TandemClient } from '@tandem/sdk';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStandalone } from './standalone';

/** Chat in the embedded mode: the chat module on the in-process bus and the file store, through the SDK. */
describe('standalone chat (embedded mode)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-standalone-chat-'));
  const clients: TandemClient[] = [];
  let app: INestApplication | undefined;

  const start = async () => {
    await app?.close();
    app = await startStandalone(loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }));
    return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  };
  const client = async (url: string, name: string) => {
    const res = await fetch(`${url}/auth/dev-sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
    const { token } = (await res.json()) as { token: string };
    const c = new TandemClient({ url, getToken: () => token });
    clients.push(c);
    await c.ready();
    return c;
  };
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a channel, posts, replies and reacts live, refuses outsiders, and keeps it all across a restart', async () => {
    let url = await start();
    const [ann, bob, eve] = await Promise.all([client(url, 'Ann'), client(url, 'Bob'), client(url, 'Eve')]);
    await ann.chat.createChannel('plans', { kind: 'private', name: 'Plans', memberIds: ['bob'] }).acked;
    const plans = await eventually(() => bob.chat.open('plans'), 10_000, 50);
    const root = ann.chat.post('plans', 'kick-off @bob');
    await root.acked;
    await bob.chat.post('plans', 'on it', { threadRootId: root.messageId }).acked;
    await bob.chat.react('plans', root.messageId, 'tada').acked;
    await eventually(() => expect(plans.message(root.messageId)).toMatchObject({ reactions: [{ emoji: 'tada', userIds: ['bob'] }], thread: { replyCount: 1 } }), 10_000);
    await expect(eve.chat.open('plans')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // Bob follows the thread he replied in; his own reply is not unread to him.
    expect((await bob.chat.unread()).threads).toEqual([{ channelId: 'plans', threadRootId: root.messageId, lastReadSeq: 0, unread: 0, mentions: 0, following: true }]);
    expect((await ann.chat.unread()).threads).toEqual([{ channelId: 'plans', threadRootId: root.messageId, lastReadSeq: 0, unread: 1, mentions: 0, following: true }]);
    clients.splice(0).forEach((c) => c.close());

    url = await start();
    const carol = await client(url, 'Bob');
    const history = await carol.chat.history('plans');
    expect(history.messages.map((m) => [m.text, m.reactions.length])).toEqual([['kick-off @bob', 1]]);
    expect((await carol.chat.channels())[0]).toMatchObject({ channelId: 'plans', unread: 1, mentions: 1 });
  }, 60_000);

  it('shows who types in a channel and in which thread to the members who have it open, and refuses typing where one is not subscribed', async () => {
    const url = await start();
    const [ann, bob, eve] = await Promise.all([client(url, 'Ann'), client(url, 'Bob'), client(url, 'Eve')]);
    await ann.chat.createChannel('design', { kind: 'private', name: 'Design', memberIds: ['bob'] }).acked;
    await eventually(() => Promise.all([ann.chat.open('design'), bob.chat.open('design')]), 10_000, 50);
    const seen: Array<{ who: string[]; thread: string | null }> = [];
    bob.presence.onChatTyping('design', (typists, thread) => seen.push({ who: typists.map((t) => `${t.name}:${t.kind}`), thread }));

    await ann.presence.chatTyping('design');
    await eventually(() => expect(seen.at(-1)).toEqual({ who: ['Ann:typing'], thread: null }), 10_000, 50);
    await ann.presence.chatTyping('design', true, 'root-1');
    await eventually(() => expect(seen.at(-1)).toEqual({ who: ['Ann:typing'], thread: 'root-1' }), 10_000, 50);
    await ann.presence.chatTyping('design', false);
    await eventually(() => expect(seen.at(-1)).toEqual({ who: [], thread: null }), 10_000, 50);

    // Eve may not open the private channel, so she may not say she types there either.
    await expect(eve.chat.open('design')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(eve.presence.chatTyping('design')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  }, 60_000);
});
