import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TOPICS } from '@tandem/contracts';
import { EVENT_BUS, EventBus, LOGGER, Logger, Subscription } from '@tandem/platform';
import type { IngestEvent } from '../domain/match-state';
import { LeaderboardService } from '../leaderboards/leaderboard.service';
import { StatsMetrics } from '../stats.metrics';
import { StatsPublisher } from '../stats.publisher';
import { STATS_GROUP_ID } from '../stats.tokens';
import { StatsIngestService } from './stats-ingest.service';

/**
 * Consumes `stats.ingest.v1` in the `stats` group. Invalid records go to `stats.ingest.dlq.v1` with
 * their error (the batch's offsets are committed only after that publish, so none is lost) and never
 * stop the stream. Before consuming, the ranks are rebuilt from the store, so Redis may lose its data.
 */
@Injectable()
export class StatsIngestConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly ingest: StatsIngestService,
    private readonly leaderboards: LeaderboardService,
    private readonly publisher: StatsPublisher,
    private readonly metrics: StatsMetrics,
    @Inject(STATS_GROUP_ID) private readonly groupId: string,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.ingest.observe = (stage, seconds) => this.metrics.stageSeconds.observe({ stage }, seconds);
    const sets = await this.leaderboards.rebuildAllRanks();
    this.subscription = await this.bus.subscribe({
      groupId: this.groupId,
      topics: [TOPICS.statsIngest],
      fromBeginning: true,
      // The boards go out as soon as the batch is folded into the match states held in memory; the
      // batch is committed once its matches and projections (match lines, leaderboards) are written
      // and their events published. A crash in between redelivers the batch, which folds the same way.
      handleBatch: async ({ partition, records }) => {
        const stop = this.metrics.batchSeconds.startTimer();
        const now = Date.now();
        for (const r of records) this.metrics.stageSeconds.observe({ stage: 'wait' }, Math.max(0, now - Date.parse(r.event.time)) / 1000);
        const source = { partition, firstOffset: records[0]!.offset, nextOffset: (BigInt(records[records.length - 1]!.offset) + 1n).toString() };
        const { projected, ...outcome } = await this.ingest.applyMatches(records.map((r) => r.event as IngestEvent), source);
        this.metrics.ingested.inc({ outcome: 'applied' }, outcome.applied);
        this.metrics.ingested.inc({ outcome: 'duplicate' }, outcome.duplicates);
        const newest = Math.max(...records.map((r) => Date.parse(r.event.time)));
        this.metrics.lag.set(Math.max(0, Date.now() - newest) / 1000);
        this.publisher.publishBoards(outcome.boards);
        return {
          settled: projected.then(async (p) => {
            stop();
            await this.publisher.publish({ ...outcome, boards: [], ...p });
          }),
        };
      },
      onInvalid: async (record) => {
        this.logger.warn({ err: record.error, partition: record.partition, offset: record.offset }, 'invalid record on stats.ingest.v1; sent to stats.ingest.dlq.v1');
        await this.publisher.deadLetter(record);
      },
    });
    this.logger.info({ rankSets: sets }, 'consuming stats.ingest.v1');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
