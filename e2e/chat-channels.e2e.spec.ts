import type { ChatMessage } from '@tandem/contracts';
import { signToken } from '@tandem/platform';
import { eventually, uniqueId } from '@tandem/platform/testing';
import { Sent, TandemClient } from '@tandem/sdk';
import { io, Socket } from 'socket.io-client';
import { startChatPlatform } from './support/chat-platform';
import { RunningProcess, stopAll } from './support/processes';

type Refusal = { code: string; message: string };

/**
 * Channel management through the whole platform on real Kafka and FerretDB (SDK → gateway →
 * chat.commands.v1 → chat service → chat.events.v1 → gateway → sockets): rename and archive,
 * channel roles, invite and remove, pins, browsing public channels and searching messages.
 */
describe('chat channels across the platform', () => {
  let gateway: RunningProcess;
  let jwtSecret: string;
  const clients: TandemClient[] = [];
  const sockets: Socket[] = [];
  let tenant: string;

  beforeAll(async () => {
    ({ gateway, jwtSecret } = await startChatPlatform('tandem_chat_channels_e2e_'));
  }, 240_000);
  beforeEach(() => {
    tenant = uniqueId('tenant');
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(async () => stopAll());

  const tokenOf = (sub: string, roles = ['member']) => signToken(jwtSecret, { sub, tenant, roles });
  async function connect(sub: string, roles?: string[]): Promise<TandemClient> {
    const token = await tokenOf(sub, roles);
    const client = new TandemClient({ url: gateway.url, getToken: () => token, ackTimeoutMs: 30_000 });
    clients.push(client);
    await client.ready();
    return client;
  }
  /** A bare socket of a user, to see every `event` the gateway sends it (not what the SDK keeps). */
  async function rawSocket(sub: string): Promise<{ socket: Socket; events: Array<Record<string, unknown>> }> {
    const socket = io(gateway.url, { transports: ['websocket'], auth: { token: await tokenOf(sub) }, forceNew: true, reconnection: false });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const events: Array<Record<string, unknown>> = [];
    socket.on('event', (e: Record<string, unknown>) => events.push(e));
    return { socket, events };
  }
  async function channel(owner: TandemClient, channelId: string, kind: 'public' | 'private', memberIds: string[], name = channelId) {
    await owner.chat.createChannel(channelId, { kind, name, memberIds }).acked;
    return eventually(() => owner.chat.open(channelId), 20_000, 100);
  }
  /**
   * How a command was refused: by the gateway (its ack) or by the chat service afterwards (a
   * `chat.rejected` event for its command id). Fails if it is applied instead.
   */
  async function refusal(client: TandemClient, send: () => Sent): Promise<Refusal> {
    const rejected = new Map<string, Refusal>();
    const stop = client.chat.onRejected((e) => rejected.set(e.commandId, { code: e.code, message: e.message }));
    try {
      const sent = send();
      const byGateway = await sent.acked.then(
        () => null,
        (error: Refusal) => ({ code: error.code, message: error.message }),
      );
      if (byGateway) return byGateway;
      return await eventually(() => {
        expect(rejected.has(sent.commandId)).toBe(true);
        return rejected.get(sent.commandId)!;
      }, 20_000, 100);
    } finally {
      stop();
    }
  }
  const texts = (messages: readonly ChatMessage[]) => messages.map((m) => m.text);

  it('renames a channel, and archives it: an archived channel refuses posts with a reason but stays readable', async () => {
    const [ann, bob] = await Promise.all([connect('ann'), connect('bob')]);
    await channel(ann, 'ops', 'public', ['bob']);
    const bobs = await bob.chat.open('ops');
    await ann.chat.post('ops', 'pager rota is up').acked;
    await ann.chat.updateChannel('ops', { name: 'Operations', topic: 'on call' }).acked;
    await eventually(() => expect(bobs.info).toMatchObject({ name: 'Operations', topic: 'on call', archived: false }), 20_000, 100);
    expect((await bob.chat.browse('operat')).map((c) => [c.channelId, c.name])).toEqual([['ops', 'Operations']]);
    expect(await bob.chat.browse('ops')).toEqual([]); // found by its name, not its old one or its id

    await ann.chat.archive('ops').acked;
    await eventually(() => expect(bobs.info.archived).toBe(true), 20_000, 100);
    const refused = await refusal(bob, () => bob.chat.post('ops', 'anyone there?'));
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.message).toMatch(/archived/);
    // Still readable: history, search and the channel list.
    expect(texts((await bob.chat.history('ops')).messages)).toEqual(['pager rota is up']);
    expect(texts(await bob.chat.search('rota'))).toEqual(['pager rota is up']);
    expect((await bob.chat.channels()).find((c) => c.channelId === 'ops')).toMatchObject({ name: 'Operations', archived: true });
    // Unarchived, it takes posts again.
    await ann.chat.archive('ops', false).acked;
    await eventually(() => expect(bobs.info.archived).toBe(false), 20_000, 100);
    await bob.chat.post('ops', 'back again').acked;
    await eventually(() => expect(texts(bobs.timeline)).toEqual(['pager rota is up', 'back again']), 20_000, 100);
  });

  it('lets only channel owners and workspace admins rename, archive, remove members and change roles', async () => {
    const [ann, bob, cat, root] = await Promise.all([connect('ann'), connect('bob'), connect('cat'), connect('root', ['admin'])]);
    const anns = await channel(ann, 'core', 'private', ['bob', 'cat']);
    // bob and cat are editors: each owner-only command is refused and changes nothing.
    const refusals = [
      await refusal(bob, () => bob.chat.updateChannel('core', { name: 'mine now' })),
      await refusal(bob, () => bob.chat.archive('core')),
      await refusal(bob, () => bob.chat.removeMember('core', 'cat')),
      await refusal(bob, () => bob.chat.setRole('core', 'bob', 'owner')),
      await refusal(cat, () => cat.chat.invite('core', 'dan', 'owner')),
    ];
    expect(refusals.map((r) => r.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect(refusals[0].message).toMatch(/owner role/);
    expect((await ann.chat.members('core')).map((m) => [m.userId, m.role])).toEqual([
      ['ann', 'owner'],
      ['bob', 'editor'],
      ['cat', 'editor'],
    ]);
    expect(anns.info).toMatchObject({ name: 'core', archived: false });
    // A workspace admin, not a member, owns every channel but DMs.
    await root.chat.updateChannel('core', { name: 'Core team' }).acked;
    await eventually(() => expect(anns.info.name).toBe('Core team'), 20_000, 100);
    // The owner makes bob an owner: now he may.
    await ann.chat.setRole('core', 'bob', 'owner').acked;
    await eventually(async () => expect((await ann.chat.members('core')).find((m) => m.userId === 'bob')?.role).toBe('owner'), 20_000, 100);
    await bob.chat.removeMember('core', 'cat').acked;
    await eventually(async () => expect((await ann.chat.members('core')).map((m) => m.userId)).toEqual(['ann', 'bob']), 20_000, 100);
    await bob.chat.archive('core').acked;
    await eventually(() => expect(anns.info.archived).toBe(true), 20_000, 100);
  });

  it('invites a member who then reads and receives; removed, they lose read and receive nothing more', async () => {
    const [ann, eve] = await Promise.all([connect('ann'), connect('eve')]);
    const anns = await channel(ann, 'club', 'private', []);
    await ann.chat.post('club', 'first rule').acked;
    await expect(eve.chat.open('club')).rejects.toMatchObject({ code: 'FORBIDDEN' });

    await ann.chat.invite('club', 'eve', 'commenter').acked;
    const eves = await eventually(() => eve.chat.open('club'), 20_000, 100);
    const raw = await rawSocket('eve');
    expect(await raw.socket.timeout(10_000).emitWithAck('chat', { type: 'chat.subscribe', channelId: 'club' })).toMatchObject({ ok: true });
    await ann.chat.post('club', 'second rule').acked;
    await eventually(() => expect(texts(eves.timeline)).toEqual(['first rule', 'second rule']), 20_000, 100);
    expect(texts(await eve.chat.search('rule'))).toEqual(['second rule', 'first rule']);
    // A commenter replies in threads but does not post to the channel.
    const top = await refusal(eve, () => eve.chat.post('club', 'my own rule'));
    expect(top.code).toBe('FORBIDDEN');

    await ann.chat.removeMember('club', 'eve').acked;
    await eventually(() => expect(eves.removed).not.toBeNull(), 20_000, 100);
    await eventually(() => expect(raw.events.some((e) => e.type === 'chat.removed' && e.channelId === 'club')).toBe(true), 20_000, 100);
    const seenBefore = raw.events.length;
    await ann.chat.post('club', 'third rule, members only').acked;
    await eventually(() => expect(texts(anns.timeline)).toContain('third rule, members only'), 20_000, 100);
    await expect(eve.chat.open('club')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(eve.chat.history('club')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(eve.chat.changesSince('club', 0)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await eve.chat.search('rule')).toEqual([]);
    expect((await eve.chat.channels()).map((c) => c.channelId)).toEqual([]);
    // Subscribing again is refused, and nothing about the channel reached her socket since.
    expect(await raw.socket.timeout(10_000).emitWithAck('chat', { type: 'chat.subscribe', channelId: 'club' })).toMatchObject({ ok: false });
    expect(raw.events.slice(seenBefore)).toEqual([]);
    const refusedPost = await refusal(eve, () => eve.chat.post('club', 'let me back'));
    expect(refusedPost.code).toBe('FORBIDDEN');
  });

  it('pins and unpins messages; editors pin, viewers may not, and readers see the pins in order', async () => {
    const [ann, val, walt] = await Promise.all([connect('ann'), connect('val'), connect('walt')]);
    await channel(ann, 'news', 'public', []);
    await ann.chat.invite('news', 'val', 'viewer').acked;
    const posts = [ann.chat.post('news', 'one'), ann.chat.post('news', 'two'), ann.chat.post('news', 'three')];
    await Promise.all(posts.map((p) => p.acked));
    const [one, two, three] = posts.map((p) => p.messageId);
    await ann.chat.pin('news', three).acked;
    await ann.chat.pin('news', one).acked;
    await eventually(async () => expect(texts(await walt.chat.pins('news'))).toEqual(['one', 'three']), 20_000, 100);
    const refused = await refusal(val, () => val.chat.pin('news', two));
    expect(refused).toMatchObject({ code: 'FORBIDDEN' });
    expect(refused.message).toMatch(/editor/);
    await ann.chat.pin('news', one, false).acked;
    await eventually(async () => expect(texts(await val.chat.pins('news'))).toEqual(['three']), 20_000, 100);
    expect((await ann.chat.message('news', three)).message.pinned).toBe(true);
    expect((await ann.chat.message('news', one)).message.pinned).toBe(false);
  });

  it('browses public channels by name and searches only messages of channels the user may read', async () => {
    const [ann, bob, gil] = await Promise.all([connect('ann'), connect('bob'), connect('gil', ['guest'])]);
    await channel(ann, 'design-crit', 'public', [], 'design-crit');
    await channel(ann, 'design-ops', 'public', ['gil'], 'Design Ops');
    await channel(ann, 'design-secret', 'private', [], 'design secret');
    await channel(ann, 'sales', 'public', [], 'Sales');
    for (const c of ['design-crit', 'design-ops', 'design-secret', 'sales']) await ann.chat.post(c, `budget review in ${c}`).acked;
    const budget = async (client: TandemClient) => (await client.chat.search('budget')).map((m) => m.channelId).sort();
    await eventually(async () => expect(await budget(ann)).toEqual(['design-crit', 'design-ops', 'design-secret', 'sales']), 20_000, 100);

    expect((await bob.chat.browse('DESIGN')).map((c) => c.channelId)).toEqual(['design-ops', 'design-crit']); // by name: "design ops" < "design-crit"
    expect((await bob.chat.browse('crit')).map((c) => c.channelId)).toEqual(['design-crit']);
    expect((await bob.chat.browse('secret')).map((c) => c.channelId)).toEqual([]);
    expect((await bob.chat.browse('')).map((c) => c.channelId)).toEqual(['design-ops', 'design-crit', 'sales']);
    expect(await gil.chat.browse('design')).toEqual([]); // guests do not browse

    // bob is in no channel: public ones only. The guest: only the channel she is in.
    expect(await budget(bob)).toEqual(['design-crit', 'design-ops', 'sales']);
    expect(await budget(gil)).toEqual(['design-ops']);
    expect((await bob.chat.search('budget', { channelId: 'sales' })).map((m) => m.channelId)).toEqual(['sales']);
    await expect(bob.chat.search('budget', { channelId: 'design-secret' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // Invited, bob finds the private channel's messages; removed, no longer.
    await ann.chat.invite('design-secret', 'bob').acked;
    await eventually(async () => expect(await budget(bob)).toEqual(['design-crit', 'design-ops', 'design-secret', 'sales']), 20_000, 100);
    await ann.chat.removeMember('design-secret', 'bob').acked;
    await eventually(async () => expect(await budget(bob)).toEqual(['design-crit', 'design-ops', 'sales']), 20_000, 100);
  });
});
