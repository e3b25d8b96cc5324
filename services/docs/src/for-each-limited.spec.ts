import { forEachLimited } from './for-each-limited';

describe(forEachLimited.name, () => {
  it('runs at most `limit` calls at once and returns the results in order', async () => {
    let running = 0;
    let most = 0;
    const results = await forEachLimited([5, 1, 4, 2, 3, 0], 2, async (ms) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return ms * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });

  it('rejects with the first error after the calls already started have settled, starting no more', async () => {
    const started: number[] = [];
    let settled = 0;
    const run = forEachLimited([1, 2, 3, 4], 2, async (n) => {
      started.push(n);
      await new Promise((r) => setTimeout(r, n * 5));
      settled++;
      if (n === 1) throw new Error('one failed');
      return n;
    });
    await expect(run).rejects.toThrow('one failed');
    expect(started).toEqual([1, 2]);
    expect(settled).toBe(2);
  });
});
