import { uniqueId } from '../testing/eventually';
import type { LeaderboardRankStore } from './leaderboard-rank.port';

export interface LeaderboardRankContractSetup {
  store: LeaderboardRankStore;
  teardown(): Promise<void>;
}

/** The behaviour every ranked-set adapter must have: run against Redis and the in-process one. */
export function runLeaderboardRankContract(name: string, setup: () => Promise<LeaderboardRankContractSetup>, timeoutMs = 20_000): void {
  describe(`LeaderboardRankStore contract: ${name}`, () => {
    let ctx: LeaderboardRankContractSetup;
    let key: string;
    beforeAll(async () => {
      ctx = await setup();
    }, timeoutMs);
    afterAll(async () => ctx?.teardown(), timeoutMs);
    beforeEach(() => {
      key = uniqueId('board');
    });

    it('orders by score, then equal scores by member', async () => {
      await ctx.store.set(key, [
        { member: 'dee', score: 5 },
        { member: 'bob', score: 5 },
        { member: 'ann', score: 9 },
        { member: 'cy', score: -2.5 },
      ]);
      expect(await ctx.store.range(key, 0, 100)).toEqual([
        { member: 'cy', score: -2.5 },
        { member: 'bob', score: 5 },
        { member: 'dee', score: 5 },
        { member: 'ann', score: 9 },
      ]);
      expect(await ctx.store.ranks(key, ['ann', 'bob', 'dee', 'nobody'])).toEqual([3, 1, 2, null]);
      expect(await ctx.store.count(key)).toBe(4);
    }, timeoutMs);

    it('moves a member whose score changed, and the rank read right after shows it', async () => {
      await ctx.store.set(key, [{ member: 'a', score: 1 }, { member: 'b', score: 2 }, { member: 'c', score: 3 }]);
      await ctx.store.set(key, [{ member: 'a', score: 10 }]);
      expect(await ctx.store.ranks(key, ['a'])).toEqual([2]);
      expect((await ctx.store.range(key, 0, 10)).map((e) => e.member)).toEqual(['b', 'c', 'a']);
    }, timeoutMs);

    it('pages with clamped ranges', async () => {
      await ctx.store.set(key, Array.from({ length: 10 }, (_, i) => ({ member: `p${i}`, score: i })));
      expect((await ctx.store.range(key, 8, 20)).map((e) => e.member)).toEqual(['p8', 'p9']);
      expect(await ctx.store.range(key, 10, 20)).toEqual([]);
      expect(await ctx.store.range(key, 3, 2)).toEqual([]);
      expect(await ctx.store.count(`${key}-missing`)).toBe(0);
    }, timeoutMs);

    it('removes members and replaces whole sets', async () => {
      await ctx.store.set(key, [{ member: 'a', score: 1 }, { member: 'b', score: 2 }]);
      await ctx.store.remove(key, ['a', 'zzz']);
      expect(await ctx.store.range(key, 0, 10)).toEqual([{ member: 'b', score: 2 }]);
      await ctx.store.replace(key, [{ member: 'x', score: 3 }, { member: 'y', score: 1 }]);
      expect(await ctx.store.range(key, 0, 10)).toEqual([{ member: 'y', score: 1 }, { member: 'x', score: 3 }]);
      await ctx.store.replace(key, []);
      expect(await ctx.store.count(key)).toBe(0);
    }, timeoutMs);

    it('keeps sets apart', async () => {
      await ctx.store.set(key, [{ member: 'a', score: 1 }]);
      expect(await ctx.store.ranks(`${key}x`, ['a'])).toEqual([null]);
    }, timeoutMs);
  });
}
