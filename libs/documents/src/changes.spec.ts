import * as A from '@automerge/automerge';
import { createDoc } from './initial';
import { joinChanges, splitChanges } from './changes';
import { isDocumentError } from './errors';
import * as rt from './richtext';

describe('joinChanges / splitChanges', () => {
  function changes(n: number): Uint8Array[] {
    let doc = createDoc('richtext');
    const out: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      doc = A.change(doc, (d) => rt.insertText(d, 0, 'x'.repeat((i + 1) * 97)));
      out.push(A.getLastLocalChange(doc)!);
    }
    return out;
  }

  it('splits joined changes back into the same changes, also with multi-byte lengths', () => {
    const cs = changes(5);
    const parts = splitChanges(joinChanges(cs));
    expect(parts.map((p) => A.decodeChange(p).hash)).toEqual(cs.map((c) => A.decodeChange(c).hash));
  });

  it('joined changes load in one call like the separate ones', () => {
    const cs = changes(4);
    const doc = A.loadIncremental(createDoc('richtext'), joinChanges(cs));
    expect(doc.text.length).toBe(97 * (1 + 2 + 3 + 4));
  });

  it('refuses bytes that are not whole chunks, saying where', () => {
    const [c] = changes(2).slice(1);
    expect(() => splitChanges(c.subarray(0, c.length - 3))).toThrow(/runs past the end/);
    const bad = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    try {
      splitChanges(bad);
      throw new Error('accepted garbage');
    } catch (error) {
      expect(isDocumentError(error, 'invalid-argument')).toBe(true);
    }
  });
});
