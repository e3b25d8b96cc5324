import { uniqueId } from '@tandem/platform/testing';
import { playerStats } from '../testing/stats.factories';
import type { StatsHarness } from '../testing/stats.harness';

/**
 * The leaderboard behaviour (ties, around a player at both edges, paging backward, period resets,
 * a rank read right after a score update), run on the embedded adapters (unit spec) and on
 * FerretDB + Redis (integration).
 */
export function runLeaderboardScenarios(name: string, harness: () => Promise<StatsHarness>, timeoutMs = 5_000): void {
  describe(`LeaderboardService on ${name}`, () => {
    let h: StatsHarness;
    let tenant: string;
    beforeEach(async () => {
      h = await harness();
      tenant = uniqueId('tenant');
    }, timeoutMs);
    afterEach(async () => h.teardown(), timeoutMs);

    /** One match per player, with `kills` as given. */
    async function play(kills: Record<string, number>, at = '2026-05-01T10:00:00.000Z') {
      await h.ingest.applyBatch(Object.entries(kills).map(([p, k], i) => playerStats(tenant, uniqueId('m'), i + 1, p, { kills: k }, at)));
    }
    const ids = (page: { entries: Array<{ playerId: string }> }) => page.entries.map((e) => e.playerId);

    it('orders ties by player id ascending, in both directions', async () => {
      await h.leaderboards.define(tenant, 'most', { stat: 'kills', aggregation: 'sum' });
      await h.leaderboards.define(tenant, 'least', { stat: 'kills', aggregation: 'sum', direction: 'asc' });
      await play({ dee: 5, bob: 5, ann: 9, cy: 5, eve: 1 });
      expect((await h.leaderboards.page(tenant, 'most', undefined, 0, 10)).entries).toEqual([
        { rank: 1, playerId: 'ann', score: 9 },
        { rank: 2, playerId: 'bob', score: 5 },
        { rank: 3, playerId: 'cy', score: 5 },
        { rank: 4, playerId: 'dee', score: 5 },
        { rank: 5, playerId: 'eve', score: 1 },
      ]);
      expect(ids(await h.leaderboards.page(tenant, 'least', undefined, 0, 10))).toEqual(['eve', 'bob', 'cy', 'dee', 'ann']);
      expect(await h.leaderboards.rankOf(tenant, 'most', 'cy')).toMatchObject({ rank: 3, score: 5, total: 5 });
    });

    it('centres around a player, and keeps a full window at the top and bottom edges', async () => {
      await h.leaderboards.define(tenant, 'b', { stat: 'kills', aggregation: 'sum' });
      await play(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`p${String(i).padStart(2, '0')}`, 100 - i])));
      expect(ids(await h.leaderboards.around(tenant, 'b', 'p10', undefined, 5))).toEqual(['p08', 'p09', 'p10', 'p11', 'p12']);
      expect(ids(await h.leaderboards.around(tenant, 'b', 'p00', undefined, 5))).toEqual(['p00', 'p01', 'p02', 'p03', 'p04']);
      expect(ids(await h.leaderboards.around(tenant, 'b', 'p01', undefined, 5))).toEqual(['p00', 'p01', 'p02', 'p03', 'p04']);
      expect(ids(await h.leaderboards.around(tenant, 'b', 'p19', undefined, 5))).toEqual(['p15', 'p16', 'p17', 'p18', 'p19']);
      expect(ids(await h.leaderboards.around(tenant, 'b', 'p18', undefined, 4))).toEqual(['p16', 'p17', 'p18', 'p19']);
      const all = await h.leaderboards.around(tenant, 'b', 'p05', undefined, 50);
      expect(all.entries).toHaveLength(20);
      expect(all.entries[0].rank).toBe(1);
    });

    it('pages backward from the last page to the first and sees what forward paging saw', async () => {
      await h.leaderboards.define(tenant, 'b', { stat: 'kills', aggregation: 'sum' });
      await play(Object.fromEntries(Array.from({ length: 23 }, (_, i) => [`p${String(i).padStart(2, '0')}`, i % 7])));
      const forward: string[] = [];
      let page = await h.leaderboards.page(tenant, 'b', undefined, 0, 5);
      for (;;) {
        forward.push(...ids(page));
        if (page.nextOffset === null) break;
        page = await h.leaderboards.page(tenant, 'b', undefined, page.nextOffset, 5);
      }
      expect(forward).toHaveLength(23);
      const backward: string[][] = [];
      page = await h.leaderboards.page(tenant, 'b', undefined, 20, 5);
      for (;;) {
        backward.unshift(ids(page));
        if (page.prevOffset === null) break;
        page = await h.leaderboards.page(tenant, 'b', undefined, page.prevOffset, 5);
      }
      expect(backward.flat()).toEqual(forward);
      // An offset that is not a multiple of the page size works both ways too.
      const odd = await h.leaderboards.page(tenant, 'b', undefined, 7, 5);
      expect(odd.entries.map((e) => e.rank)).toEqual([8, 9, 10, 11, 12]);
      expect(odd.prevOffset).toBe(2);
    });

    it('starts a new period exactly at the reset, and the old period stays queryable', async () => {
      await h.leaderboards.define(tenant, 'daily', { stat: 'kills', aggregation: 'sum', period: { reset: 'daily' } });
      await h.leaderboards.define(tenant, 'weekly', { stat: 'kills', aggregation: 'sum', period: { reset: 'cron', cron: '0 0 * * 1' } });
      await play({ ann: 5 }, '2026-05-01T23:59:59.999Z');
      await play({ bob: 3 }, '2026-05-02T00:00:00.000Z');
      await play({ ann: 1 }, '2026-05-02T00:00:00.001Z');
      const day1 = await h.leaderboards.page(tenant, 'daily', '2026-05-01T00:00:00.000Z', 0, 10);
      const day2 = await h.leaderboards.page(tenant, 'daily', '2026-05-02T00:00:00.000Z', 0, 10);
      expect(day1.entries).toEqual([{ rank: 1, playerId: 'ann', score: 5 }]);
      expect(day2.entries).toEqual([{ rank: 1, playerId: 'bob', score: 3 }, { rank: 2, playerId: 'ann', score: 1 }]);
      // 2026-05-01 is a Friday: one week from Monday 2026-04-27.
      expect((await h.leaderboards.page(tenant, 'weekly', '2026-04-27T00:00:00.000Z', 0, 10)).entries).toEqual([{ rank: 1, playerId: 'ann', score: 6 }, { rank: 2, playerId: 'bob', score: 3 }]);
      expect(await h.leaderboards.periods(tenant, 'daily')).toEqual({
        boardId: 'daily',
        current: '2026-05-01T00:00:00.000Z',
        periods: [{ period: '2026-05-01T00:00:00.000Z', players: 1 }, { period: '2026-05-02T00:00:00.000Z', players: 2 }],
      });
    });

    it('shows a new rank on the read right after a score update', async () => {
      await h.leaderboards.define(tenant, 'b', { stat: 'kills', aggregation: 'sum' });
      await play({ ann: 10, bob: 8, cy: 6 });
      expect((await h.leaderboards.rankOf(tenant, 'b', 'cy')).rank).toBe(3);
      const outcome = await h.ingest.applyBatch([playerStats(tenant, 'late', 1, 'cy', { kills: 5 })]);
      expect(await h.leaderboards.rankOf(tenant, 'b', 'cy')).toMatchObject({ rank: 1, score: 11 });
      expect(outcome.ranks).toEqual([{ tenant, boardId: 'b', period: 'all', playerId: 'cy', rank: 1, previousRank: 3, score: 11 }]);
    });

    it('aggregates by max, min and latest', async () => {
      await h.leaderboards.define(tenant, 'max', { stat: 'kills', aggregation: 'max' });
      await h.leaderboards.define(tenant, 'min', { stat: 'kills', aggregation: 'min', direction: 'asc' });
      await h.leaderboards.define(tenant, 'latest', { stat: 'kills', aggregation: 'latest' });
      await play({ ann: 4 }, '2026-05-01T10:00:00.000Z');
      await play({ ann: 9 }, '2026-05-01T09:00:00.000Z');
      await play({ ann: 2 }, '2026-05-01T08:00:00.000Z');
      expect((await h.leaderboards.rankOf(tenant, 'max', 'ann')).score).toBe(9);
      expect((await h.leaderboards.rankOf(tenant, 'min', 'ann')).score).toBe(2);
      expect((await h.leaderboards.rankOf(tenant, 'latest', 'ann')).score).toBe(4);
    });

    it('fills a board defined after the matches, and rebuilds lost ranks from the store', async () => {
      await play({ ann: 1, bob: 2 });
      await h.leaderboards.define(tenant, 'b', { stat: 'kills', aggregation: 'sum' });
      expect(ids(await h.leaderboards.page(tenant, 'b', undefined, 0, 10))).toEqual(['bob', 'ann']);
      await h.ranks.replace(`${tenant}:b:all`, []);
      expect(ids(await h.leaderboards.page(tenant, 'b', undefined, 0, 10))).toEqual(['bob', 'ann']);
    });

    it('refuses an invalid definition with what to fix', async () => {
      await expect(h.leaderboards.define(tenant, 'b', { stat: 'kills', aggregation: 'median' })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
      await expect(h.leaderboards.define(tenant, 'b', { stat: 'kills', aggregation: 'sum', period: { reset: 'cron' } })).rejects.toThrow(/cron expression/);
      await expect(h.leaderboards.page(tenant, 'nope', undefined, 0, 10)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
}
