import { LeaderboardRankStore, MemoryLeaderboardRankStore } from '@tandem/platform';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatsIngestService } from '../ingest/stats-ingest.service';
import { LeaderboardService } from '../leaderboards/leaderboard.service';
import { ProfileService } from '../profiles/profile.service';
import { FileStatsStore } from '../store/file.stats-store';
import type { StatsStore } from '../store/stats-store.port';

export interface StatsHarness {
  store: StatsStore;
  ranks: LeaderboardRankStore;
  leaderboards: LeaderboardService;
  ingest: StatsIngestService;
  profiles: ProfileService;
  teardown(): void | Promise<void>;
}

/** The stats services on the given store and ranked sets. */
export function statsServices(store: StatsStore, ranks: LeaderboardRankStore, now = () => Date.parse('2026-05-01T12:00:00.000Z')) {
  const leaderboards = new LeaderboardService(store, ranks, now);
  return { store, ranks, leaderboards, ingest: new StatsIngestService(store, leaderboards), profiles: new ProfileService(store) };
}

/** The stats services on the embedded adapters (files in a temporary directory, in-process ranks). */
export function statsHarness(now = () => Date.parse('2026-05-01T12:00:00.000Z')) {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-stats-'));
  return { ...statsServices(new FileStatsStore(dir), new MemoryLeaderboardRankStore(), now), teardown: () => rmSync(dir, { recursive: true, force: true }) };
}
