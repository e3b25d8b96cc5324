import * as A from '@automerge/automerge';
import { createDoc, initialHash } from '../initial';
import type { KanbanDoc, RichTextDoc, WhiteboardDoc } from '../kinds';
import * as kb from '../kanban';
import * as rt from '../richtext';
import * as wb from '../whiteboard';
import * as ctr from '../counter';
import { edit, peer } from '../testing/converge';
import { changeMessage, changeOptions, diffVersions, listVersions, parseChangeMessage, restoreChange, viewAt } from '../index';

const T0 = 1_800_000_000; // seconds

describe('change authors', () => {
  it('round-trips the JSON message and tolerates anything else', () => {
    expect(parseChangeMessage(changeMessage('u1', { label: 'draft' }))).toEqual({ userId: 'u1', label: 'draft' });
    expect(changeOptions('u2')).toEqual({ message: '{"userId":"u2"}' });
    expect(parseChangeMessage(null)).toEqual({});
    expect(parseChangeMessage('fix typo')).toEqual({});
    expect(parseChangeMessage('{not json')).toEqual({});
    expect(parseChangeMessage('{"userId":42}')).toEqual({});
  });
});

describe('listVersions', () => {
  it('groups changes by pauses, with authors, times and sizes, the creation first', () => {
    let doc = createDoc<'richtext'>('richtext', 'aa01');
    doc = edit(doc, 'ann', (d) => rt.insertText(d, 0, 'Hello'), T0);
    doc = edit(doc, 'bob', (d) => rt.insertText(d, 5, ' world'), T0 + 30);
    doc = edit(doc, 'ann', (d) => rt.insertText(d, 11, '!'), T0 + 3600);
    doc = A.change(doc, { message: 'legacy client', time: T0 + 3610 }, (d) => rt.insertText(d, 0, '>'));
    const versions = listVersions(doc);
    expect(versions.map((v) => [v.type, v.authors, v.changes])).toEqual([
      ['created', [], 1],
      ['edit', ['ann', 'bob'], 2],
      ['edit', ['actor:aa01', 'ann'], 2],
    ]);
    expect(versions[0].heads).toEqual([initialHash('richtext')]);
    expect(versions[1]).toMatchObject({ from: T0 * 1000, to: (T0 + 30) * 1000, ops: 11 });
    expect(versions[1].bytes).toBeGreaterThan(0);
    expect(versions[2].parentHeads).toEqual(versions[1].heads);
    expect(versions.at(-1)!.heads).toEqual(A.getHeads(doc));
    expect(listVersions(doc, { gapMs: 5_000 }).length).toBe(5);
    expect(listVersions(doc, { maxChanges: 1 }).length).toBe(5);
  });

  it('extends an earlier listing incrementally with the same result as a full one', () => {
    let doc = edit(createDoc('richtext'), 'ann', (d) => rt.insertText(d, 0, 'a'), T0);
    const first = listVersions(doc);
    doc = edit(doc, 'bob', (d) => rt.insertText(d, 1, 'b'), T0 + 10);
    const second = listVersions(doc, { previous: first });
    expect(second).toEqual(listVersions(doc));
    doc = edit(doc, 'cat', (d) => rt.insertText(d, 2, 'c'), T0 + 3600);
    const branch = edit(peer(doc), 'dan', (d) => rt.insertText(d, 0, 'd'), T0 + 3601);
    doc = A.merge(edit(doc, 'ann', (d) => rt.insertText(d, 3, 'e'), T0 + 3602), branch);
    expect(listVersions(doc, { previous: second })).toEqual(listVersions(doc));
    expect(listVersions(doc).at(-1)!.authors).toEqual(['ann', 'cat', 'dan']);
  });

  it('lists concurrent branches in causal order, each version a real state', () => {
    const base = edit(createDoc('richtext'), 'ann', (d) => rt.insertText(d, 0, 'base'), T0);
    const a = edit(peer(base), 'ann', (d) => rt.insertText(d, 4, ' A'), T0 + 1000);
    const b = edit(peer(base), 'bob', (d) => rt.insertText(d, 0, 'B '), T0 + 500);
    const merged = A.merge(A.clone(a), b);
    const versions = listVersions(merged, { gapMs: 100_000 });
    expect(versions.at(-1)!.heads).toEqual(A.getHeads(merged));
    for (const v of versions) expect(() => viewAt(merged, v.heads)).not.toThrow();
    expect(viewAt(merged, versions.at(-1)!.heads).text).toBe('B base A');
  });
});

describe('viewAt and diffVersions', () => {
  it('shows rich text as it was and what was typed, deleted and formatted', () => {
    let doc: A.Doc<RichTextDoc> = edit(createDoc('richtext'), 'ann', (d) => rt.insertText(d, 0, 'The quick brown fox'));
    const v1 = A.getHeads(doc);
    doc = edit(doc, 'bob', (d) => {
      rt.deleteText(d, 4, 6); // "quick "
      rt.insertText(d, 4, 'slow ');
      rt.insertText(d, doc.text.length - 1, ' jumps');
      rt.addMark(d, { start: 0, end: 3 }, 'bold');
      rt.splitBlock(d, 0, rt.heading(1));
    });
    const v2 = A.getHeads(doc);
    expect(viewAt(doc, v1).text).toBe('The quick brown fox');
    const diff = diffVersions(doc, v1, v2);
    if (diff.kind !== 'richtext') throw new Error('expected a rich-text diff');
    expect(diff.segments).toEqual([
      { type: 'insert', text: '\n' },
      { type: 'equal', text: 'The ' },
      { type: 'delete', text: 'quick ' },
      { type: 'insert', text: 'slow ' },
      { type: 'equal', text: 'brown fox' },
      { type: 'insert', text: ' jumps' },
    ]);
    expect(diff.segments.filter((s) => s.type !== 'insert').map((s) => s.text).join('')).toBe('The quick brown fox');
    expect(diff.formatting).toEqual([{ name: 'bold', value: true, start: 1, end: 4 }]);
    expect(diff.blocksChanged).toBe(1);
  });

  it('lists added, removed and changed shapes', () => {
    let doc: A.Doc<WhiteboardDoc> = edit(createDoc('whiteboard'), 'ann', (d) => {
      wb.addShape(d, { id: 'a', type: 'rectangle', x: 0, y: 0, width: 1, height: 1 });
      wb.addShape(d, { id: 'b', type: 'ellipse', x: 0, y: 0, width: 1, height: 1 });
    });
    const v1 = A.getHeads(doc);
    doc = edit(doc, 'bob', (d) => {
      wb.moveItem(d, 'a', 5, 0);
      wb.restyleItem(d, 'a', { color: 'red' });
      wb.deleteItem(d, 'b');
      wb.addStroke(d, { id: 'c', points: [0, 0] });
    });
    const diff = diffVersions(doc, v1, A.getHeads(doc));
    if (diff.kind !== 'whiteboard') throw new Error('expected a whiteboard diff');
    expect(diff.items.added.map((i) => i.id)).toEqual(['c']);
    expect(diff.items.removed.map((i) => i.id)).toEqual(['b']);
    expect(diff.items.changed.map((c) => [c.id, c.fields])).toEqual([
      ['a', [{ field: 'style.color', from: '#1e1e1e', to: 'red' }, { field: 'x', from: 0, to: 5 }]],
    ]);
  });

  it('lists column and card changes, moves included', () => {
    let doc: A.Doc<KanbanDoc> = edit(createDoc('kanban'), 'ann', (d) => {
      kb.addColumn(d, 'Todo', { id: 'todo' });
      kb.addColumn(d, 'Done', { id: 'done' });
      kb.addCard(d, 'todo', { id: 'c1', title: 'One' });
    });
    const v1 = A.getHeads(doc);
    doc = edit(doc, 'bob', (d) => {
      kb.renameColumn(d, 'done', 'Finished');
      kb.moveCard(d, 'c1', 'done');
      kb.addCard(d, 'todo', { id: 'c2', title: 'Two' });
    });
    const diff = diffVersions(doc, v1, A.getHeads(doc));
    if (diff.kind !== 'kanban') throw new Error('expected a kanban diff');
    expect(diff.columns.changed.map((c) => c.fields)).toEqual([[{ field: 'title', from: 'Done', to: 'Finished' }]]);
    expect(diff.cards.added.map((c) => c.id)).toEqual(['c2']);
    expect(diff.cards.changed[0].fields.map((f) => f.field)).toEqual(['place.columnId']);
    expect(diffVersions(doc, A.getHeads(doc), v1).kind).toBe('kanban');
  });

  it('reports unknown versions clearly', () => {
    const doc = createDoc('counter');
    expect(() => viewAt(doc, ['ab'.repeat(32)])).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(() => viewAt(doc, ['nope'])).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});

describe('restoreChange', () => {
  it('brings rich text back, marks and blocks included, as one new change keeping the history', () => {
    let doc: A.Doc<RichTextDoc> = edit(createDoc('richtext'), 'ann', (d) => {
      rt.insertText(d, 0, 'Title and body');
      rt.setBlock(d, 0, rt.heading(2));
      rt.addMark(d, { start: 1, end: 6 }, 'italic');
    });
    const v1 = A.getHeads(doc);
    const before = rt.blocks(doc);
    doc = edit(doc, 'bob', (d) => {
      rt.deleteText(d, 6, 4);
      rt.removeMark(d, { start: 1, end: 6 }, 'italic');
      rt.setBlock(d, 1, rt.paragraph());
      rt.insertText(d, 6, ' - rewritten');
    });
    const changesBefore = A.getAllChanges(doc).length;
    const restored = restoreChange(doc, v1, { userId: 'cat' });
    expect(rt.blocks(restored)).toEqual(before);
    expect(A.getAllChanges(restored).length).toBe(changesBefore + 1);
    const last = listVersions(restored).at(-1)!;
    expect(last).toMatchObject({ type: 'restore', authors: ['cat'] });
    // The rewritten version is still in history.
    expect(viewAt(restored, A.getHeads(doc)).text).toContain('rewritten');
  });

  it('restores whiteboards and boards: deleted things come back, later additions go, counters count back', () => {
    let board: A.Doc<KanbanDoc> = edit(createDoc('kanban'), 'ann', (d) => {
      kb.addColumn(d, 'Todo', { id: 'todo' });
      kb.addCard(d, 'todo', { id: 'c1', title: 'One', labels: ['a'] });
    });
    const v1 = A.getHeads(board);
    const snapshot = kb.boardView(board);
    board = edit(board, 'bob', (d) => {
      kb.addColumn(d, 'Later', { id: 'later' });
      kb.moveCard(d, 'c1', 'later');
      kb.editCard(d, 'c1', { title: 'Uno', addLabels: ['b'] });
      kb.addCard(d, 'todo', { id: 'c2', title: 'Two' });
    });
    board = restoreChange(board, v1, { userId: 'ann' });
    expect(kb.boardView(board)).toEqual(snapshot);

    let wboard: A.Doc<WhiteboardDoc> = edit(createDoc('whiteboard'), 'ann', (d) => wb.addStroke(d, { id: 's', points: [0, 0, 1, 1] }));
    const w1 = A.getHeads(wboard);
    const wsnap = A.toJS(wboard);
    wboard = edit(wboard, 'bob', (d) => {
      wb.appendPoints(d, 's', [2, 2]);
      wb.addShape(d, { id: 'r', type: 'rectangle', x: 0, y: 0, width: 1, height: 1 });
    });
    wboard = edit(wboard, 'bob', (d) => wb.deleteItem(d, 's'));
    expect(A.toJS(restoreChange(wboard, w1, { userId: 'ann' }))).toEqual(wsnap);

    let count = edit(createDoc('counter'), 'a', (d) => ctr.increment(d, 3));
    const c1 = A.getHeads(count);
    count = edit(count, 'b', (d) => ctr.increment(d, 10));
    count = restoreChange(count, c1, { userId: 'a' });
    expect(ctr.counterValue(count)).toBe(3);
  });

  it('restores after concurrent edits by several people', () => {
    const base = edit(createDoc('richtext'), 'ann', (d) => rt.insertText(d, 0, 'Version one.'));
    const v1 = A.getHeads(base);
    const a = edit(peer(base), 'ann', (d) => rt.insertText(d, 12, ' Ann was here.'));
    const b = edit(peer(base), 'bob', (d) => rt.deleteText(d, 0, 8));
    const merged = A.merge(A.clone(a), b);
    expect(merged.text).toBe('one. Ann was here.');
    const restored = restoreChange(merged, v1, { userId: 'cat' });
    expect(restored.text).toBe('Version one.');
    // Restoring back to the merged state works too (the restore itself is undoable).
    expect(restoreChange(restored, A.getHeads(merged), { userId: 'cat' }).text).toBe('one. Ann was here.');
  });

  it('merges a restore with edits made concurrently by others: their later work survives', () => {
    let base: A.Doc<KanbanDoc> = edit(createDoc('kanban'), 'ann', (d) => {
      kb.addColumn(d, 'Todo', { id: 'todo' });
      kb.addCard(d, 'todo', { id: 'c1', title: 'One' });
    });
    const v1 = A.getHeads(base);
    base = edit(base, 'ann', (d) => kb.editCard(d, 'c1', { title: 'One (edited)' }));
    const restorer = restoreChange(peer(base), v1, { userId: 'ann' });
    const other = edit(peer(base), 'bob', (d) => {
      kb.addCard(d, 'todo', { id: 'c2', title: 'Two' });
      kb.editCard(d, 'c1', { description: 'details' });
    });
    const m1 = A.merge(A.clone(restorer), other);
    const m2 = A.merge(A.clone(other), restorer);
    expect(A.toJS(m1)).toEqual(A.toJS(m2));
    const cards = kb.boardView(m1)[0].cards;
    expect(cards.map((c) => [c.id, c.title, c.description])).toEqual([
      ['c1', 'One', 'details'],
      ['c2', 'Two', ''],
    ]);
  });

  it('makes no change when the state already equals that version', () => {
    const doc = edit(createDoc('richtext'), 'ann', (d) => rt.insertText(d, 0, 'same'));
    expect(A.getHeads(restoreChange(doc, A.getHeads(doc), { userId: 'ann' }))).toEqual(A.getHeads(doc));
  });
});
