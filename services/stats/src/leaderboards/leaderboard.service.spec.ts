import { statsHarness } from '../testing/stats.harness';
import { runLeaderboardScenarios } from './leaderboard.scenarios';

runLeaderboardScenarios('the embedded adapters', async () => statsHarness());
