import type { ChatChange, ChatMessage } from '@tandem/contracts';
import { signToken } from '@tandem/platform';
import { eventually, uniqueId } from '@tandem/platform/testing';
import { ChatChannelHandle, TandemClient } from '@tandem/sdk';
import { startChatPlatform } from './support/chat-platform';
import { RunningProcess, stopAll } from './support/processes';

/**
 * Chat through the whole platform on real Kafka and FerretDB: SDK → gateway → chat.commands.v1 →
 * chat service → chat.events.v1 → gateway → sockets, and the reads over the socket and HTTP.
 */
describe('chat across the platform', () => {
  let gateway: RunningProcess;
  let jwtSecret: string;
  const clients: TandemClient[] = [];
  let tenant: string;

  beforeAll(async () => {
    ({ gateway, jwtSecret } = await startChatPlatform('tandem_chat_e2e_'));
  }, 240_000);
  beforeEach(() => {
    tenant = uniqueId('tenant');
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => stopAll());

  const tokenOf = (sub: string) => signToken(jwtSecret, { sub, tenant, roles: ['member'] });
  async function connect(sub: string, device?: string): Promise<TandemClient> {
    const token = await tokenOf(sub);
    const client = new TandemClient({ url: gateway.url, getToken: () => token, device, ackTimeoutMs: 30_000 });
    clients.push(client);
    await client.ready();
    return client;
  }
  async function http(sub: string, path: string) {
    const res = await fetch(`${gateway.url}/api/v1/chat/${path}`, { headers: { authorization: `Bearer ${await tokenOf(sub)}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  /** Creates a channel and waits until the chat service has it (the command is acknowledged before). */
  async function channel(owner: TandemClient, channelId: string, kind: 'public' | 'private', memberIds: string[]) {
    await owner.chat.createChannel(channelId, { kind, name: channelId, memberIds }).acked;
    return eventually(() => owner.chat.open(channelId), 20_000, 100);
  }
  const state = (h: ChatChannelHandle) => h.messages.map((m) => ({ ...m }));

  it('shows a client message id sent three times — retry, second device, outbox after a reconnect — once', async () => {
    const [ann, annPhone, bob] = await Promise.all([connect('ann'), connect('ann', 'phone'), connect('bob')]);
    const team = await channel(ann, 'team', 'public', ['bob']);
    const bobs = await bob.chat.open('team');
    const first = ann.chat.post('team', 'ship it');
    annPhone.chat.post('team', 'ship it', { messageId: first.messageId });
    ann.disconnect();
    const again = ann.chat.post('team', 'ship it', { messageId: first.messageId }); // waits in the outbox
    await ann.reconnect();
    await Promise.all([first.acked, again.acked]);
    const after = bob.chat.post('team', 'after');
    await after.acked;
    await eventually(() => expect(bobs.timeline.map((m) => m.messageId)).toEqual([first.messageId, after.messageId]), 20_000);
    const history = await bob.chat.history('team');
    expect(history.messages.map((m) => [m.messageId, m.text])).toEqual([
      [first.messageId, 'ship it'],
      [after.messageId, 'after'],
    ]);
    await eventually(() => expect(team.timeline.map((m) => m.messageId)).toEqual([first.messageId, after.messageId]), 20_000);
  });

  it('gives a client that was offline exactly the changes it missed, ending in the same state as an always-online client', async () => {
    const [ann, bob, cat] = await Promise.all([connect('ann'), connect('bob'), connect('cat')]);
    await channel(ann, 'launch', 'private', ['bob', 'cat']);
    const [bobs, cats] = await Promise.all([bob.chat.open('launch'), cat.chat.open('launch')]);
    const m1 = ann.chat.post('launch', 'draft one');
    const m2 = bob.chat.post('launch', 'draft two');
    await Promise.all([m1.acked, m2.acked]);
    await eventually(() => expect(cats.timeline).toHaveLength(2), 20_000);
    const seenOffline = cats.seq;
    const changes: ChatChange[] = [];
    cats.onChange((c) => changes.push(c));

    cat.disconnect();
    const m3 = ann.chat.post('launch', 'while cat is away @cat');
    await m3.acked;
    await Promise.all([ann.chat.edit('launch', m1.messageId, 'draft one, final').acked, bob.chat.delete('launch', m2.messageId).acked, bob.chat.react('launch', m1.messageId, 'rocket').acked]);
    await Promise.all([ann.chat.react('launch', m3.messageId, 'eyes').acked, bob.chat.post('launch', 'reply', { threadRootId: m3.messageId }).acked]);
    await ann.chat.react('launch', m3.messageId, 'eyes', false).acked;
    await eventually(() => expect(bobs.seq).toBe(seenOffline + 7), 20_000);
    expect(changes).toEqual([]);

    await cat.reconnect();
    await eventually(() => expect(cats.seq).toBe(bobs.seq), 20_000);
    expect(changes.map((c) => c.seq)).toEqual(Array.from({ length: 7 }, (_, i) => seenOffline + 1 + i));
    // Each missed change once (the concurrent ones in whichever order the service applied them).
    expect(changes.map((c) => c.event).sort()).toEqual(
      ['tandem.chat.message.posted', 'tandem.chat.message.edited', 'tandem.chat.message.deleted', 'tandem.chat.reaction.changed', 'tandem.chat.reaction.changed', 'tandem.chat.message.posted', 'tandem.chat.reaction.changed'].sort(),
    );
    expect(state(cats)).toEqual(state(bobs));
    const byId = new Map(cats.messages.map((m) => [m.messageId, m]));
    expect(byId.get(m1.messageId)).toMatchObject({ text: 'draft one, final', reactions: [{ emoji: 'rocket', userIds: ['bob'] }] });
    expect(byId.get(m2.messageId)).toMatchObject({ deleted: true, text: '' });
    expect(byId.get(m3.messageId)).toMatchObject({ reactions: [], thread: { replyCount: 1 }, mentions: { userIds: ['cat'] } });
    // And both equal what the server holds.
    const server = await cat.chat.history('launch');
    expect(server.messages).toEqual(cats.timeline);
  });

  it('keeps unread and mention counts of channels and threads right on both devices of a user reading on one', async () => {
    const ann = await connect('ann');
    const [laptop, phone] = await Promise.all([connect('bob', 'laptop'), connect('bob', 'phone')]);
    await channel(ann, 'eng', 'public', ['bob']);
    const root = laptop.chat.post('eng', 'what about the release?');
    await root.acked;
    const [onLaptop, onPhone] = await Promise.all([laptop.chat.open('eng'), phone.chat.open('eng')]);
    await ann.chat.post('eng', 'one').acked;
    await ann.chat.post('eng', 'two @bob').acked;
    await ann.chat.post('eng', 'in the thread', { threadRootId: root.messageId }).acked;
    await ann.chat.post('eng', 'and for everyone', { threadRootId: root.messageId, alsoToChannel: true }).acked;
    await eventually(() => expect(onPhone.seq).toBe(6), 20_000);
    const before = await phone.chat.unread();
    expect(before.channels).toEqual([{ channelId: 'eng', threadRootId: null, lastReadSeq: 1, unread: 3, mentions: 1 }]);
    expect(before.threads).toEqual([{ channelId: 'eng', threadRootId: root.messageId, lastReadSeq: 0, unread: 2, mentions: 0, following: true }]);

    const reads: Array<{ threadRootId: string | null; unread: number; mentions: number }> = [];
    phone.chat.onRead((r) => reads.push({ threadRootId: r.threadRootId, unread: r.unread, mentions: r.mentions }));
    await laptop.chat.markRead('eng', 4).acked; // up to "two @bob"
    await eventually(() => expect(onPhone.read).toMatchObject({ lastReadSeq: 4, unread: 1, mentions: 0 }), 20_000);
    await laptop.chat.markRead('eng', onLaptop.seq, root.messageId).acked;
    await eventually(() => expect(reads).toEqual([{ threadRootId: null, unread: 1, mentions: 0 }, { threadRootId: root.messageId, unread: 0, mentions: 0 }]), 20_000);
    const after = await phone.chat.unread();
    expect(after.channels[0]).toMatchObject({ unread: 1, mentions: 0 });
    expect(after.threads[0]).toMatchObject({ unread: 0 });
    expect((await phone.chat.channels())[0]).toMatchObject({ channelId: 'eng', unread: 1, mentions: 0, lastReadSeq: 4 });
    // Marking unread from a message on the phone brings the counts back on the laptop.
    const laptopReads: number[] = [];
    laptop.chat.onRead((r) => r.threadRootId === null && laptopReads.push(r.unread));
    const two = onPhone.timeline.find((m) => m.text === 'two @bob')!;
    await phone.chat.markUnreadFrom('eng', two).acked;
    await eventually(() => expect(laptopReads).toEqual([2]), 20_000);
    expect((await laptop.chat.unread()).channels[0]).toMatchObject({ unread: 2, mentions: 1 });
  });

  it('lets a non-member neither read, post, react nor page a private channel or a DM, over the socket or HTTP', async () => {
    const [ann, bob, eve] = await Promise.all([connect('ann'), connect('bob'), connect('eve')]);
    await channel(ann, 'secret', 'private', []);
    const s1 = ann.chat.post('secret', 'the plan');
    const dm = ann.chat.sendDirect('ann', ['bob'], 'just us');
    await Promise.all([s1.acked, dm.acked]);
    await eventually(async () => expect((await bob.chat.history(dm.channelId)).messages).toHaveLength(1), 20_000, 100);
    for (const channelId of ['secret', dm.channelId]) {
      await expect(eve.chat.open(channelId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(eve.chat.history(channelId, { before: 100 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(eve.chat.history(channelId, { around: 2 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(eve.chat.changesSince(channelId, 0)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(eve.chat.members(channelId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(eve.chat.post(channelId, 'let me in').acked).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const messageId = channelId === 'secret' ? s1.messageId : dm.messageId;
      await expect(eve.chat.react(channelId, messageId, 'eyes').acked).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(eve.chat.message(channelId, messageId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      for (const path of [`channels/${channelId}/messages`, `channels/${channelId}/messages?before=50`, `channels/${channelId}/changes?since=0`, `channels/${channelId}/members`, `channels/${channelId}/pins`, `channels/${channelId}/messages/${messageId}`]) {
        expect(await http('eve', path)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
      }
      expect((await http('ann', `channels/${channelId}/messages`)).status).toBe(200);
    }
    expect(await eve.chat.search('plan')).toEqual([]);
    expect((await http('eve', 'search?q=just')).body).toEqual({ messages: [] });
    expect((await eve.chat.channels()).map((c) => c.channelId)).toEqual([]);
    expect((await ann.chat.search('plan')).map((m: ChatMessage) => m.messageId)).toEqual([s1.messageId]);
  });
});
