import * as A from '@automerge/automerge';
import { createDoc, richtext, RichTextDoc } from '@tandem/documents';
import { LiveDoc, estimateBytes, savedBytes } from './document-cache';

function live(doc: A.Doc<unknown>): LiveDoc {
  return { tenant: 't', docId: 'd', kind: 'richtext', doc, seq: 0, snapshotSeq: 0, snapshotSize: 0, logBytes: 0, logEntries: 0, waiting: new Map(), waitingCommands: new Map(), lastUsed: 0, busy: 0, compaction: Promise.resolve() };
}

describe(savedBytes.name, () => {
  it('saves a document state once however many ask, and again once it changed', () => {
    const l = live(createDoc('richtext'));
    const first = savedBytes(l);
    expect(savedBytes(l)).toBe(first);
    [l.doc] = A.applyChanges(l.doc, [A.getLastLocalChange(A.change(A.clone(l.doc as A.Doc<RichTextDoc>), (d) => richtext.insertText(d, 0, 'hello')))!]);
    const second = savedBytes(l);
    expect(second).not.toBe(first);
    expect(richtext.plainText(A.load<RichTextDoc>(second))).toBe('hello');
  });
});

describe(estimateBytes.name, () => {
  const typed = (text: string, changes: number) => {
    let doc = createDoc('richtext');
    const step = text.length / changes;
    for (let i = 0; i < changes; i++) doc = A.change(doc, (d) => richtext.insertText(d, i * step, text.slice(i * step, (i + 1) * step)));
    return doc;
  };

  it('counts a long history, which Automerge holds in memory though it saves small', () => {
    const text = 'x'.repeat(1000);
    const once = live(typed(text, 1));
    const keystrokes = live(typed(text, 1000));
    expect(A.save(keystrokes.doc).byteLength).toBeLessThan(1000); // saved, the history all but vanishes
    // ~150 bytes a change in Automerge 3.5: 999 more changes are well over 100 KB more.
    expect(estimateBytes(keystrokes) - estimateBytes(once)).toBeGreaterThan(100_000);
  });

  it('follows the document as it changes, and counts the saved bytes kept for joins', () => {
    const l = live(typed('hello', 1));
    const first = estimateBytes(l);
    expect(estimateBytes(l)).toBe(first);
    l.doc = A.change(l.doc as A.Doc<RichTextDoc>, (d) => richtext.insertText(d, 5, ' world'.repeat(100)));
    const grown = estimateBytes(l);
    expect(grown).toBeGreaterThan(first);
    const saved = savedBytes(l);
    expect(estimateBytes(l)).toBe(grown + saved.byteLength);
  });
});
