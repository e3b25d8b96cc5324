import * as A from '@automerge/automerge';
import { createDoc } from '../initial';
import type { RichTextDoc } from '../kinds';
import { ConcurrentTrace, loadTrace, replayConcurrentTrace } from '../testing/traces';
import * as rt from './index';

// Real people typing into one document at the same time (editing-traces collection, CC BY 4.0):
// every agent's copy, and a fresh peer loading all changes, must end exactly at endContent.
describe('concurrent editing traces through the rich-text operations', () => {
  for (const name of ['friendsforever', 'clownschool']) {
    it(`${name}: one peer per agent, each transaction typed after exactly its parents arrived, converges to endContent`, () => {
      const trace = loadTrace<ConcurrentTrace>(`${name}.json.gz`);
      expect([...trace.endContent].length).toBe(trace.endContent.length); // code points = UTF-16 indices here
      const { docs, changes, mergeCalls } = replayConcurrentTrace<RichTextDoc>(
        trace,
        () => createDoc('richtext'),
        (d, pos, del, ins) => {
          if (del > 0) rt.deleteText(d, pos, del);
          if (ins.length > 0) rt.insertText(d, pos, ins);
        },
        A,
      );
      expect(mergeCalls).toBeGreaterThan(100); // the agents really did edit concurrently
      for (const doc of docs) expect(doc.text).toBe(trace.endContent);
      const [fresh] = A.applyChanges(createDoc('richtext'), changes);
      expect(rt.plainText(fresh)).toBe(trace.endContent);
    }, 600_000);
  }
});
