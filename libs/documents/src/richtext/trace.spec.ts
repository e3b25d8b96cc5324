import * as A from '@automerge/automerge';
import { createDoc } from '../initial';
import { changeOptions } from '../history/author';
import { diffVersions } from '../history/diff';
import { listVersions } from '../history/versions';
import { restoreChange } from '../history/restore';
import { loadTrace } from '../testing/traces';
import * as rt from './index';

describe('seph-blog1 editing trace', () => {
  it('replays through the rich-text operations to exactly endContent, and its history lists, diffs and restores', () => {
    const trace = loadTrace('seph-blog1.json.gz');
    // The trace counts code points; the text has no astral characters, so they equal UTF-16 indices.
    expect([...trace.endContent].length).toBe(trace.endContent.length);
    // Transactions go in changes of TXNS_PER_CHANGE (like an editor flushing every few keystrokes):
    // one change per transaction is the same operations, only slower (~137k changes; see the report).
    const TXNS_PER_CHANGE = 20;
    let doc = createDoc('richtext');
    const started = Date.now();
    const mid = Math.floor(trace.txns.length / 2);
    let midHeads: string[] = [];
    let midText = '';
    for (let i = 0; i < trace.txns.length; i += TXNS_PER_CHANGE) {
      const batch = trace.txns.slice(i, i + TXNS_PER_CHANGE);
      doc = A.change(doc, { ...changeOptions('seph'), time: Math.floor(Date.parse(batch.at(-1)!.time) / 1000) }, (d) => {
        for (const txn of batch) {
          for (const [pos, del, ins] of txn.patches) {
            if (del > 0) rt.deleteText(d, pos, del);
            if (ins.length > 0) rt.insertText(d, pos, ins);
          }
        }
      });
      if (i <= mid && mid < i + TXNS_PER_CHANGE) {
        midHeads = A.getHeads(doc);
        midText = doc.text;
      }
    }
    const ms = Date.now() - started;
    expect(doc.text).toBe(trace.endContent);
    expect(rt.plainText(doc)).toBe(trace.endContent);

    // A peer receiving the whole history in one batch converges, and history works on it.
    const changes = A.getAllChanges(doc);
    expect(changes.length).toBe(Math.ceil(trace.txns.length / TXNS_PER_CHANGE) + 1);
    const [peer] = A.applyChanges(createDoc('richtext'), changes);
    expect(peer.text).toBe(trace.endContent);
    const versions = listVersions(peer);
    expect(versions[0].type).toBe('created');
    expect(versions.reduce((n, v) => n + v.changes, 0)).toBe(changes.length);
    expect(versions.at(-1)!.heads).toEqual(A.getHeads(peer));
    const diff = diffVersions(peer, versions[0].heads, versions.at(-1)!.heads);
    expect(diff.kind === 'richtext' && diff.segments).toEqual([{ type: 'insert', text: trace.endContent }]);
    const half = diffVersions(peer, midHeads, A.getHeads(peer));
    if (half.kind !== 'richtext') throw new Error('expected a rich-text diff');
    expect(half.segments.filter((x) => x.type !== 'insert').map((x) => x.text).join('')).toBe(midText);
    expect(half.segments.filter((x) => x.type !== 'delete').map((x) => x.text).join('')).toBe(trace.endContent);
    const restored = restoreChange(peer, midHeads, { userId: 'seph' });
    expect(restored.text).toBe(midText);
    // Figures for the report (not asserted: machine-dependent).
    console.log(`seph-blog1: ${trace.txns.length} transactions as ${changes.length} changes in ${ms} ms (${Math.round((trace.txns.length / ms) * 1000)} txns/s), ${versions.length} versions`);
  }, 600_000);
});
