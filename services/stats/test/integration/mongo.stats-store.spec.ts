import { mongoStoreSetup } from '@tandem/platform/testing';
import { runStatsStoreContract } from '../../src/store/stats-store.contract';
import { MongoStatsStore } from '../../src/store/mongo.stats-store';

runStatsStoreContract('MongoDB-compatible server', () => mongoStoreSetup('tandem_stats_test_', (connection) => new MongoStatsStore(connection)));
