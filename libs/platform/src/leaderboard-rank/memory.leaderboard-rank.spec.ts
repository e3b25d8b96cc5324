import { runLeaderboardRankContract } from './leaderboard-rank.contract';
import { MemoryLeaderboardRankStore } from './memory.leaderboard-rank';

runLeaderboardRankContract('in-process', async () => ({ store: new MemoryLeaderboardRankStore(), teardown: async () => undefined }));
