import { uniqueId } from '@tandem/platform/testing';
import type { LeaderboardDefinition } from '../domain/leaderboard';
import { emptyMatch, type PlayerMatchRow } from '../domain/match-state';
import { StatsStore, canonicalJson } from './stats-store.port';

export interface StatsStoreContractSetup {
  store: StatsStore;
  /** A fresh store over the same data, as after a process restart. */
  reopen(): Promise<StatsStore>;
  teardown(): Promise<void>;
}

const row = (playerId: string, matchId: string, kills: number): PlayerMatchRow => ({ playerId, matchId, teamId: 'red', season: 's1', time: '2026-05-01T10:00:00.000Z', status: 'ended', result: 'win', placement: 1, stats: { kills } });
const board: LeaderboardDefinition = { boardId: 'kills', stat: 'kills', aggregation: 'sum', direction: 'desc', period: null, season: null };

/** The behaviour every stats store adapter must have: run against MongoDB/FerretDB and the files. */
export function runStatsStoreContract(name: string, setup: () => Promise<StatsStoreContractSetup>, timeoutMs = 20_000): void {
  describe(`StatsStore contract: ${name}`, () => {
    let ctx: StatsStoreContractSetup;
    let tenant: string;
    beforeAll(async () => {
      ctx = await setup();
    }, timeoutMs);
    afterAll(async () => ctx?.teardown(), timeoutMs);
    beforeEach(() => {
      tenant = uniqueId('tenant');
    });

    it('saves and loads matches as they were', async () => {
      const m = { ...emptyMatch('m1'), title: 'Final', players: [{ playerId: 'p.1', teamId: 'red', teamSeq: 3, stats: { kills: 2 } }], seq: 3, events: 2, eventIds: ['e-1', 'e-2'] };
      await ctx.store.saveMatches(tenant, [m, emptyMatch('m2')]);
      const loaded = await ctx.store.loadMatches(tenant, ['m1', 'm3']);
      expect([...loaded.keys()]).toEqual(['m1']);
      expect(loaded.get('m1')).toEqual(m);
      expect((await ctx.store.loadMatches(`${tenant}x`, ['m1'])).size).toBe(0);
    }, timeoutMs);

    it('replaces a player match line and finds lines by player', async () => {
      await ctx.store.savePlayerMatches(tenant, [row('ann', 'm1', 1), row('bob', 'm1', 2), row('ann', 'm2', 3)]);
      await ctx.store.savePlayerMatches(tenant, [row('ann', 'm1', 5)]);
      const lines = await ctx.store.playerMatches(tenant, ['ann']);
      expect(lines.sort((a, b) => (a.matchId < b.matchId ? -1 : 1))).toEqual([row('ann', 'm1', 5), row('ann', 'm2', 3)]);
      expect(await ctx.store.allPlayerMatches(tenant)).toHaveLength(3);
    }, timeoutMs);

    it('keeps leaderboard definitions and entries, with periods and replacement', async () => {
      await ctx.store.saveDefinition(tenant, board);
      await ctx.store.saveDefinition(tenant, { ...board, aggregation: 'max' });
      expect(await ctx.store.definitions(tenant)).toEqual([{ ...board, aggregation: 'max' }]);
      expect((await ctx.store.allDefinitions()).filter((d) => d.tenant === tenant)).toHaveLength(1);
      const e = (playerId: string, period: string, score: number) => ({ boardId: 'kills', period, playerId, score, matches: 1 });
      await ctx.store.writeEntries(tenant, [e('ann', 'p1', 3), e('bob', 'p1', 4), e('ann', 'p2', 1)], []);
      await ctx.store.writeEntries(tenant, [e('ann', 'p1', 9)], [{ boardId: 'kills', period: 'p2', playerId: 'ann' }]);
      expect((await ctx.store.entries(tenant, 'kills', 'p1')).sort((a, b) => a.score - b.score)).toEqual([e('bob', 'p1', 4), e('ann', 'p1', 9)]);
      expect(await ctx.store.entriesOfPlayers(tenant, ['kills'], ['ann'])).toEqual([e('ann', 'p1', 9)]);
      expect(await ctx.store.periods(tenant, 'kills')).toEqual([{ period: 'p1', players: 2 }]);
      await ctx.store.replaceEntries(tenant, 'kills', [e('cy', 'p3', 1)]);
      expect(await ctx.store.periods(tenant, 'kills')).toEqual([{ period: 'p3', players: 1 }]);
    }, timeoutMs);

    it('writes players\' lines and entries together and reads both back in one call', async () => {
      const e = (playerId: string, boardId: string, period: string, score: number) => ({ boardId, period, playerId, score, matches: 1 });
      await ctx.store.writePlayers(tenant, [row('ann', 'm1', 1), row('bob', 'm1', 2)], [e('ann', 'kills', 'p1', 1), e('ann', 'other', 'p1', 7), e('bob', 'kills', 'p1', 2)], []);
      await ctx.store.writePlayers(tenant, [row('ann', 'm2', 3)], [e('ann', 'kills', 'p2', 4)], [{ boardId: 'kills', period: 'p1', playerId: 'ann' }]);
      const loaded = await ctx.store.loadPlayers(tenant, ['ann', 'nobody'], ['kills']);
      expect(loaded.rows.sort((a, b) => (a.matchId < b.matchId ? -1 : 1))).toEqual([row('ann', 'm1', 1), row('ann', 'm2', 3)]);
      expect(loaded.entries).toEqual([e('ann', 'kills', 'p2', 4)]);
      expect(await ctx.store.playerMatches(tenant, ['bob'])).toEqual([row('bob', 'm1', 2)]);
      expect(await ctx.store.entriesOfPlayers(tenant, ['kills', 'other'], ['ann', 'bob'])).toHaveLength(3);
    }, timeoutMs);

    it('keeps ids with dots and ISO periods apart', async () => {
      const e = (playerId: string, boardId: string, period: string, score: number) => ({ boardId, period, playerId, score, matches: 1 });
      await ctx.store.savePlayerMatches(tenant, [row('a.b', 'm.1', 1), row('a.b', 'm1', 2), row('a', 'b.m.1', 3)]);
      expect((await ctx.store.playerMatches(tenant, ['a.b'])).map((r) => r.matchId).sort()).toEqual(['m.1', 'm1']);
      await ctx.store.writeEntries(tenant, [e('a.b', 'k.x', '2026-05-01T00:00:00.000Z', 1), e('a.b', 'k', 'x.2026-05-01T00:00:00.000Z', 2)], []);
      expect(await ctx.store.entries(tenant, 'k.x', '2026-05-01T00:00:00.000Z')).toEqual([e('a.b', 'k.x', '2026-05-01T00:00:00.000Z', 1)]);
      expect(await ctx.store.periods(tenant, 'k')).toEqual([{ period: 'x.2026-05-01T00:00:00.000Z', players: 1 }]);
    }, timeoutMs);

    it('exports the same bytes after a restart', async () => {
      await ctx.store.saveMatches(tenant, [emptyMatch('m9')]);
      await ctx.store.savePlayerMatches(tenant, [row('zed', 'm9', 1)]);
      const before = canonicalJson(await ctx.store.exportAll());
      const reopened = await ctx.reopen();
      expect(canonicalJson(await reopened.exportAll())).toBe(before);
    }, timeoutMs);
  });
}
