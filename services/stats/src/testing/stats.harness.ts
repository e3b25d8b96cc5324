import { MemoryLeaderboardRankStore } from '@tandem/platform';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatsIngestService } from '../ingest/stats-ingest.service';
import { LeaderboardService } from '../leaderboards/leaderboard.service';
import { ProfileService } from '../profiles/profile.service';
import { FileStatsStore } from '../store/file.stats-store';

/** The stats services on the embedded adapters (files in a temporary directory, in-process ranks). */
export function statsHarness(now = () => Date.parse('2026-05-01T12:00:00.000Z')) {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-stats-'));
  const store = new FileStatsStore(dir);
  const ranks = new MemoryLeaderboardRankStore();
  const leaderboards = new LeaderboardService(store, ranks, now);
  const ingest = new StatsIngestService(store, leaderboards);
  const profiles = new ProfileService(store);
  return { store, ranks, leaderboards, ingest, profiles, teardown: () => rmSync(dir, { recursive: true, force: true }) };
}
