import { Inject, Injectable } from '@nestjs/common';
import { TOPICS } from '@tandem/contracts';
import { EVENT_BUS, EventBus, Subscription } from '@tandem/platform';
import { randomUUID } from 'node:crypto';
import type { IngestEvent } from '../domain/match-state';
import { StatsIngestService } from '../ingest/stats-ingest.service';
import type { RankedEntry } from '../leaderboards/leaderboard.service';
import { LeaderboardService } from '../leaderboards/leaderboard.service';
import { STATS_STORE, StatsExport, StatsStore } from '../store/stats-store.port';

export interface RebuildProgress {
  /** Records of `stats.ingest.v1` read so far, of `total` (the end offsets when the rebuild began). */
  read: number;
  total: number;
  applied: number;
  duplicates: number;
  /** Records that fail validation (they were dead-lettered when first consumed; skipped again). */
  invalid: number;
  elapsedMs: number;
}

/** Every projection, the ranked sets (as the rank store holds them) included, canonically ordered. */
export interface ProjectionsExport extends StatsExport {
  ranks: Array<{ tenant: string; boardId: string; period: string; entries: RankedEntry[] }>;
}

/**
 * Rebuilds the projections (matches, match lines, leaderboard entries, ranks) from `stats.ingest.v1`
 * read from the beginning, through the same ingest code the live consumer runs: clears them, reads
 * every partition up to the end offsets taken at the start (in a consumer group of its own), and
 * reloads every ranked set from the rebuilt store. Leaderboard definitions stay as they are.
 */
@Injectable()
export class StatsRebuildService {
  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(STATS_STORE) private readonly store: StatsStore,
    private readonly ingest: StatsIngestService,
    private readonly leaderboards: LeaderboardService,
  ) {}

  async rebuild(onProgress: (p: RebuildProgress) => void = () => undefined): Promise<RebuildProgress> {
    const started = Date.now();
    await this.bus.ensureTopics([TOPICS.statsIngest]);
    const end = new Map([...(await this.bus.endOffsets(TOPICS.statsIngest))].map(([p, o]) => [p, BigInt(o)] as const));
    const progress: RebuildProgress = { read: 0, total: Number([...end.values()].reduce((a, b) => a + b, 0n)), applied: 0, duplicates: 0, invalid: 0, elapsedMs: 0 };
    await this.leaderboards.dropRanks(await this.leaderboards.rankSets());
    await this.store.clearProjections();
    const position = new Map<number, bigint>();
    const done = () => [...end].every(([p, o]) => (position.get(p) ?? 0n) >= o);
    const report = () => onProgress({ ...progress, elapsedMs: Date.now() - started });
    if (!done()) {
      let subscribed: Promise<Subscription> | undefined;
      await new Promise<void>((resolve, reject) => {
        const seen = (partition: number, offset: string) => {
          const next = BigInt(offset) + 1n;
          if (next > (position.get(partition) ?? 0n)) position.set(partition, next);
        };
        subscribed = this.bus.subscribe({
            groupId: `stats-rebuild-${randomUUID()}`,
            topics: [TOPICS.statsIngest],
            fromBeginning: true,
            handleBatch: async ({ partition, records }) => {
              const limit = end.get(partition) ?? 0n;
              const wanted = records.filter((r) => BigInt(r.offset) < limit);
              if (wanted.length > 0) {
                const outcome = await this.ingest.applyBatch(wanted.map((r) => r.event as IngestEvent));
                progress.applied += outcome.applied;
                progress.duplicates += outcome.duplicates;
                progress.read += wanted.length;
              }
              for (const r of wanted) seen(partition, r.offset);
              report();
              if (done()) resolve();
            },
            onInvalid: (record) => {
              if (BigInt(record.offset) >= (end.get(record.partition) ?? 0n)) return;
              progress.invalid++;
              progress.read++;
              seen(record.partition, record.offset);
              if (done()) resolve();
            },
        });
        subscribed.catch(reject);
      });
      await (await subscribed!).close();
    }
    await this.leaderboards.rebuildAllRanks();
    progress.elapsedMs = Date.now() - started;
    onProgress(progress);
    return progress;
  }

  /** Every projection (of one tenant, or all), the ranked sets included, in a canonical order. */
  async exportProjections(tenant?: string): Promise<ProjectionsExport> {
    const all = await this.store.exportAll();
    const mine = <T extends { tenant: string }>(rows: T[]) => (tenant === undefined ? rows : rows.filter((r) => r.tenant === tenant));
    const ranks: ProjectionsExport['ranks'] = [];
    const sets = (await this.leaderboards.rankSets()).filter((s) => tenant === undefined || s.tenant === tenant);
    sets.sort((a, b) => cmp(a.tenant, b.tenant) || cmp(a.definition.boardId, b.definition.boardId) || cmp(a.period, b.period));
    for (const s of sets) ranks.push({ tenant: s.tenant, boardId: s.definition.boardId, period: s.period, entries: await this.leaderboards.storedRanks(s.tenant, s.definition, s.period) });
    return { matches: mine(all.matches), playerMatches: mine(all.playerMatches), entries: mine(all.entries), ranks };
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
