import * as A from '@automerge/automerge';
import { createDoc, kanban, render, richtext, viewAt, whiteboard, counter } from './index';
import { edit } from './testing/converge';

describe('render', () => {
  it('turns every kind (and old versions) into plain JSON', () => {
    let text = edit(createDoc('richtext'), 'a', (d) => richtext.insertText(d, 0, 'Hi'));
    const v1 = A.getHeads(text);
    text = edit(text, 'a', (d) => richtext.splitBlock(d, 2, richtext.heading(1)));
    expect(render(text)).toMatchObject({ kind: 'richtext', schema: 1, text: 'Hi\n' });
    expect(render(viewAt(text, v1))).toEqual({ kind: 'richtext', schema: 1, text: 'Hi', blocks: [{ block: richtext.paragraph(), marker: -1, start: 0, runs: [{ text: 'Hi', marks: {} }] }] });
    const board = edit(createDoc('whiteboard'), 'a', (d) => whiteboard.addStroke(d, { id: 's', points: [1, 2] }));
    const r = render(board);
    expect(r.kind === 'whiteboard' && r.items.map((i) => i.id)).toEqual(['s']);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    const k = edit(createDoc('kanban'), 'a', (d) => kanban.addColumn(d, 'Todo', { id: 't' }));
    expect(render(k)).toEqual({ kind: 'kanban', schema: 1, columns: [{ id: 't', title: 'Todo', synthetic: false, cards: [] }] });
    expect(render(edit(createDoc('counter'), 'a', (d) => counter.increment(d, 4)))).toEqual({ kind: 'counter', schema: 1, value: 4 });
  });
});
