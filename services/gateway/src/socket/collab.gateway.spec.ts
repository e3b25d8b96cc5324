import * as A from '@automerge/automerge';
import { TOPICS, aggregateKey } from '@tandem/contracts';
import { Metrics } from '@tandem/platform';
import { eventually, uniqueId } from '@tandem/platform/testing';
import { connected, setup } from '../testing/gateway.harness';

describe('CollabGateway', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => (ctx = await setup()));
  afterAll(async () => ctx.teardown());

  it('refuses a handshake without a valid token and says why', async () => {
    const socket = await ctx.connect('acme', 'not-a-token');
    const error = await new Promise<Error & { data?: { code: string } }>((resolve) => socket.once('connect_error', resolve));
    expect(error.data?.code).toBe('TOKEN_INVALID');
  });

  it('joins a document with its current state', async () => {
    const tenant = uniqueId('tenant');
    ctx.docsValues.set(`${tenant}/d1`, 41);
    const socket = await ctx.connect(tenant);
    await connected(socket);
    const ack = await socket.emitWithAck('join', { type: 'join', resource: { kind: 'doc', id: 'd1' } });
    expect(ack).toEqual({ ok: true, role: 'editor', state: { kind: 'doc', docId: 'd1', docType: 'counter', seq: 0, value: 41 } });
  });

  it('answers an invalid message with INVALID_MESSAGE and what is wrong', async () => {
    const socket = await ctx.connect(uniqueId('tenant'));
    await connected(socket);
    const ack = await socket.emitWithAck('command', { type: 'doc.counter.increment', commandId: 'short', docId: 'd', by: 1 });
    expect(ack).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE', message: expect.stringMatching(/commandId/) } });
  });

  it('tells the client when the docs service is unavailable on join', async () => {
    const socket = await ctx.connect(uniqueId('tenant'));
    await connected(socket);
    ctx.setDocsDown(true);
    try {
      expect(await socket.emitWithAck('join', { type: 'join', resource: { kind: 'doc', id: 'd' } })).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    } finally {
      ctx.setDocsDown(false);
    }
  });

  it('acknowledges a command once it is on the bus, keyed by tenant and document', async () => {
    const tenant = uniqueId('tenant');
    const seen: unknown[] = [];
    const sub = await ctx.bus.subscribe({
      groupId: uniqueId('g'),
      topics: [TOPICS.docsCommands],
      handleBatch: async (b) => void seen.push(...b.records.filter((r) => r.event.tenant === tenant).map((r) => [r.key, r.event.data])),
    });
    const socket = await ctx.connect(tenant);
    await connected(socket);
    const ack = await socket.emitWithAck('command', { type: 'doc.counter.increment', commandId: 'cmd-12345678', docId: 'd9', by: 3 });
    expect(ack).toEqual({ ok: true, commandId: 'cmd-12345678' });
    await eventually(() => expect(seen).toEqual([[aggregateKey(tenant, 'd9'), { docId: 'd9', commandId: 'cmd-12345678', userId: 'u1', by: 3 }]]));
    await sub.close();
  });

  it('pushes document events to the room of that tenant only', async () => {
    const [a, b] = [uniqueId('tenant'), uniqueId('tenant')];
    const sa = await ctx.connect(a);
    const sb = await ctx.connect(b);
    await Promise.all([connected(sa), connected(sb)]);
    await sa.emitWithAck('join', { type: 'join', resource: { kind: 'doc', id: 'same' } });
    await sb.emitWithAck('join', { type: 'join', resource: { kind: 'doc', id: 'same' } });
    const got: Record<string, unknown[]> = { a: [], b: [] };
    sa.on('event', (e) => got.a.push(e));
    sb.on('event', (e) => got.b.push(e));
    await ctx.bus.publish(TOPICS.docsEvents, [
      {
        key: aggregateKey(a, 'same'),
        event: { id: 'e1', type: 'tandem.docs.counter.changed', source: '/test', specversion: '1.0', time: new Date().toISOString(), tenant: a, data: { docId: 'same', seq: 1, value: 5, commandIds: [] } },
      },
    ]);
    await eventually(() => expect(got.a).toEqual([{ type: 'doc.counter.changed', docId: 'same', seq: 1, value: 5, commandIds: [] }]));
    await new Promise((r) => setTimeout(r, 100));
    expect(got.b).toEqual([]);
  });

  /** Ann and Bob in document `plan` of a new tenant; what reaches `docs.commands.v1` and what Bob is relayed, by command id. */
  async function docRoom() {
    const tenant = uniqueId('tenant');
    const published: string[] = [];
    const sub = await ctx.bus.subscribe({
      groupId: uniqueId('g'),
      topics: [TOPICS.docsCommands],
      handleBatch: async (b) => void published.push(...b.records.filter((r) => r.event.tenant === tenant).map((r) => (r.event.data as { commandId: string }).commandId)),
    });
    const [ann, bob] = [await ctx.connect(tenant), await ctx.connect(tenant)];
    await Promise.all([connected(ann), connected(bob)]);
    for (const s of [ann, bob]) await s.emitWithAck('join', { type: 'join', resource: { kind: 'doc', id: 'plan' } });
    const relayed: string[] = [];
    bob.on('event', (e: { type: string; commandId?: string }) => e.type === 'doc.change' && relayed.push(e.commandId!));
    const change = (commandId: string, changes: Uint8Array, extra: Record<string, unknown> = {}) => ann.emitWithAck('command', { type: 'doc.change', commandId, docId: 'plan', kind: 'richtext', changes, ...extra });
    return { published, relayed, change, close: () => sub.close() };
  }
  const hi = () => A.getLastLocalChange(A.change(A.from({ text: '' }), (d) => A.splice(d, ['text'], 0, 0, 'Hi')))!;

  it('relays a document change to the room at once, and a resend marked relayed only to the bus', async () => {
    const { published, relayed, change, close } = await docRoom();
    const bytes = hi();
    expect(await change('cmd-first-0001', bytes)).toEqual({ ok: true, commandId: 'cmd-first-0001' });
    expect(await change('cmd-first-0001', bytes, { relayed: true })).toEqual({ ok: true, commandId: 'cmd-first-0001' });
    expect(await change('cmd-second-002', bytes)).toEqual({ ok: true, commandId: 'cmd-second-002' });
    await eventually(() => expect(published).toEqual(['cmd-first-0001', 'cmd-first-0001', 'cmd-second-002']));
    await eventually(() => expect(relayed).toEqual(['cmd-first-0001', 'cmd-second-002']));
    await close();
  });

  it('refuses a document change whose bytes are not intact Automerge changes, relaying and publishing nothing', async () => {
    const { published, relayed, change, close } = await docRoom();
    const counted = async (outcome: string) => (await ctx.app.get(Metrics).messagesIn.get()).values.find((v) => v.labels.type === 'doc.change' && v.labels.outcome === outcome)?.value ?? 0;
    const [invalidBefore, okBefore] = [await counted('invalid'), await counted('ok')];
    const good = hi();
    const altered = good.slice();
    altered[altered.length - 1] ^= 0x01;
    expect(await change('cmd-altered-01', altered)).toEqual({
      ok: false,
      error: { code: 'INVALID_MESSAGE', message: 'command cmd-altered-01 was refused and not relayed: the checksum of the change at byte 0 does not match its contents: the bytes were altered; send changes as Automerge makes them' },
    });
    expect(await change('cmd-garbage-01', new TextEncoder().encode('not a change'))).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE', message: expect.stringMatching(/no Automerge chunk at byte 0/) } });
    // What was accepted before and after is untouched.
    expect(await change('cmd-good-0001', good)).toEqual({ ok: true, commandId: 'cmd-good-0001' });
    await eventually(() => expect(published).toEqual(['cmd-good-0001']));
    await eventually(() => expect(relayed).toEqual(['cmd-good-0001']));
    // tandem_messages_in_total counts each by the outcome of its acknowledgement.
    expect([(await counted('invalid')) - invalidBefore, (await counted('ok')) - okBefore]).toEqual([2, 1]);
    await close();
  });
});
