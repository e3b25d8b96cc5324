import * as A from '@automerge/automerge';
import { pmDocFromSpans, syncPlugin } from '@automerge/prosemirror';
import { createDoc, richtext as rt, RichTextDoc } from '@tandem/documents';
import { DocHandle } from '@tandem/sdk';
import { EditorState, TextSelection, Transaction } from 'prosemirror-state';
import { bindingHandle } from './binding';
import { setBlock, toggleBold, toggleHeading, toggleList } from './commands';
import { cursorsOf, positionsOf } from './positions';
import { adapter, schema } from './schema';

/** A real SDK handle on a document, not connected (its changes stay in its buffer). */
function sdkHandle(doc: A.Doc<RichTextDoc> = createDoc('richtext')): DocHandle<'richtext'> {
  let n = 0;
  const handle = new DocHandle('notes', 'richtext', doc, { userId: 'ann', requestFlush: () => undefined, history: () => Promise.reject(new Error('offline')), close: () => undefined, newCommandId: () => `c${++n}` });
  handle.role = 'editor';
  return handle;
}

/** An editor state bound to the handle as the screen binds it (no view: remote patches are not applied here). */
function setup(doc?: A.Doc<RichTextDoc>) {
  const handle = sdkHandle(doc);
  const binding = bindingHandle(handle);
  let state = EditorState.create({ schema, doc: pmDocFromSpans(adapter, A.spans(handle.doc, rt.TEXT_PATH)), plugins: [syncPlugin({ adapter, handle: binding, path: rt.TEXT_PATH })] });
  const run = (make: (s: EditorState) => Transaction) => (state = state.apply(make(state)));
  const command = (cmd: (s: EditorState, d?: (tr: Transaction) => void) => boolean) => {
    expect(cmd(state, (tr) => (state = state.apply(tr)))).toBe(true);
  };
  return { handle, state: () => state, run, command };
}

const summary = (doc: A.Doc<RichTextDoc>) => rt.blocks(doc).map((b) => [b.block.type, b.block.attrs.level ?? null, b.block.parents.length, b.runs.map((r) => (Object.keys(r.marks).length ? `${r.text}<${Object.entries(r.marks).map(([k, v]) => (v === true ? k : `${k}=${v}`))}>` : r.text)).join('')]);

describe('the rich-text editor and @tandem/documents', () => {
  it('shows a document written with the document operations: headings, lists, bold and links', () => {
    const doc = A.change(createDoc('richtext'), (d) => {
      rt.insertText(d, 0, 'TitleFirstOneTwoThree');
      rt.setBlock(d, 0, rt.heading(2));
      rt.splitBlock(d, 6, rt.paragraph());
      rt.splitBlock(d, 12, rt.listItem(false));
      rt.splitBlock(d, 16, rt.listItem(false, 1));
      rt.splitBlock(d, 20, rt.listItem(true));
      rt.addMark(d, { start: 7, end: 10 }, 'bold');
      rt.addMark(d, { start: 10, end: 12 }, 'link', 'https://tandem.test/a');
    });
    const pm = pmDocFromSpans(adapter, A.spans(doc, rt.TEXT_PATH));
    expect(pm.toString()).toBe('doc(heading("Title"), paragraph(bold("Fir"), link("st")), bullet_list(list_item(paragraph("One"), bullet_list(list_item(paragraph("Two"))))), ordered_list(list_item(paragraph("Three"))))');
    expect(pm.child(0).attrs.level).toBe(2);
    expect(pm.child(1).child(1).marks[0]!.attrs.href).toBe('https://tandem.test/a');
  });

  it('writes what the editor does as the blocks and marks the document operations read', () => {
    const { handle, run, command, state } = setup();
    run((s) => s.tr.insertText('Title'));
    command(toggleHeading(1));
    run((s) => s.tr.split(s.selection.from));
    command(setBlock(schema.nodes.paragraph));
    run((s) => s.tr.insertText('Bold and plain'));
    // Select "Bold" (after the heading node: 1 + "Title".length + 1, then the paragraph opens).
    const start = state().doc.child(0).nodeSize + 1;
    run((s) => s.tr.setSelection(TextSelection.create(s.doc, start, start + 4)));
    command(toggleBold);
    run((s) => s.tr.setSelection(TextSelection.create(s.doc, s.doc.content.size - 1)).split(s.doc.content.size - 1));
    run((s) => s.tr.insertText('An item'));
    command(toggleList(schema.nodes.bullet_list));
    expect(summary(handle.doc)).toEqual([
      ['heading', 1, 0, 'Title'],
      ['paragraph', null, 0, 'Bold<bold> and plain'],
      ['unordered-list-item', null, 0, 'An item'],
    ]);
    expect(rt.plainText(handle.doc)).toBe('Title\nBold and plain\nAn item');
    // Numbered instead of bulleted, then out of the list again.
    command(toggleList(schema.nodes.ordered_list));
    expect(rt.blocks(handle.doc)[2]!.block.type).toBe('ordered-list-item');
    command(toggleList(schema.nodes.ordered_list));
    expect(rt.blocks(handle.doc)[2]!.block.type).toBe('paragraph');
    // Every edit went out as SDK changes, in the outbox order.
    expect(handle.pending).toBeGreaterThan(5);
  });

  it('keeps the editor and the document the same through a document operation made outside it', () => {
    const { handle, run } = setup();
    run((s) => s.tr.insertText('Read the spec'));
    handle.change((d) => rt.addMark(d, { start: 9, end: 13 }, 'link', 'https://tandem.test/spec'));
    // What the screen's link command writes is what the editor reads back.
    const pm = pmDocFromSpans(adapter, A.spans(handle.doc, rt.TEXT_PATH));
    expect(pm.toString()).toBe('doc(paragraph("Read the ", link("spec")))');
    expect(rt.blocks(handle.doc)[0]!.runs[1]).toEqual({ text: 'spec', marks: { link: 'https://tandem.test/spec' } });
  });

  it('maps every position to an Automerge cursor and back, also after someone inserts before it', () => {
    const { handle, run, command, state } = setup();
    run((s) => s.tr.insertText('Heading'));
    command(toggleHeading(1));
    run((s) => s.tr.split(s.selection.from).insertText('Some text'));
    run((s) => s.tr.split(s.selection.from).insertText('Item'));
    command(toggleList(schema.nodes.bullet_list));
    const pm = state().doc;
    const textPositions: number[] = [];
    pm.descendants((node, pos) => {
      if (node.isTextblock) for (let p = pos + 1; p <= pos + 1 + node.content.size; p++) textPositions.push(p);
    });
    for (const p of textPositions) {
      const c = cursorsOf(handle.doc, p, p);
      expect(positionsOf(handle.doc, pm, c)).toEqual({ anchor: p, head: p });
    }
    // Cursors, unlike indices, stay with their character when text is inserted before them.
    const inSome = textPositions.find((p) => pm.textBetween(p, p + 4) === 'text')!;
    const cursor = cursorsOf(handle.doc, inSome, inSome + 4);
    run((s) => s.tr.insertText('More ', 1));
    const moved = positionsOf(handle.doc, state().doc, cursor)!;
    expect(state().doc.textBetween(moved.anchor, moved.head)).toBe('text');
  });

  it('upgrades block markers written with plain strings, so the editor sees their types', () => {
    // Tandem before the editor wrote `type` as a string: the binding only takes immutable strings.
    const old = A.change(createDoc('richtext'), (d) => {
      A.splice(d, rt.TEXT_PATH, 0, 0, 'Old title');
      A.splitBlock(d, rt.TEXT_PATH, 0, { type: 'heading', parents: [], attrs: { level: 1 } });
    });
    expect(pmDocFromSpans(adapter, A.spans(old, rt.TEXT_PATH)).child(0).type.name).not.toBe('heading');
    expect(rt.blocks(old)[0]!.block).toEqual(rt.heading(1));
    const upgraded = A.change(old, (d) => expect(rt.normalizeBlocks(d)).toBe(1));
    expect(pmDocFromSpans(adapter, A.spans(upgraded, rt.TEXT_PATH)).toString()).toBe('doc(heading("Old title"))');
    expect(rt.blocks(upgraded)[0]!.block).toEqual(rt.heading(1));
    expect(A.getHeads(A.change(upgraded, (d) => expect(rt.normalizeBlocks(d)).toBe(0)))).toEqual(A.getHeads(upgraded));
  });
});
