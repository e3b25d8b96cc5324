import * as A from '@automerge/automerge';
import { kanban, richtext, whiteboard } from '@tandem/documents';
import { signToken } from '@tandem/platform';
import { eventually, uniqueId } from '@tandem/platform/testing';
import { createHash } from 'node:crypto';
import { io } from 'socket.io-client';
import { DocsPlatform } from './support/docs-platform';

/**
 * Collaborative documents through the whole path: SDK → Socket.IO gateway (relay to the room) →
 * docs.commands.v1 → docs service (batched merge, change log in FerretDB) → docs.events.v1 →
 * gateways → SDK, on real Kafka, FerretDB, Redis and MinIO.
 */
describe('collaborative documents on real Kafka, FerretDB, Redis and MinIO', () => {
  const platform = new DocsPlatform();

  beforeAll(() => platform.start());
  afterEach(() => platform.closeClients());
  afterAll(() => platform.stop());

  it('relays rich-text edits between clients on two gateways, makes them durable, and a fresh client loads the same text', async () => {
    const tenant = uniqueId('tenant');
    const [ann, bob] = [await platform.client(tenant, 'ann', { gateway: 0 }), await platform.client(tenant, 'bob', { gateway: 1 })];
    const a = await ann.documents.open('notes', 'richtext');
    const b = await bob.documents.open('notes', 'richtext');
    a.change((d) => richtext.insertText(d, 0, 'Hello'));
    await eventually(() => expect(richtext.plainText(b.doc)).toBe('Hello'), 10_000, 20);
    b.change((d) => richtext.insertText(d, 5, ' world'));
    a.change((d) => richtext.addMark(d, { start: 0, end: 5 }, 'bold'));
    await Promise.all([a.whenDurable(), b.whenDurable()]);
    await eventually(() => expect(richtext.plainText(a.doc)).toBe('Hello world'), 10_000, 20);
    await eventually(() => expect(richtext.blocks(b.doc)).toEqual(richtext.blocks(a.doc)), 10_000, 20);
    const fresh = await platform.freshCopy(tenant, 'notes', 'richtext');
    expect(richtext.plainText(fresh.doc)).toBe('Hello world');
    expect(richtext.marksAt(fresh.doc, 2)).toMatchObject({ bold: true });
  });

  it('bytes that are not intact changes are refused by the gateway and never reach the room; a well-framed change Automerge cannot read, relayed before the service refuses it, loses its peers nothing and the room learns it was rejected', async () => {
    const tenant = uniqueId('tenant');
    const [ann, bob] = [await platform.client(tenant, 'ann', { gateway: 0 }), await platform.client(tenant, 'bob', { gateway: 1 })];
    const a = await ann.documents.open('bad-relay', 'richtext');
    const b = await bob.documents.open('bad-relay', 'richtext');
    a.change((d) => richtext.insertText(d, 0, 'Kept'));
    await a.whenDurable();
    await eventually(() => expect(richtext.plainText(b.doc)).toBe('Kept'), 10_000, 20);

    // Mallory, an editor with a client of her own: a change altered after it was made, bytes that are no change at all, then a change chunk
    // whose checksum is right but whose contents are not an Automerge change (what only decoding can tell).
    const socket = io(platform.gateways[0].url, { transports: ['websocket'], auth: { token: await signToken(platform.jwtSecret, { sub: 'mallory', tenant }) }, reconnection: false, forceNew: true });
    try {
      const heard: string[] = [];
      socket.on('event', (e: { type: string; commandId?: string; code?: string }) => void (e.type === 'doc.rejected' && heard.push(`${e.commandId} ${e.code}`)));
      expect(await socket.timeout(10_000).emitWithAck('join', { type: 'join', resource: { kind: 'doc', id: 'bad-relay' }, doc: { kind: 'richtext', heads: [] } })).toMatchObject({ ok: true });
      const send = (commandId: string, changes: Uint8Array) => socket.timeout(10_000).emitWithAck('command', { type: 'doc.change', commandId, docId: 'bad-relay', kind: 'richtext', changes });
      const altered = Buffer.from(A.getLastLocalChange(A.change(A.clone(a.doc), (d) => richtext.insertText(d, 0, 'x')))!);
      altered[altered.length - 1] ^= 0xff;
      expect(await send('mallory-altered-1', altered)).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE', message: expect.stringMatching(/not relayed: the checksum of the change at byte 0 does not match/) } });
      expect(await send('mallory-garbage-1', Buffer.from('not an Automerge change'))).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE', message: expect.stringMatching(/not relayed: no Automerge chunk at byte 0/) } });
      expect(await send('mallory-unreadable-1', changeChunk(Buffer.from('x'.repeat(50))))).toMatchObject({ ok: true });
      // Both peers received the unreadable one; their edits keep flowing both ways.
      b.change((d) => richtext.insertText(d, 4, ' going'));
      await b.whenDurable();
      await eventually(() => expect(richtext.plainText(a.doc)).toBe('Kept going'), 10_000, 20);
      await eventually(() => expect(heard).toEqual(['mallory-unreadable-1 INVALID_CHANGE']), 10_000, 50);
    } finally {
      socket.close();
    }
    expect(richtext.plainText((await platform.freshCopy(tenant, 'bad-relay', 'richtext')).doc)).toBe('Kept going');
  });
});

describe('concurrent edits of the same object and history, through the docs service', () => {
  const platform = new DocsPlatform();

  beforeAll(() => platform.start());
  afterEach(() => platform.closeClients());
  afterAll(() => platform.stop());

  /** Two users on two gateways whose edits are made before either sees the other's (their relays are held back by making both in the same tick). */
  async function pair<K extends 'kanban' | 'whiteboard' | 'richtext'>(kind: K, docId: string) {
    const tenant = uniqueId('tenant');
    const ann = await (await platform.client(tenant, 'ann', { gateway: 0 })).documents.open(docId, kind);
    const bob = await (await platform.client(tenant, 'bob', { gateway: 1 })).documents.open(docId, kind);
    return { tenant, ann, bob };
  }

  it('kanban: the same card moved by two users at once ends in exactly one of the two columns, on every client and in the store', async () => {
    const { tenant, ann, bob } = await pair('kanban', 'board');
    let cardId = '';
    const cols: string[] = [];
    ann.change((d) => {
      cols.push(kanban.addColumn(d, 'To do'), kanban.addColumn(d, 'Doing'), kanban.addColumn(d, 'Done'));
      cardId = kanban.addCard(d, cols[0], { title: 'Ship' });
    });
    await ann.whenDurable();
    await eventually(() => expect(kanban.boardView(bob.doc).flatMap((c) => c.cards)).toHaveLength(1), 10_000, 20);
    // Both move it before either has the other's move.
    ann.change((d) => kanban.moveCard(d, cardId, cols[1]));
    bob.change((d) => kanban.moveCard(d, cardId, cols[2]));
    await Promise.all([ann.whenDurable(), bob.whenDurable()]);
    const fresh = await platform.freshCopy(tenant, 'board', 'kanban');
    for (const h of [ann, bob, fresh]) {
      await eventually(() => {
        const placed = kanban.boardView(h.doc).flatMap((c) => c.cards.map((card) => ({ column: c.id, id: card.id })));
        expect(placed).toHaveLength(1);
        expect([cols[1], cols[2]]).toContain(placed[0].column);
        expect(placed).toEqual(kanban.boardView(fresh.doc).flatMap((c) => c.cards.map((card) => ({ column: c.id, id: card.id }))));
      }, 10_000, 20);
    }
  });

  it('whiteboard: one shape moved by one user and deleted by another at once ends deleted everywhere; two moves of another shape pick one', async () => {
    const { tenant, ann, bob } = await pair('whiteboard', 'canvas');
    let doomed = '';
    let shared = '';
    ann.change((d) => {
      doomed = whiteboard.addShape(d, { type: 'ellipse', x: 0, y: 0, width: 5, height: 5 });
      shared = whiteboard.addShape(d, { type: 'arrow', x: 1, y: 1, width: 5, height: 5 });
    });
    await ann.whenDurable();
    await eventually(() => expect(whiteboard.itemsInOrder(bob.doc)).toHaveLength(2), 10_000, 20);
    ann.change((d) => whiteboard.moveItem(d, doomed, 50, 50));
    bob.change((d) => whiteboard.deleteItem(d, doomed));
    ann.change((d) => whiteboard.moveItem(d, shared, 10, 10));
    bob.change((d) => whiteboard.moveItem(d, shared, 20, 20));
    await Promise.all([ann.whenDurable(), bob.whenDurable()]);
    const fresh = await platform.freshCopy(tenant, 'canvas', 'whiteboard');
    for (const h of [ann, bob, fresh]) {
      await eventually(() => {
        const items = whiteboard.itemsInOrder(h.doc);
        expect(items.map((i) => i.id)).toEqual([shared]);
        expect([[10, 10], [20, 20]]).toContainEqual([items[0].x, items[0].y]);
        expect(items).toEqual(whiteboard.itemsInOrder(fresh.doc));
      }, 10_000, 20);
    }
  });

  it('history: lists versions, views and diffs them over the socket and HTTP, and restores an old version after concurrent edits without losing them from history', async () => {
    const { tenant, ann, bob } = await pair('richtext', 'story');
    ann.change((d) => richtext.insertText(d, 0, 'Once upon a time'));
    await ann.whenDurable();
    const [v1] = (await ann.history.versions({ maxChanges: 1 })).slice(-1);
    expect(v1).toMatchObject({ authors: ['ann'], type: 'edit' });
    await eventually(() => expect(richtext.plainText(bob.doc)).toBe('Once upon a time'), 10_000, 20);
    // Concurrent edits by both, then a restore of v1 by Bob.
    ann.change((d) => richtext.insertText(d, 16, ', a dragon'));
    bob.change((d) => richtext.deleteText(d, 0, 5));
    await Promise.all([ann.whenDurable(), bob.whenDurable()]);
    await eventually(() => expect(richtext.plainText(ann.doc)).toBe(richtext.plainText(bob.doc)), 10_000, 20);
    expect(richtext.plainText(ann.doc)).toBe('upon a time, a dragon');
    const versions = await bob.history.versions({ maxChanges: 1 });
    expect(versions.length).toBeGreaterThanOrEqual(3);
    expect(await bob.history.view(v1.heads)).toMatchObject({ kind: 'richtext' });
    const diff = (await bob.history.diff(v1.heads, A.getHeads(bob.doc))) as { kind: string; segments: Array<{ type: string; text: string }> };
    expect(diff.kind).toBe('richtext');
    expect(diff.segments.filter((s) => s.type === 'insert').map((s) => s.text).join('')).toBe(', a dragon');
    expect(diff.segments.filter((s) => s.type === 'delete').map((s) => s.text).join('')).toBe('Once ');
    // The same over HTTP.
    const token = await signToken(platform.jwtSecret, { sub: 'bob', tenant });
    const http = await fetch(`${platform.gateways[1].url}/api/v1/docs/story/versions?maxChanges=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(http.status).toBe(200);
    expect(((await http.json()) as { versions: unknown[] }).versions).toHaveLength(versions.length);
    const view = await fetch(`${platform.gateways[1].url}/api/v1/docs/story/view?heads=${v1.heads.join(',')}`, { headers: { authorization: `Bearer ${token}` } });
    expect(await view.json()).toEqual({ heads: v1.heads, doc: await bob.history.view(v1.heads) });
    const unknown = await fetch(`${platform.gateways[1].url}/api/v1/docs/story/view?heads=${'ab'.repeat(32)}`, { headers: { authorization: `Bearer ${token}` } });
    expect(unknown.status).toBe(404);

    const beforeRestore = A.getHeads(bob.doc);
    expect(await bob.history.restore(v1.heads)).toEqual({ changed: true });
    for (const h of [ann, bob]) await eventually(() => expect(richtext.plainText(h.doc)).toBe('Once upon a time'), 10_000, 20);
    const after = await ann.history.versions({ maxChanges: 1 });
    expect(after.at(-1)).toMatchObject({ type: 'restore', authors: ['bob'] });
    // Nothing was destroyed: the concurrent edits are still in history.
    expect(await ann.history.view(beforeRestore)).toMatchObject({ text: 'upon a time, a dragon' });
    const fresh = await platform.freshCopy(tenant, 'story', 'richtext');
    expect(richtext.plainText(fresh.doc)).toBe('Once upon a time');
  });
});

/** An Automerge change chunk around `contents` with a correct checksum (the first 4 bytes of the SHA-256 of type, length and contents). */
function changeChunk(contents: Uint8Array): Uint8Array {
  const header = Buffer.from([1, contents.length]); // one-byte length: contents under 128 bytes
  const checksum = createHash('sha256').update(Buffer.concat([header, contents])).digest().subarray(0, 4);
  return new Uint8Array(Buffer.concat([Buffer.from([0x85, 0x6f, 0x4a, 0x83]), checksum, header, contents]));
}
