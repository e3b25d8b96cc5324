import { DynamicModule, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { Config, LEADERBOARD_RANK_STORE, LeaderboardRankStore, MemoryLeaderboardRankStore, Readiness, RedisLeaderboardRankStore, connectMongo } from '@tandem/platform';
import { join, resolve } from 'node:path';
import { StatsController } from './http/stats.controller';
import { StatsIngestConsumer } from './ingest/stats-ingest.consumer';
import { StatsIngestService } from './ingest/stats-ingest.service';
import { LeaderboardService } from './leaderboards/leaderboard.service';
import { ProfileService } from './profiles/profile.service';
import { STATS_CLOCK } from './stats.errors';
import { STATS_GROUP_ID } from './stats.tokens';
import { StatsMetrics } from './stats.metrics';
import { StatsPublisher } from './stats.publisher';
import { FileStatsStore } from './store/file.stats-store';
import { MongoStatsStore } from './store/mongo.stats-store';
import { STATS_STORE, StatsStore } from './store/stats-store.port';

/** The database the stats service uses by default. */
export const STATS_DATABASE = 'tandem_stats';

/**
 * Picks the stats store: MongoDB when `MONGO_URL` is set (database `database`), files under
 * `DATA_DIR/stats` (or `DATA_DIR/<database>` for another database) otherwise.
 */
export async function createStatsStore(config: Config, database = STATS_DATABASE): Promise<StatsStore> {
  if (config.MONGO_URL) {
    const store = new MongoStatsStore(await connectMongo(config.MONGO_URL, database));
    await store.init();
    return store;
  }
  return new FileStatsStore(join(resolve(config.DATA_DIR), database === STATS_DATABASE ? 'stats' : database));
}

/**
 * Picks the ranked sets: Redis when `REDIS_URL` is set, in-process otherwise (rebuilt from the store
 * at start). Another database gets its own Redis key prefix, so a side-by-side rebuild never touches
 * the live ranks.
 */
export function createRankStore(config: Config, database = STATS_DATABASE): LeaderboardRankStore {
  if (!config.REDIS_URL) return new MemoryLeaderboardRankStore();
  return new RedisLeaderboardRankStore(config.REDIS_URL, database === STATS_DATABASE ? 'tandem:lb:' : `tandem:lb:${database}:`);
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
  /** Consume `stats.ingest.v1` (false for the rebuild CLI, which reads the topic itself). */
  consume?: boolean;
  /** The database (and Redis key prefix) of the projections; default {@link STATS_DATABASE}. */
  database?: string;
  /** The consumer group of `stats.ingest.v1`; default `stats`. */
  groupId?: string;
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
          const s = await createStatsStore(config, options.database);
          readiness.add('stats-store', () => s.checkReady());
          return s;
        },
      },
      {
        provide: LEADERBOARD_RANK_STORE,
        inject: [Readiness],
        useFactory: (readiness: Readiness) => {
          const r = createRankStore(config, options.database);
          readiness.add('leaderboard-ranks', () => r.checkReady());
          return r;
        },
      },
      { provide: STATS_CLOCK, useValue: () => Date.now() },
      { provide: STATS_GROUP_ID, useValue: options.groupId ?? 'stats' },
      StatsLifecycle,
      StatsMetrics,
      StatsPublisher,
      LeaderboardService,
      ProfileService,
      StatsIngestService,
    ];
    if (options.consume !== false) providers.push(StatsIngestConsumer);
    return { module: StatsModule, controllers: [StatsController], providers, exports: [StatsIngestService, LeaderboardService, ProfileService, STATS_STORE, LEADERBOARD_RANK_STORE] };
  }
}
