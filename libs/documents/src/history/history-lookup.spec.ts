import * as A from '@automerge/automerge';
import { historyLookup, holdsHeads } from './history-lookup';

describe(historyLookup.name, () => {
  const base = A.from<{ n: number }>({ n: 0 });
  let doc = A.clone(base);
  doc = A.change(doc, (d) => void (d.n = 1));
  const first = A.getLastLocalChange(doc)!;
  doc = A.change(doc, (d) => void (d.n = 2));
  const second = A.getLastLocalChange(doc)!;
  const [h1, h2] = [first, second].map((c) => A.decodeChange(c).hash!);
  const unknown = 'ab'.repeat(32);

  it('names the hashes in history and the missing ones, asked or not', () => {
    const known = historyLookup(doc, [h1, unknown]);
    expect([known(h1), known(unknown), known(h2), known('cd'.repeat(32))]).toEqual([true, false, true, false]);
  });

  it('does not count a change queued for a missing dependency as in history', () => {
    let copy = A.clone(base);
    [copy] = A.applyChanges(copy, [second]);
    const queued = historyLookup(copy, [h1, h2]);
    expect([queued(h1), queued(h2)]).toEqual([false, false]);
    [copy] = A.applyChanges(copy, [first]);
    const applied = historyLookup(copy, [h1, h2]);
    expect([applied(h1), applied(h2)]).toEqual([true, true]);
  });

  it('holdsHeads: all of the heads in history, none queued', () => {
    expect([holdsHeads(doc, [h1, h2]), holdsHeads(doc, []), holdsHeads(doc, [h2, unknown])]).toEqual([true, true, false]);
    let copy = A.clone(base);
    [copy] = A.applyChanges(copy, [second]);
    expect(holdsHeads(copy, [h2])).toBe(false);
    [copy] = A.applyChanges(copy, [first]);
    expect(holdsHeads(copy, [h2])).toBe(true);
  });
});
