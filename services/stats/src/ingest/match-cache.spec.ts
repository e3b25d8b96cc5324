import { uniqueId } from '@tandem/platform/testing';
import { emptyMatch, type IngestEvent } from '../domain/match-state';
import { canonicalJson } from '../store/stats-store.port';
import { playerStats } from '../testing/stats.factories';
import { statsHarness, statsServices } from '../testing/stats.harness';
import { MatchCache } from './match-cache';
import { StatsIngestService } from './stats-ingest.service';

const from = (partition: number, first: number, count = 1) => ({ partition, firstOffset: String(first), nextOffset: String(first + count) });

describe(MatchCache.name, () => {
  it('keeps a partition while its batches follow each other and drops it on a gap or a rewind', () => {
    const sut = new MatchCache();
    sut.follow(from(0, 0));
    sut.put('t', emptyMatch('m1'), 0);
    sut.advance(from(0, 0));
    sut.follow(from(0, 1));
    expect(sut.get('t', 'm1')).toBeDefined();
    sut.advance(from(0, 1));
    sut.follow(from(0, 5));
    expect(sut.get('t', 'm1')).toBeUndefined();
    sut.put('t', emptyMatch('m1'), 0);
    sut.advance(from(0, 5));
    sut.follow(from(0, 3));
    expect(sut.get('t', 'm1')).toBeUndefined();
  });

  it('never drops a match with a write pending, and drops it once that write is done if its partition moved on meanwhile', () => {
    const sut = new MatchCache(1);
    sut.follow(from(0, 0));
    const m1 = sut.put('t', emptyMatch('m1'), 0);
    sut.pin(m1);
    sut.put('t', emptyMatch('m2'), 0);
    sut.trim();
    expect(sut.get('t', 'm1')).toBe(m1);
    expect(sut.get('t', 'm2')).toBeUndefined();
    sut.follow(from(0, 9));
    expect(sut.get('t', 'm1')).toBe(m1);
    sut.unpin(m1, true);
    expect(sut.get('t', 'm1')).toBeUndefined();
  });

  it('drops a match whose write failed, and one folded outside any partition once it is written', () => {
    const sut = new MatchCache();
    sut.follow(from(2, 0));
    const owned = sut.put('t', emptyMatch('m1'), 2);
    const loose = sut.put('t', emptyMatch('m2'), null);
    sut.pin(owned);
    sut.pin(loose);
    sut.unpin(loose, true);
    sut.unpin(owned, false);
    expect(sut.size).toBe(0);
  });
});

describe(`${StatsIngestService.name} with the match states of its partitions in memory`, () => {
  let h: ReturnType<typeof statsHarness>;
  let tenant: string;
  let loads: string[][];
  beforeEach(() => {
    h = statsHarness();
    tenant = uniqueId('tenant');
    loads = [];
    const load = h.store.loadMatches.bind(h.store);
    h.store.loadMatches = async (t, ids) => {
      loads.push([...ids]);
      return load(t, ids);
    };
  });
  afterEach(() => h.teardown());

  it('folds the next batch of a partition without reading the store', async () => {
    await h.ingest.applyBatch([playerStats(tenant, 'm1', 1, 'ann', { kills: 1 })], from(0, 0));
    const next = await h.ingest.applyBatch([playerStats(tenant, 'm1', 2, 'ann', { kills: 2 })], from(0, 1));
    expect(loads).toEqual([['m1']]);
    expect(next.boards[0]!.board.events).toBe(2);
    expect(h.ingest.matchesHeld).toBe(1);
  });

  it('reads the store again after the partition was reassigned and another consumer wrote the match meanwhile', async () => {
    await h.ingest.applyBatch([playerStats(tenant, 'm1', 1, 'ann', { kills: 1 })], from(0, 0));
    // Another instance owned partition 0 for offsets 1–2, on the same store.
    const other = new StatsIngestService(h.store, statsServices(h.store, h.ranks).leaderboards);
    await other.applyBatch([playerStats(tenant, 'm1', 2, 'ann', { kills: 2 }), playerStats(tenant, 'm1', 3, 'bob', { kills: 4 })], from(0, 1, 2));
    const back = await h.ingest.applyBatch([playerStats(tenant, 'm1', 4, 'ann', { kills: 8 })], from(0, 3));
    expect(back.boards[0]!.board).toMatchObject({ events: 4, seq: 4 });
    expect((await h.profiles.profile(tenant, 'ann', 5)).totals).toEqual({ kills: 11 });
    expect((await h.profiles.board(tenant, 'm1')).events).toBe(4);
  });

  it('loses nothing when a write pass fails and the partition is rewound to the batch', async () => {
    const events = [playerStats(tenant, 'm1', 1, 'ann', { kills: 1 }), playerStats(tenant, 'm1', 2, 'bob', { kills: 2 }), playerStats(tenant, 'm1', 3, 'ann', { kills: 4 })];
    const reference = statsHarness();
    try {
      await reference.ingest.applyBatch(events);
      await h.ingest.applyBatch(events.slice(0, 1), from(0, 0));
      const save = h.store.saveMatches.bind(h.store);
      h.store.saveMatches = async () => {
        h.store.saveMatches = save;
        throw new Error('store went away');
      };
      await expect(h.ingest.applyBatch(events.slice(1), from(0, 1, 2))).rejects.toThrow('store went away');
      // The bus rewinds the partition to the failed batch: it is folded again from the store.
      expect(await h.ingest.applyBatch(events.slice(1), from(0, 1, 2))).toMatchObject({ applied: 2, duplicates: 0 });
      expect(canonicalJson(await h.store.exportAll())).toBe(canonicalJson(await reference.store.exportAll()));
    } finally {
      reference.teardown();
    }
  });

  it('ends in the same state as in-order delivery with duplicates and events out of order across batches', async () => {
    const matches = ['m1', 'm2', 'm3'];
    const events = matches.flatMap((m, i) => Array.from({ length: 6 }, (_, k) => playerStats(tenant, m, k + 1, `p${(k + i) % 4}`, { kills: k, score: 10 - k })));
    const reference = statsHarness();
    try {
      await reference.ingest.applyBatch(events);
      // Partition 0 holds m1 and m2, partition 1 m3; each match's events reversed, some twice.
      const stream = (list: IngestEvent[]) => [...list].reverse().flatMap((e, k) => (k % 3 === 0 ? [e, e] : [e]));
      const p0 = stream(events.filter((e) => e.data.matchId !== 'm3'));
      const p1 = stream(events.filter((e) => e.data.matchId === 'm3'));
      const pending: Array<Promise<unknown>> = [];
      for (let k = 0; k < Math.max(p0.length, p1.length); k += 2) {
        if (k < p0.length) pending.push((await h.ingest.applyMatches(p0.slice(k, k + 2), from(0, k, p0.slice(k, k + 2).length))).projected);
        if (k < p1.length) pending.push((await h.ingest.applyMatches(p1.slice(k, k + 2), from(1, k, p1.slice(k, k + 2).length))).projected);
      }
      await Promise.all(pending);
      expect(loads.flat().sort()).toEqual(matches);
      expect(canonicalJson(await h.store.exportAll())).toBe(canonicalJson(await reference.store.exportAll()));
    } finally {
      reference.teardown();
    }
  });
});
