import { compareRanked, placeAt, rankAfterAll, rankBeforeAll, sortRanked } from './ordering';

const apply = (items: { id: string; rank: string }[], writes: Map<string, string>, id: string) => {
  const out = items.filter((i) => i.id !== id).map((i) => ({ ...i, rank: writes.get(i.id) ?? i.rank }));
  out.push({ id, rank: writes.get(id)! });
  return sortRanked(out).map((i) => i.id);
};

describe('ordering', () => {
  const items = [
    { id: 'a', rank: 'a0' },
    { id: 'b', rank: 'a1' },
    { id: 'c', rank: 'a2' },
  ];

  it('places an item anywhere with one write', () => {
    for (let i = 0; i <= 3; i++) {
      const writes = placeAt(items, 'x', i);
      expect(writes.size).toBe(1);
      const expected = ['a', 'b', 'c'];
      expected.splice(i, 0, 'x');
      expect(apply(items, writes, 'x')).toEqual(expected);
    }
    expect(apply(items, placeAt(items, 'a', 3), 'a')).toEqual(['b', 'c', 'a']);
    expect(rankAfterAll(['a0', 'a5']) > 'a5').toBe(true);
    expect(rankBeforeAll(['a0', 'a5']) < 'a0').toBe(true);
  });

  it('orders equal ranks by id and re-ranks only the tied run to insert between them', () => {
    const tied = [{ id: 'p', rank: 'a0' }, { id: 'q', rank: 'a1' }, { id: 'r', rank: 'a1' }, { id: 's', rank: 'a1' }, { id: 't', rank: 'a2' }];
    expect(sortRanked(tied).map((i) => i.id)).toEqual(['p', 'q', 'r', 's', 't']);
    const writes = placeAt(tied, 'x', 2);
    expect(apply(tied, writes, 'x')).toEqual(['p', 'q', 'x', 'r', 's', 't']);
    expect([...writes.keys()].sort()).toEqual(['q', 'r', 's', 'x']);
  });

  it('recovers from ranks that are not fractional indexes by re-ranking everything', () => {
    const bad = [{ id: 'a', rank: '!!' }, { id: 'b', rank: '~~' }];
    expect(apply(bad, placeAt(bad, 'x', 1), 'x')).toEqual(['a', 'x', 'b']);
    expect(compareRanked({ id: 'a', rank: 'a0' }, { id: 'b', rank: 'a0' })).toBe(-1);
  });
});
