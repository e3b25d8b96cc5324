import * as A from '@automerge/automerge';
import { createDoc, richtext, RichTextDoc } from '@tandem/documents';
import { LiveDoc, savedBytes } from './document-cache';

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
