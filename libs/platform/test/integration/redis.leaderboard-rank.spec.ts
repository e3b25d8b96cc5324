import { runLeaderboardRankContract } from '../../src/leaderboard-rank/leaderboard-rank.contract';
import { RedisLeaderboardRankStore } from '../../src/leaderboard-rank/redis.leaderboard-rank';
import { requireEnv, uniqueId } from '../../src/testing/eventually';

runLeaderboardRankContract('Redis', async () => {
  const store = new RedisLeaderboardRankStore(requireEnv('REDIS_URL'), `${uniqueId('test')}:`);
  return { store, teardown: () => store.close() };
});
