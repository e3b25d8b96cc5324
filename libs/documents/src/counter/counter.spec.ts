import { createDoc } from '../initial';
import { edit, mergeBoth, peer } from '../testing/converge';
import { counterValue, increment } from './counter.ops';

describe('counter', () => {
  it('adds concurrent increments from every peer', () => {
    const base = edit(createDoc('counter'), 'ann', (d) => increment(d));
    const a = edit(peer(base), 'ann', (d) => increment(d, 5));
    const b = edit(peer(base), 'bob', (d) => increment(d, -2));
    const { ab, ba } = mergeBoth(a, b);
    expect(counterValue(ab)).toBe(4);
    expect(counterValue(ba)).toBe(4);
    expect(() => edit(base, 'ann', (d) => increment(d, 0.5))).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});
