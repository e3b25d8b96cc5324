import { DynamicModule, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { Config, LEADERBOARD_RANK_STORE, LeaderboardRankStore, MemoryLeaderboardRankStore, Readiness, RedisLeaderboardRankStore, connectMongo } from '@tandem/platform';
import { join, resolve } from 'node:path';
import { StatsController } from './http/stats.controller';
import { StatsIngestConsumer } from './ingest/stats-ingest.consumer';
import { StatsIngestService } from './ingest/stats-ingest.service';
import { LeaderboardService } from './leaderboards/leaderboard.service';
import { ProfileService } from './profiles/profile.service';
import { STATS_CLOCK } from './stats.errors';
import { StatsMetrics } from './stats.metrics';
import { StatsPublisher } from './stats.publisher';
import { FileStatsStore } from './store/file.stats-store';
import { MongoStatsStore } from './store/mongo.stats-store';
import { STATS_STORE, StatsStore } from './store/stats-store.port';

/** Picks the stats store: MongoDB when `MONGO_URL` is set, files under `DATA_DIR/stats` otherwise. */
export async function createStatsStore(config: Config): Promise<StatsStore> {
  if (config.MONGO_URL) {
    const store = new MongoStatsStore(await connectMongo(config.MONGO_URL, 'tandem_stats'));
    await store.init();
    return store;
  }
  return new FileStatsStore(join(resolve(config.DATA_DIR), 'stats'));
}

/** Picks the ranked sets: Redis when `REDIS_URL` is set, in-process otherwise (rebuilt from the store at start). */
export function createRankStore(config: Config): LeaderboardRankStore {
  return config.REDIS_URL ? new RedisLeaderboardRankStore(config.REDIS_URL) : new MemoryLeaderboardRankStore();
}

class StatsLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(STATS_STORE) private readonly store: StatsStore,
    @Inject(LEADERBOARD_RANK_STORE) private readonly ranks: LeaderboardRankStore,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.store.close(), this.ranks.close()]);
  }
}

export interface StatsModuleOptions {
  /** Consume `stats.ingest.v1` (false for a read-only process such as the rebuild CLI). */
  consume?: boolean;
}

/** The stats service: ingestion, live boards, leaderboards and player profiles. */
@Module({})
export class StatsModule {
  static forRoot(config: Config, options: StatsModuleOptions = {}): DynamicModule {
    const providers: Provider[] = [
      {
        provide: STATS_STORE,
        inject: [Readiness],
        useFactory: async (readiness: Readiness) => {
          const s = await createStatsStore(config);
          readiness.add('stats-store', () => s.checkReady());
          return s;
        },
      },
      {
        provide: LEADERBOARD_RANK_STORE,
        inject: [Readiness],
        useFactory: (readiness: Readiness) => {
          const r = createRankStore(config);
          readiness.add('leaderboard-ranks', () => r.checkReady());
          return r;
        },
      },
      { provide: STATS_CLOCK, useValue: () => Date.now() },
      StatsLifecycle,
      StatsMetrics,
      StatsPublisher,
      LeaderboardService,
      ProfileService,
      StatsIngestService,
    ];
    if (options.consume !== false) providers.push(StatsIngestConsumer);
    return { module: StatsModule, controllers: [StatsController], providers, exports: [StatsIngestService, LeaderboardService, STATS_STORE] };
  }
}
