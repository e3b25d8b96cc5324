import * as A from '@automerge/automerge';
import { createDoc } from '../initial';
import type { KanbanDoc } from '../kinds';
import { edit, mergeBoth, peer } from '../testing/converge';
import * as kb from './index';

function setup(): A.Doc<KanbanDoc> {
  return edit(createDoc('kanban'), 'ann', (d) => {
    kb.addColumn(d, 'Todo', { id: 'todo' });
    kb.addColumn(d, 'Doing', { id: 'doing' });
    kb.addColumn(d, 'Done', { id: 'done' });
    kb.addCard(d, 'todo', { id: 'c1', title: 'Write spec', assignees: ['ann'], labels: ['docs'], due: '2026-12-01' });
    kb.addCard(d, 'todo', { id: 'c2', title: 'Build it' });
    kb.addCard(d, 'todo', { id: 'c3', title: 'Ship it' });
  });
}

const layout = (doc: KanbanDoc) => Object.fromEntries(kb.boardView(doc).map((c) => [c.id, c.cards.map((x) => x.id)]));

/** Every card of the document appears exactly once in the board view. */
function expectEveryCardOnce(doc: KanbanDoc): void {
  const shown = kb.boardView(doc).flatMap((c) => c.cards.map((x) => x.id));
  expect(shown.sort()).toEqual(Object.keys(doc.cards).sort());
}

describe('kanban', () => {
  it('adds, renames, reorders and deletes columns', () => {
    let doc = setup();
    doc = edit(doc, 'ann', (d) => {
      kb.renameColumn(d, 'doing', 'In progress');
      kb.moveColumn(d, 'done', 0);
      kb.addColumn(d, 'Backlog', { id: 'backlog', index: 1 });
    });
    expect(kb.boardView(doc).map((c) => c.title)).toEqual(['Done', 'Backlog', 'Todo', 'In progress']);
    doc = edit(doc, 'ann', (d) => kb.deleteColumn(d, 'todo', { moveCardsTo: 'backlog' }));
    expect(layout(doc)).toEqual({ done: [], backlog: ['c1', 'c2', 'c3'], doing: [] });
    doc = edit(doc, 'ann', (d) => kb.deleteColumn(d, 'backlog', { deleteCards: true }));
    expect(Object.keys(doc.cards)).toEqual([]);
  });

  it('creates, edits, moves and reorders cards', () => {
    let doc = setup();
    doc = edit(doc, 'ann', (d) => {
      kb.editCard(d, 'c1', { title: 'Write the spec', description: 'Two pages', addAssignees: ['bob'], removeAssignees: ['ann'], addLabels: ['urgent'], due: null });
      kb.moveCard(d, 'c3', 'todo', 0);
      kb.moveCard(d, 'c2', 'doing');
      kb.addCard(d, 'doing', { id: 'c4', title: 'Review' }, 0);
    });
    expect(layout(doc)).toEqual({ todo: ['c3', 'c1'], doing: ['c4', 'c2'], done: [] });
    const c1 = kb.boardView(doc)[0].cards[1];
    expect(c1).toMatchObject({ title: 'Write the spec', description: 'Two pages', assignees: ['bob'], labels: ['docs', 'urgent'], due: null, columnId: 'todo' });
    doc = edit(doc, 'ann', (d) => kb.deleteCard(d, 'c4'));
    expect(layout(doc).doing).toEqual(['c2']);
  });

  it('leaves a card moved by two users at once in exactly one place', () => {
    const base = setup();
    const a = edit(peer(base), 'ann', (d) => kb.moveCard(d, 'c1', 'doing'));
    const b = edit(peer(base), 'bob', (d) => kb.moveCard(d, 'c1', 'done', 0));
    const { ab, ba } = mergeBoth(a, b);
    expect(layout(ab)).toEqual(layout(ba));
    const places = kb.boardView(ab).filter((c) => c.cards.some((x) => x.id === 'c1')).map((c) => c.id);
    expect(places).toHaveLength(1);
    expect(['doing', 'done']).toContain(places[0]);
    expectEveryCardOnce(ab);
  });

  it('converges when many users move the same cards around and reorder concurrently', () => {
    const base = setup();
    const peers = ['ann', 'bob', 'cat', 'dan'].map((u, i) =>
      edit(peer(base), u, (d) => {
        kb.moveCard(d, 'c1', ['todo', 'doing', 'done', 'doing'][i], i % 2);
        kb.moveCard(d, 'c2', ['done', 'todo', 'doing', 'done'][i], 0);
        kb.moveCard(d, 'c3', 'todo', i % 3);
      }),
    );
    const m1 = peers.reduce((acc, p) => A.merge(acc, p), A.clone(peers[0]));
    const m2 = [...peers].reverse().reduce((acc, p) => A.merge(acc, p), A.clone(peers[3]));
    expect(layout(m1)).toEqual(layout(m2));
    expectEveryCardOnce(m1);
  });

  it('keeps an edit and a concurrent move of the same card, and merges concurrent title edits', () => {
    const base = setup();
    const a = edit(peer(base), 'ann', (d) => kb.editCard(d, 'c2', { title: 'Build it well', addLabels: ['x'] }));
    const b = edit(peer(base), 'bob', (d) => {
      kb.moveCard(d, 'c2', 'done');
      kb.editCard(d, 'c2', { title: 'Please build it', addLabels: ['y'] });
    });
    const { ab } = mergeBoth(a, b);
    const card = kb.boardView(ab).find((c) => c.id === 'done')!.cards[0];
    expect(card.title).toBe('Please build it well');
    expect(card.labels).toEqual(['x', 'y']);
  });

  it('never loses cards moved into a column that someone deleted concurrently: they show in Unsorted', () => {
    const base = setup();
    const mover = edit(peer(base), 'ann', (d) => {
      kb.moveCard(d, 'c1', 'doing');
      kb.addCard(d, 'doing', { id: 'c9', title: 'New in doing' });
    });
    const deleter = edit(peer(base), 'bob', (d) => kb.deleteColumn(d, 'doing', { deleteCards: true }));
    const { ab, ba } = mergeBoth(mover, deleter);
    expect(layout(ab)).toEqual(layout(ba));
    expect(layout(ab)).toEqual({ todo: ['c2', 'c3'], done: [], [kb.UNSORTED_COLUMN_ID]: ['c1', 'c9'] });
    expect(kb.boardView(ab).at(-1)).toMatchObject({ synthetic: true, title: 'Unsorted' });
    expectEveryCardOnce(ab);
    // Anyone can move them back onto a real column.
    const fixed = edit(ab, 'cat', (d) => expect(kb.rehomeOrphans(d, 'done')).toBe(2));
    expect(layout(fixed)).toEqual({ todo: ['c2', 'c3'], done: ['c1', 'c9'] });
  });

  it('deletes a card that was deleted with its column even if someone moved it out concurrently (delete wins, defined)', () => {
    const base = setup();
    const mover = edit(peer(base), 'ann', (d) => kb.moveCard(d, 'c1', 'done'));
    const deleter = edit(peer(base), 'bob', (d) => kb.deleteColumn(d, 'todo', { deleteCards: true }));
    const { ab, ba } = mergeBoth(mover, deleter);
    expect(layout(ab)).toEqual({ doing: [], done: [] });
    expect(layout(ba)).toEqual(layout(ab));
  });

  it('moves the cards of a deleted column, and keeps cards others add to it concurrently', () => {
    const base = setup();
    const a = edit(peer(base), 'ann', (d) => kb.deleteColumn(d, 'todo', { moveCardsTo: 'done' }));
    const b = edit(peer(base), 'bob', (d) => {
      kb.addCard(d, 'todo', { id: 'late', title: 'Added late' });
      kb.moveColumn(d, 'todo', 2);
    });
    const { ab, ba } = mergeBoth(a, b);
    expect(layout(ab)).toEqual(layout(ba));
    expect(layout(ab)).toEqual({ doing: [], done: ['c1', 'c2', 'c3'], [kb.UNSORTED_COLUMN_ID]: ['late'] });
  });

  it('shows malformed cards and columns written by a buggy or hostile peer without losing or duplicating any', () => {
    const doc = A.change(setup(), (d) => {
      const raw = d as unknown as { cards: Record<string, unknown>; columns: Record<string, unknown> };
      raw.cards.noplace = { id: 'noplace', title: 7 };
      raw.cards.wrongid = { id: 'c1', title: 'Liar', place: { columnId: 'todo', rank: 5 } };
      raw.columns.norank = { id: 'norank', title: 'No rank' };
    });
    const view = kb.boardView(doc);
    expect(view.map((c) => c.id)).toEqual(['norank', 'todo', 'doing', 'done', kb.UNSORTED_COLUMN_ID]);
    expect(layout(doc)).toEqual({ norank: [], todo: ['wrongid', 'c1', 'c2', 'c3'], doing: [], done: [], [kb.UNSORTED_COLUMN_ID]: ['noplace'] });
    expectEveryCardOnce(doc);
  });

  it('keeps every card when two people delete two columns concurrently, each moving its cards into the other', () => {
    const base = edit(setup(), 'ann', (d) => kb.addCard(d, 'doing', { id: 'd1', title: 'In doing' }));
    const a = edit(peer(base), 'ann', (d) => kb.deleteColumn(d, 'todo', { moveCardsTo: 'doing' }));
    const b = edit(peer(base), 'bob', (d) => kb.deleteColumn(d, 'doing', { moveCardsTo: 'todo' }));
    const { ab, ba } = mergeBoth(a, b);
    expect(layout(ab)).toEqual(layout(ba));
    expect(Object.keys(layout(ab))).toEqual(['done', kb.UNSORTED_COLUMN_ID]);
    expect(layout(ab)[kb.UNSORTED_COLUMN_ID].sort()).toEqual(['c1', 'c2', 'c3', 'd1']);
    expectEveryCardOnce(ab);
  });

  it('refuses operations on missing cards and columns, and bad values', () => {
    const doc = setup();
    expect(() => edit(doc, 'a', (d) => kb.moveCard(d, 'nope', 'todo'))).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(() => edit(doc, 'a', (d) => kb.moveCard(d, 'c1', 'nope'))).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(() => edit(doc, 'a', (d) => kb.editCard(d, 'c1', { due: 'next tuesday' }))).toThrow(/ISO date/);
    expect(() => edit(doc, 'a', (d) => kb.addColumn(d, 'x', { id: kb.UNSORTED_COLUMN_ID }))).toThrow(/reserved/);
    expect(() => edit(doc, 'a', (d) => kb.deleteColumn(d, 'todo', { moveCardsTo: 'todo' }))).toThrow(/into itself/);
    expect(() => edit(doc, 'a', (d) => kb.deleteColumn(d, 'todo', {} as never))).toThrow(/say what happens to the cards/);
    expect(layout(doc)).toEqual({ todo: ['c1', 'c2', 'c3'], doing: [], done: [] });
  });
});
