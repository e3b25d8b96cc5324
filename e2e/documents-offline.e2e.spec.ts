import { kanban, richtext, whiteboard } from '@tandem/documents';
import { eventually, uniqueId } from '@tandem/platform/testing';
import { FileDocStorage } from '@tandem/sdk/node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocsPlatform } from './support/docs-platform';
import { TcpProxy } from './support/tcp-proxy';

/**
 * Offline for real: a client loses its network (a proxy in front of its gateway drops it), edits a
 * rich-text document, a whiteboard and a kanban board, and is restarted from its outbox on disk;
 * meanwhile others edit the same objects. After it reconnects, everyone converges with nothing lost.
 */
describe('offline edits on three kinds of document survive a restart and merge on reconnect', () => {
  const platform = new DocsPlatform();
  const dir = mkdtempSync(join(tmpdir(), 'tandem-offline-'));
  let proxy: TcpProxy;

  beforeAll(async () => {
    await platform.start();
    proxy = new TcpProxy({ host: '127.0.0.1', port: Number(new URL(platform.gateways[1].url).port) });
    await proxy.start();
  });
  afterAll(async () => {
    await proxy.stop();
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('converges after offline edits, a restart from disk and concurrent edits by others', async () => {
    const tenant = uniqueId('tenant');
    const proxyUrl = `http://127.0.0.1:${proxy.port}`;
    const ann = await platform.client(tenant, 'ann');
    const [text, board, cards] = [await ann.documents.open('plan', 'richtext'), await ann.documents.open('sketch', 'whiteboard'), await ann.documents.open('tasks', 'kanban')];
    let shapeId = '';
    let cardId = '';
    let doneId = '';
    text.change((d) => richtext.insertText(d, 0, 'Launch plan'));
    board.change((d) => void (shapeId = whiteboard.addShape(d, { type: 'rectangle', x: 0, y: 0, width: 10, height: 10 })));
    cards.change((d) => {
      const todo = kanban.addColumn(d, 'To do');
      doneId = kanban.addColumn(d, 'Done');
      cardId = kanban.addCard(d, todo, { title: 'Write it' });
    });
    await Promise.all([text.whenDurable(), board.whenDurable(), cards.whenDurable()]);

    // Bob syncs everything, then loses his network.
    const bob = await platform.client(tenant, 'bob', { url: proxyUrl, storage: new FileDocStorage(dir) });
    const [bText, bBoard, bCards] = [await bob.documents.open('plan', 'richtext'), await bob.documents.open('sketch', 'whiteboard'), await bob.documents.open('tasks', 'kanban')];
    expect(richtext.plainText(bText.doc)).toBe('Launch plan');
    proxy.cut();
    await eventually(() => expect(bText.status).toBe('offline'), 10_000, 100);

    bText.change((d) => richtext.insertText(d, richtext.plainText(d).length, ' for Friday'));
    bBoard.change((d) => whiteboard.moveItem(d, shapeId, 100, 100));
    bBoard.change((d) => void whiteboard.addShape(d, { type: 'sticky', x: 5, y: 5, width: 50, height: 50, text: 'offline idea' }));
    bCards.change((d) => kanban.editCard(d, cardId, { title: 'Write it (bob)', addLabels: ['offline'] }));
    bCards.change((d) => kanban.moveCard(d, cardId, doneId));
    expect(bText.pending + bBoard.pending + bCards.pending).toBeGreaterThanOrEqual(5);
    await new Promise((r) => setTimeout(r, 100)); // the outbox reaches the disk on the next tick
    await bob.documents.flushed();
    bob.close(); // the process ends; only the files remain

    // Meanwhile Ann edits the same objects.
    text.change((d) => richtext.insertText(d, 0, 'Our '));
    board.change((d) => whiteboard.restyleItem(d, shapeId, { color: '#ff0000' }));
    cards.change((d) => kanban.editCard(d, cardId, { description: 'by ann', addAssignees: ['ann'] }));
    await Promise.all([text.whenDurable(), board.whenDurable(), cards.whenDurable()]);

    // What survives the process: the outbox on disk.
    const onDisk = await Promise.all(['plan', 'sketch', 'tasks'].map(async (id) => (await new FileDocStorage(dir).load(id))?.outbox.flatMap((e) => e.changes).length ?? 0));
    expect(onDisk).toEqual([1, 2, 2]);

    // Bob's device starts again, from disk, with the network back.
    proxy.restore();
    const bob2 = await platform.client(tenant, 'bob', { url: proxyUrl, storage: new FileDocStorage(dir) });
    const [b2Text, b2Board, b2Cards] = [await bob2.documents.open('plan', 'richtext'), await bob2.documents.open('sketch', 'whiteboard'), await bob2.documents.open('tasks', 'kanban')];
    await Promise.all([b2Text.whenDurable(), b2Board.whenDurable(), b2Cards.whenDurable()]);

    const fresh = await platform.client(tenant, 'carol', { gateway: 0 });
    const [fText, fBoard, fCards] = [await fresh.documents.open('plan', 'richtext'), await fresh.documents.open('sketch', 'whiteboard'), await fresh.documents.open('tasks', 'kanban')];
    for (const t of [text, b2Text, fText]) await eventually(() => expect(richtext.plainText(t.doc)).toBe('Our Launch plan for Friday'), 20_000, 50);
    for (const b of [board, b2Board, fBoard]) {
      await eventually(() => {
        const items = whiteboard.itemsInOrder(b.doc);
        expect(items).toHaveLength(2);
        expect(items.find((i) => i.id === shapeId)).toMatchObject({ x: 100, y: 100, style: { color: '#ff0000' } });
        expect(items.find((i) => i.id !== shapeId)).toMatchObject({ type: 'sticky', text: 'offline idea' });
      }, 20_000, 50);
    }
    for (const c of [cards, b2Cards, fCards]) {
      await eventually(() => {
        const done = kanban.boardView(c.doc).find((col) => col.id === doneId)!;
        expect(done.cards).toEqual([expect.objectContaining({ id: cardId, title: 'Write it (bob)', description: 'by ann', labels: ['offline'], assignees: ['ann'] })]);
        expect(kanban.boardView(c.doc).flatMap((col) => col.cards)).toHaveLength(1);
      }, 20_000, 50);
    }
  });
});
