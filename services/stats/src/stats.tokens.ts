/** The consumer group the stats service reads `stats.ingest.v1` in (`stats` unless a test or a side-by-side instance sets another). */
export const STATS_GROUP_ID = Symbol('StatsGroupId');
