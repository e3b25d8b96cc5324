import { RedisLeaderboardRankStore, connectMongo } from '@tandem/platform';
import { uniqueId } from '@tandem/platform/testing';
import { runLeaderboardScenarios } from '../../src/leaderboards/leaderboard.scenarios';
import { MongoStatsStore } from '../../src/store/mongo.stats-store';
import { statsServices } from '../../src/testing/stats.harness';
import { infraEnv } from './support';

runLeaderboardScenarios(
  'FerretDB and Redis',
  async () => {
    const connection = await connectMongo(infraEnv().MONGO_URL, uniqueId('tandem_stats_lb_'));
    const store = new MongoStatsStore(connection);
    await store.init();
    const ranks = new RedisLeaderboardRankStore(infraEnv().REDIS_URL, `${uniqueId('tandem:lb-test:')}:`);
    return {
      ...statsServices(store, ranks),
      teardown: async () => {
        await connection.dropDatabase().catch(() => undefined);
        await ranks.close();
        await store.close();
      },
    };
  },
  30_000,
);
