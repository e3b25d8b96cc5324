import { uniqueId } from '@tandem/platform/testing';
import { canonicalJson } from '../store/stats-store.port';
import { ingestEvent, playerStats } from '../testing/stats.factories';
import { statsHarness } from '../testing/stats.harness';
import { StatsIngestService } from './stats-ingest.service';

describe(StatsIngestService.name, () => {
  let h: ReturnType<typeof statsHarness>;
  let tenant: string;
  beforeEach(() => {
    h = statsHarness();
    tenant = uniqueId('tenant');
  });
  afterEach(() => h.teardown());

  const match = (matchId: string) => [
    ingestEvent(tenant, 'tandem.stats.match.scheduled', { matchId, seq: 1, title: 'Final', season: 's1', teams: [{ teamId: 'red', name: 'Red', players: ['ann'] }, { teamId: 'blue', name: 'Blue', players: ['bob'] }] }),
    ingestEvent(tenant, 'tandem.stats.match.started', { matchId, seq: 2, at: '2026-05-01T10:00:00.000Z' }),
    playerStats(tenant, matchId, 3, 'ann', { kills: 2, score: 10 }),
    playerStats(tenant, matchId, 4, 'bob', { kills: 1 }),
    ingestEvent(tenant, 'tandem.stats.team.stats', { matchId, seq: 5, teamId: 'blue', stats: { score: 4 } }),
    playerStats(tenant, matchId, 6, 'ann', { kills: 1 }),
    ingestEvent(tenant, 'tandem.stats.match.ended', { matchId, seq: 7, at: '2026-05-01T10:30:00.000Z' }),
    ingestEvent(tenant, 'tandem.stats.match.result', { matchId, seq: 8, teams: [{ teamId: 'red', placement: 1, score: null }, { teamId: 'blue', placement: 2, score: null }] }),
  ];

  it('builds the board of a match and drops duplicate events', async () => {
    const events = match('m1');
    const outcome = await h.ingest.applyBatch([...events, events[2], events[3]]);
    expect(outcome).toMatchObject({ applied: 8, duplicates: 2 });
    expect(await h.ingest.applyBatch([events[5]])).toMatchObject({ applied: 0, duplicates: 1 });
    const board = await h.profiles.board(tenant, 'm1');
    expect(board).toMatchObject({ status: 'ended', seq: 8, events: 8, time: '2026-05-01T10:00:00.000Z', title: 'Final' });
    expect(board.teams).toEqual([
      { teamId: 'red', name: 'Red', score: 10, placement: 1, stats: { kills: 3, score: 10 } },
      { teamId: 'blue', name: 'Blue', score: 4, placement: 2, stats: { kills: 1, score: 4 } },
    ]);
  });

  it('ends in the same state whatever the delivery order within the match', async () => {
    const events = match('m1');
    await h.ingest.applyBatch(events);
    const inOrder = canonicalJson(await h.store.exportAll());
    const other = statsHarness();
    try {
      const reversed = [...events].reverse().map((e) => ({ ...e, tenant }));
      for (const e of reversed) await other.ingest.applyBatch([e]);
      expect(canonicalJson(await other.store.exportAll())).toBe(inOrder);
      expect((await other.profiles.board(tenant, 'm1')).status).toBe('ended');
    } finally {
      other.teardown();
    }
  });

  it('loses nothing when a batch fails half-way and is delivered again', async () => {
    await h.leaderboards.define(tenant, 'kills', { stat: 'kills', aggregation: 'sum' });
    const events = match('m1');
    const reference = statsHarness();
    try {
      await reference.leaderboards.define(tenant, 'kills', { stat: 'kills', aggregation: 'sum' });
      const first = playerStats(tenant, 'm0', 1, 'cy', { kills: 2 });
      await reference.ingest.applyBatch([first]);
      await reference.ingest.applyBatch(events);
      await h.ingest.applyBatch([first]);
      // The match (with its event ids) is stored, then writing the match lines fails once; then the ranks fail once.
      const writePlayers = h.store.writePlayers.bind(h.store);
      h.store.writePlayers = async () => {
        h.store.writePlayers = writePlayers;
        throw new Error('store went away');
      };
      await expect(h.ingest.applyBatch(events)).rejects.toThrow('store went away');
      const set = h.ranks.set.bind(h.ranks);
      h.ranks.set = async () => {
        h.ranks.set = set;
        throw new Error('redis went away');
      };
      await expect(h.ingest.applyBatch(events)).rejects.toThrow('redis went away');
      expect(await h.ingest.applyBatch(events)).toMatchObject({ applied: 0, duplicates: 8 });
      expect(canonicalJson(await h.store.exportAll())).toBe(canonicalJson(await reference.store.exportAll()));
      expect((await h.leaderboards.page(tenant, 'kills', undefined, 0, 10)).entries).toEqual([
        { rank: 1, playerId: 'ann', score: 3 },
        { rank: 2, playerId: 'cy', score: 2 },
        { rank: 3, playerId: 'bob', score: 1 },
      ]);
      expect((await h.profiles.profile(tenant, 'ann', 5)).totals).toEqual({ kills: 3, score: 10 });
    } finally {
      reference.teardown();
    }
  });

  it('gives the boards of a batch before writing it, and writes batches queued meanwhile in one pass', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const write = h.store.writePlayers.bind(h.store);
    const passes: string[][] = [];
    h.store.writePlayers = async (t, rows, upserts, deletes) => {
      passes.push([...new Set(rows.map((r) => r.matchId))].sort());
      if (passes.length === 1) await held;
      return write(t, rows, upserts, deletes);
    };
    const first = await h.ingest.applyMatches([playerStats(tenant, 'm1', 1, 'ann', { kills: 2 })]);
    expect(first.boards.map((b) => [b.board.matchId, b.board.events])).toEqual([['m1', 1]]);
    expect((await h.profiles.history(tenant, 'ann', 0, 10)).total).toBe(0);
    const second = await h.ingest.applyMatches([playerStats(tenant, 'm2', 1, 'ann', { kills: 3 })]);
    // m2 is not stored yet: the third batch folds into the state the second left in memory.
    const third = await h.ingest.applyMatches([playerStats(tenant, 'm2', 2, 'ann', { kills: 1 }), playerStats(tenant, 'm3', 1, 'bob', { kills: 1 })]);
    expect(third.boards.map((b) => [b.board.matchId, b.board.events]).sort()).toEqual([['m2', 2], ['m3', 1]]);
    release();
    const projected = await Promise.all([first.projected, second.projected, third.projected]);
    expect(passes).toEqual([['m1'], ['m2', 'm3']]);
    expect(projected[1]).toEqual({ records: [], ranks: [] });
    expect(projected[2].records).toEqual([{ tenant, playerId: 'ann', stat: 'kills', value: 4, previous: 2, matchId: 'm2' }]);
    expect((await h.profiles.board(tenant, 'm2')).events).toBe(2);
    expect((await h.profiles.profile(tenant, 'ann', 5)).totals).toEqual({ kills: 6 });
    expect(h.ingest.matchesHeld).toBe(0);
  });

  it('keeps a cancelled match out of profiles', async () => {
    await h.ingest.applyBatch(match('m1'));
    await h.ingest.applyBatch([...match('m2').slice(0, 4), ingestEvent(tenant, 'tandem.stats.match.cancelled', { matchId: 'm2', seq: 9 })]);
    const profile = await h.profiles.profile(tenant, 'ann', 5);
    expect(profile).toMatchObject({ matches: 1, wins: 1, totals: { kills: 3, score: 10 } });
    expect((await h.profiles.board(tenant, 'm2')).status).toBe('cancelled');
  });

  it('reports a personal best beaten, once, when a match line passes it', async () => {
    await h.ingest.applyBatch([playerStats(tenant, 'm1', 1, 'ann', { kills: 3 }, '2026-05-01T09:00:00.000Z')]);
    expect((await h.ingest.applyBatch([playerStats(tenant, 'm2', 1, 'ann', { kills: 3 })])).records).toEqual([]);
    expect((await h.ingest.applyBatch([playerStats(tenant, 'm2', 2, 'ann', { kills: 1 })])).records).toEqual([{ tenant, playerId: 'ann', stat: 'kills', value: 4, previous: 3, matchId: 'm2' }]);
    expect((await h.ingest.applyBatch([playerStats(tenant, 'm2', 3, 'ann', { kills: 1 })])).records).toEqual([]);
  });

  it('pages past performances newest first with the match context', async () => {
    for (let i = 1; i <= 5; i++) await h.ingest.applyBatch([playerStats(tenant, `m${i}`, 1, 'ann', { kills: i }, `2026-05-0${i}T10:00:00.000Z`, 'red')]);
    const first = await h.profiles.history(tenant, 'ann', 0, 2);
    expect(first.matches.map((m) => m.matchId)).toEqual(['m5', 'm4']);
    expect(first.matches[0].match.teams).toEqual([{ teamId: 'red', name: 'red', score: 0, placement: null }]);
    expect(first).toMatchObject({ total: 5, nextOffset: 2, prevOffset: null });
    expect((await h.profiles.history(tenant, 'ann', 4, 2)).matches.map((m) => m.matchId)).toEqual(['m1']);
    const profile = await h.profiles.profile(tenant, 'ann', 3);
    expect(profile.form.map((f) => f.matchId)).toEqual(['m5', 'm4', 'm3']);
    expect(profile.bests.kills).toEqual({ value: 5, matchId: 'm5', time: '2026-05-05T10:00:00.000Z' });
    expect(profile.averages.kills).toBe(3);
  });
});
