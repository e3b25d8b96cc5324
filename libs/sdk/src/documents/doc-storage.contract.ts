import type { DocStorage } from './doc-storage';

const bytes = (...b: number[]) => new Uint8Array(b);

/**
 * The behaviour every {@link DocStorage} adapter must have (run against each one): what a document
 * keeps, its outbox in order, and which documents still have changes to send, with their kinds.
 * `setup` returns a fresh, empty storage; `reopen` (persistent adapters) a second instance on the same data.
 */
export function runDocStorageContract(name: string, setup: () => { sut: DocStorage; reopen?: () => DocStorage }): void {
  describe(`${name} (DocStorage contract)`, () => {
    it('knows nothing of a document never stored', async () => {
      const { sut } = setup();
      expect(await sut.load('nothing')).toBeNull();
      expect(await sut.pending()).toEqual([]);
    });

    it('keeps the saved document, its synced heads and its outbox in order', async () => {
      const { sut } = setup();
      await sut.saveDoc('plan', bytes(1, 2, 3), ['h1']);
      await sut.addToOutbox('plan', { commandId: 'a', changes: [bytes(4)] }, 'richtext');
      await sut.addToOutbox('plan', { commandId: 'b', changes: [bytes(5), bytes(6)] }, 'richtext');
      const stored = await sut.load('plan');
      expect(stored).toEqual({ doc: bytes(1, 2, 3), syncedHeads: ['h1'], outbox: [{ commandId: 'a', changes: [bytes(4)] }, { commandId: 'b', changes: [bytes(5), bytes(6)] }] });
    });

    it('lists the documents with changes to send, with their kinds, until their outboxes are empty', async () => {
      const { sut } = setup();
      await sut.addToOutbox('plan', { commandId: 'a', changes: [bytes(1)] }, 'richtext');
      await sut.addToOutbox('tasks', { commandId: 'b', changes: [bytes(2)] }, 'kanban');
      await sut.addToOutbox('tasks', { commandId: 'c', changes: [bytes(3)] }, 'kanban');
      await sut.saveDoc('sketch', bytes(9), []); // saved, nothing to send
      const byId = (list: { docId: string }[]) => [...list].sort((x, y) => x.docId.localeCompare(y.docId));
      expect(byId(await sut.pending())).toEqual([
        { docId: 'plan', kind: 'richtext' },
        { docId: 'tasks', kind: 'kanban' },
      ]);
      await sut.removeFromOutbox('tasks', ['b']);
      expect(byId(await sut.pending())).toHaveLength(2);
      await sut.removeFromOutbox('tasks', ['c']);
      expect(await sut.pending()).toEqual([{ docId: 'plan', kind: 'richtext' }]);
      expect((await sut.load('tasks'))?.outbox).toEqual([]);
    });

    it('keeps everything for the next session when persistent', async () => {
      const { sut, reopen } = setup();
      if (!sut.persistent) {
        expect(reopen).toBeUndefined();
        return;
      }
      await sut.saveDoc('plan', bytes(7), ['h']);
      await sut.addToOutbox('plan', { commandId: 'a', changes: [bytes(8)] }, 'whiteboard');
      const next = reopen!();
      expect(await next.load('plan')).toEqual({ doc: bytes(7), syncedHeads: ['h'], outbox: [{ commandId: 'a', changes: [bytes(8)] }] });
      expect(await next.pending()).toEqual([{ docId: 'plan', kind: 'whiteboard' }]);
    });
  });
}
