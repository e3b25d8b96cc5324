import * as A from '@automerge/automerge';
import { DOC_KINDS, DocumentError, INIT_ACTOR, createDoc, initialChange, initialHash, kindOf, richtext, kanban, whiteboard, counter } from './index';
import { edit, mergeBoth } from './testing/converge';

describe('initialChange', () => {
  it('is the same bytes every time, for every kind', () => {
    for (const kind of DOC_KINDS) {
      expect(Buffer.from(initialChange(kind)).equals(Buffer.from(initialChange(kind)))).toBe(true);
      const decoded = A.decodeChange(initialChange(kind));
      expect(decoded.actor).toBe(INIT_ACTOR);
      expect(decoded.time).toBe(0);
      expect(decoded.seq).toBe(1);
      expect(decoded.deps).toEqual([]);
    }
  });

  // These hashes are part of every stored document: if this test fails, the initial structure was
  // changed, which would make new documents diverge from existing ones. Add a migration instead.
  it('keeps the hashes every stored document starts from', () => {
    expect(Object.fromEntries(DOC_KINDS.map((k) => [k, initialHash(k)]))).toEqual(PINNED_HASHES);
  });

  it('gives each kind its own root structure at schema 1', () => {
    expect(A.toJS(createDoc('richtext'))).toEqual({ kind: 'richtext', schema: 1, text: '' });
    expect(A.toJS(createDoc('whiteboard'))).toEqual({ kind: 'whiteboard', schema: 1, items: {} });
    expect(A.toJS(createDoc('kanban'))).toEqual({ kind: 'kanban', schema: 1, columns: {}, cards: {} });
    expect(createDoc('counter').count.value).toBe(0);
  });

  it('lets two documents created independently merge without a conflict at the root', () => {
    let a = createDoc('kanban', 'aaaa');
    let b = createDoc('kanban', 'bbbb');
    expect(A.getHeads(a)).toEqual(A.getHeads(b));
    a = edit(a, 'ann', (d) => kanban.addColumn(d, 'Todo', { id: 'todo' }));
    b = edit(b, 'bob', (d) => kanban.addColumn(d, 'Done', { id: 'done' }));
    const { ab, ba } = mergeBoth(a, b);
    expect(Object.keys(ab.columns).sort()).toEqual(['done', 'todo']);
    expect(A.toJS(ab)).toEqual(A.toJS(ba));
    for (const key of ['kind', 'schema', 'columns', 'cards']) expect(A.getConflicts(ab, key)).toBeUndefined();
  });

  it('lets two rich-text documents typed offline merge into one text', () => {
    let a = createDoc('richtext', 'aaaa');
    let b = createDoc('richtext', 'bbbb');
    a = edit(a, 'ann', (d) => richtext.insertText(d, 0, 'Hello'));
    b = edit(b, 'bob', (d) => richtext.insertText(d, 0, 'World'));
    const { ab, ba } = mergeBoth(a, b);
    expect(ab.text).toBe(ba.text);
    expect(ab.text.length).toBe(10);
    expect(A.getConflicts(ab, 'text')).toBeUndefined();
  });

  it('adds up counters created on two peers, and keeps whiteboards shapes from both', () => {
    const c = mergeBoth(edit(createDoc('counter'), 'a', (d) => counter.increment(d, 2)), edit(createDoc('counter'), 'b', (d) => counter.increment(d, 3))).ab;
    expect(counter.counterValue(c)).toBe(5);
    const w = mergeBoth(
      edit(createDoc('whiteboard'), 'a', (d) => whiteboard.addShape(d, { id: 's1', type: 'rectangle', x: 0, y: 0, width: 1, height: 1 })),
      edit(createDoc('whiteboard'), 'b', (d) => whiteboard.addShape(d, { id: 's2', type: 'ellipse', x: 0, y: 0, width: 1, height: 1 })),
    ).ab;
    expect(Object.keys(w.items).sort()).toEqual(['s1', 's2']);
  });

  it('refuses the reserved actor and unknown kinds with errors that say what to do', () => {
    expect(() => createDoc('richtext', INIT_ACTOR)).toThrow(expect.objectContaining({ code: 'reserved-actor' }));
    expect(() => initialChange('spreadsheet' as never)).toThrow(DocumentError);
    expect(() => kindOf({})).toThrow(expect.objectContaining({ code: 'schema-invalid' }));
    expect(() => kindOf({ kind: 'table' })).toThrow(expect.objectContaining({ code: 'unknown-kind' }));
  });
});

const PINNED_HASHES = {
  counter: '0685899fa3ef0ae013b4f280f50fa87e1266d7825b1883f5715b8bbde58ae221',
  richtext: '59b54f7b41570dbdd5818127bfc4c304d89a64a866803678c48aee791d6d9f50',
  whiteboard: '269c6ad261d2530aa69fd677594e77aee3571674897fc288fb940960960984e4',
  kanban: '31a69b74950986c448e6edb6562261b6f8c1e65fd915a82d2c0f070c6fd2c26e',
};
