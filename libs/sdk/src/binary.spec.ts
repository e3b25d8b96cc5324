import { withByteArrays } from './binary';

describe(withByteArrays.name, () => {
  it('turns ArrayBuffers anywhere in a message into Uint8Arrays with the same bytes', () => {
    const buf = (...b: number[]) => new Uint8Array(b).buffer;
    const message = { type: 'doc.change', changes: [buf(1, 2), buf(3)], state: { kind: 'doc', changes: buf(9, 8, 7), heads: ['a'] }, seq: 4 };
    const out = withByteArrays(message);
    expect(out.changes.map((c) => [c instanceof Uint8Array, Array.from(c as unknown as Uint8Array)])).toEqual([
      [true, [1, 2]],
      [true, [3]],
    ]);
    expect(out.state.changes).toBeInstanceOf(Uint8Array);
    expect(Array.from(out.state.changes as unknown as Uint8Array)).toEqual([9, 8, 7]);
    expect([out.type, out.seq, out.state.heads]).toEqual(['doc.change', 4, ['a']]);
  });

  it('leaves Node Buffers, typed arrays, dates and other values as they are', () => {
    const b = Buffer.from([1, 2]);
    const d = new Date(0);
    expect(withByteArrays({ b, d, n: null, s: 'x' })).toEqual({ b, d, n: null, s: 'x' });
    expect(withByteArrays({ b }).b).toBe(b);
  });
});
