import * as A from '@automerge/automerge';
import { TOPICS, aggregateKey } from '@tandem/contracts';
import { KanbanDoc, createDoc, joinChanges, kanban, richtext } from '@tandem/documents';
import { LocalObjectStore, MemoryEventBus, Metrics, createLogger, loadConfig } from '@tandem/platform';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentLoader } from './document-loader';
import { DocumentsMetrics } from './documents.metrics';
import { ChangeCommand, DocumentsService } from './documents.service';
import { FileChangeLogStore } from './store/file.change-log';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup(env: Record<string, string> = {}, dir = mkdtempSync(join(tmpdir(), 'tandem-documents-'))) {
  dirs.push(dir);
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', ...env });
  const metrics = new DocumentsMetrics(new Metrics('docs-test'));
  const store = new FileChangeLogStore(join(dir, 'log'));
  const objects = new LocalObjectStore({ directory: join(dir, 'objects'), publicUrl: () => 'http://localhost' });
  const bus = new MemoryEventBus();
  const loader = new DocumentLoader(store, objects, config, metrics);
  const sut = new DocumentsService(loader, metrics, bus, createLogger({ name: 'test', level: 'silent' }), 'docs-test', config);
  const events: Array<{ type: string; data: Record<string, unknown> }> = [];
  void bus.subscribe({ groupId: 'watch', topics: [TOPICS.docsEvents], fromBeginning: true, handleBatch: async (b) => void events.push(...b.records.map((r) => r.event as never)) });
  return { sut, store, objects, dir, events, metrics };
}

let offset = 0;
function command(tenant: string, docId: string, changes: Uint8Array[], kind: 'richtext' | 'kanban' = 'richtext', commandId = `cmd-${offset}-aaaa`): ChangeCommand {
  return {
    topic: TOPICS.docsCommands,
    partition: 0,
    offset: String(offset++),
    key: aggregateKey(tenant, docId),
    event: { id: `e${offset}`, type: 'tandem.docs.doc.change', source: '/test', specversion: '1.0', time: new Date().toISOString(), tenant, data: { docId, kind, commandId, userId: 'ann', changes: Buffer.from(joinChanges(changes)).toString('base64') } },
  };
}

/** A client copy typing `texts` as one change each. */
function typed(texts: string[], doc = createDoc('richtext')) {
  const changes: Uint8Array[] = [];
  for (const t of texts) {
    doc = A.change(doc, (d) => richtext.insertText(d, d.text.length, t));
    changes.push(A.getLastLocalChange(doc)!);
  }
  return { doc, changes };
}

const until = async (fn: () => boolean) => {
  for (let i = 0; i < 200 && !fn(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe(DocumentsService.name, () => {
  it('merges a batch of commands in one call, stores it, and announces the durable commands with the heads', async () => {
    const { sut, events } = setup();
    const { doc, changes } = typed(['a', 'b', 'c']);
    await sut.applyCommands([command('t1', 'd', changes.slice(0, 2), 'richtext', 'cmd-one-aaaa'), command('t1', 'd', changes.slice(2), 'richtext', 'cmd-two-aaaa')]);
    await until(() => events.length > 0);
    expect(events).toEqual([expect.objectContaining({ type: 'tandem.docs.doc.merged', data: { docId: 'd', kind: 'richtext', seq: 1, heads: A.getHeads(doc), commandIds: ['cmd-one-aaaa', 'cmd-two-aaaa'], changes: 3 } })]);
    const state = await sut.sync('t1', 'd', 'richtext', [], 'join');
    expect(A.loadIncremental(createDoc('richtext'), state.changes).text).toBe('abc');
  });

  it('stores nothing twice for a redelivered command but announces it durable again', async () => {
    const { sut, events, store } = setup();
    const { changes } = typed(['x']);
    const c = command('t1', 'd', changes);
    await sut.applyCommands([c]);
    await sut.applyCommands([c]);
    await until(() => events.length >= 2);
    expect(events.map((e) => e.data.commandIds)).toEqual([[c.event.data.commandId], [c.event.data.commandId]]);
    expect(events[1].data.changes).toBe(0);
    expect((await store.entriesAfter('t1', 'd', 0)).map((e) => e.seq)).toEqual([1]);
  });

  it('answers a client that synced to some heads with only what came after', async () => {
    const { sut } = setup();
    const first = typed(['Hello']);
    await sut.applyCommands([command('t1', 'd', first.changes)]);
    const synced = A.getHeads(first.doc);
    const more = typed([' world'], A.clone(first.doc));
    await sut.applyCommands([command('t1', 'd', more.changes)]);
    const state = await sut.sync('t1', 'd', 'richtext', synced, 'join');
    expect(state.changes.byteLength).toBeLessThan(A.save(more.doc).byteLength);
    expect(A.loadIncremental(first.doc, state.changes).text).toBe('Hello world');
    expect(state.heads).toEqual(A.getHeads(more.doc));
  });

  it('rejects a command for the wrong kind or with garbage bytes, storing nothing of it, and still merges the rest', async () => {
    const { sut, events } = setup();
    const good = typed(['ok']);
    await sut.applyCommands([command('t1', 'd', good.changes.slice(0, 1), 'richtext', 'cmd-good-aaaa')]);
    const bad = { ...command('t1', 'd', good.changes, 'richtext', 'cmd-junk-aaaa') };
    bad.event = { ...bad.event, data: { ...bad.event.data, changes: Buffer.from('not automerge').toString('base64') } };
    await sut.applyCommands([command('t1', 'd', good.changes, 'kanban', 'cmd-kind-aaaa'), bad]);
    await until(() => events.filter((e) => e.type === 'tandem.docs.doc.rejected').length === 2);
    expect(events.filter((e) => e.type === 'tandem.docs.doc.rejected').map((e) => [e.data.commandId, e.data.code])).toEqual([
      ['cmd-kind-aaaa', 'KIND_MISMATCH'],
      ['cmd-junk-aaaa', 'INVALID_CHANGE'],
    ]);
    const state = await sut.sync('t1', 'd', 'richtext', [], 'join');
    expect(A.loadIncremental(createDoc('richtext'), state.changes).text).toBe('ok');
  });

  it('keeps a change that arrived before its dependency, stores and acknowledges it once the dependency comes', async () => {
    const { sut, events } = setup();
    const { changes } = typed(['1', '2']);
    await sut.applyCommands([command('t1', 'd', [changes[1]], 'richtext', 'cmd-late-aaaa')]);
    await sut.applyCommands([command('t1', 'd', [changes[0]], 'richtext', 'cmd-early-aaa')]);
    await until(() => events.length >= 2);
    expect(events.map((e) => e.data.commandIds)).toEqual([[], ['cmd-early-aaa', 'cmd-late-aaaa']]);
  });

  it('compacts the log into a snapshot when it outgrows it, in the object store when large, and loads the same document after a restart', async () => {
    const { sut, store, dir } = setup({ DOCS_SNAPSHOT_INLINE_MAX_BYTES: '2048' });
    let doc = createDoc('richtext');
    for (let i = 0; i < 30; i++) {
      const next = typed([`line ${i} ${randomBytes(2000).toString('hex')}\n`], doc);
      doc = next.doc;
      await sut.applyCommands([command('t1', 'big', next.changes)]);
    }
    let loaded = await store.load('t1', 'big');
    for (let i = 0; i < 200 && !loaded.snapshot; i++) {
      await new Promise((r) => setTimeout(r, 10));
      loaded = await store.load('t1', 'big');
    }
    const { snapshot, entries } = loaded;
    expect(snapshot?.objectKey).toMatch(/^t1\/docs\/big\/snapshot-\d+\.automerge$/);
    expect(snapshot?.bytes).toBeUndefined();
    expect(entries.length).toBeLessThan(30);
    const restarted = setup({ DOCS_SNAPSHOT_INLINE_MAX_BYTES: '2048' }, dir);
    const state = await restarted.sut.sync('t1', 'big', 'richtext', [], 'join');
    expect(A.loadIncremental(createDoc('richtext'), state.changes).text).toBe(doc.text);
  }, 60_000);

  it('evicts documents beyond the memory cap and idle ones, and loads them again on demand', async () => {
    const { sut, metrics } = setup({ DOCS_MEMORY_CAP_MB: '1' });
    for (let i = 0; i < 40; i++) await sut.applyCommands([command('t1', `doc-${i}`, typed([`${i} ${'y'.repeat(3000)}`]).changes)]);
    expect(sut.memory().bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(sut.memory().documents).toBeLessThan(40);
    expect((await metrics.platform.registry.getSingleMetricAsString('tandem_docs_evictions_total'))).toMatch(/reason="memory",service="docs-test"} [1-9]/);
    const state = await sut.sync('t1', 'doc-0', 'richtext', [], 'gap');
    expect(A.loadIncremental(createDoc('richtext'), state.changes).text.startsWith('0 ')).toBe(true);
  }, 30_000);

  describe('kanban card assignments', () => {
    const by = (userId: string, c: ChangeCommand): ChangeCommand => ({ ...c, event: { ...c.event, data: { ...c.event.data, userId } } });
    const edit = (doc: A.Doc<KanbanDoc>, fn: (d: KanbanDoc) => void) => {
      const next = A.change(doc, fn);
      return { doc: next, change: A.getLastLocalChange(next)! };
    };

    it('announces the new assignees of a card, attributed to whoever assigned them, once', async () => {
      const { sut, events } = setup();
      let doc = createDoc('kanban');
      let step = edit(doc, (d) => {
        const col = kanban.addColumn(d, 'Backlog', { id: 'todo' });
        kanban.addCard(d, col, { id: 'c1', title: 'Ship it', assignees: ['ann'] });
      });
      doc = step.doc;
      await sut.applyCommands([by('ann', command('t1', 'b', [step.change], 'kanban'))]);
      step = edit(doc, (d) => kanban.editCard(d, 'c1', { addAssignees: ['bob', 'cid'] }));
      const assign = by('ann', command('t1', 'b', [step.change], 'kanban'));
      await sut.applyCommands([assign]);
      await sut.applyCommands([assign]); // redelivered: nothing new
      await until(() => events.filter((e) => e.type === 'tandem.docs.doc.merged').length >= 3);
      expect(events.filter((e) => e.type === 'tandem.docs.card.assigned').map((e) => e.data)).toEqual([
        { docId: 'b', cardId: 'c1', title: 'Ship it', assigneeIds: ['ann'], byUserId: 'ann', seq: 1 },
        { docId: 'b', cardId: 'c1', title: 'Ship it', assigneeIds: ['bob', 'cid'], byUserId: 'ann', seq: 2 },
      ]);
    });

    it('attributes each assignment of a batch merged from several users to its own author', async () => {
      const { sut, events } = setup();
      const base = edit(createDoc('kanban'), (d) => {
        kanban.addColumn(d, 'Backlog', { id: 'todo' });
        kanban.addCard(d, 'todo', { id: 'c1', title: 'One' });
        kanban.addCard(d, 'todo', { id: 'c2', title: 'Two' });
      });
      await sut.applyCommands([by('ann', command('t1', 'b2', [base.change], 'kanban'))]);
      const annCopy = edit(A.clone(base.doc), (d) => kanban.editCard(d, 'c1', { addAssignees: ['bob'] }));
      const bobCopy = edit(A.clone(base.doc), (d) => kanban.editCard(d, 'c2', { addAssignees: ['bob', 'dee'] }));
      const rename = edit(A.clone(base.doc), (d) => kanban.editCard(d, 'c1', { title: 'One!' }));
      await sut.applyCommands([by('ann', command('t1', 'b2', [annCopy.change], 'kanban')), by('bob', command('t1', 'b2', [bobCopy.change], 'kanban')), by('cid', command('t1', 'b2', [rename.change], 'kanban'))]);
      await until(() => events.filter((e) => e.type === 'tandem.docs.doc.merged').length >= 2);
      expect(events.filter((e) => e.type === 'tandem.docs.card.assigned' && e.data.seq === 2).map((e) => [e.data.cardId, e.data.assigneeIds, e.data.byUserId])).toEqual([
        ['c1', ['bob'], 'ann'],
        ['c2', ['bob', 'dee'], 'bob'],
      ]);
    });
  });
});
