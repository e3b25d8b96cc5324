/** A member of a ranked set and its score. */
export interface RankEntry {
  member: string;
  score: number;
}

/**
 * Ranked sets for leaderboards: Redis sorted sets in production, in-process in embedded mode;
 * `runLeaderboardRankContract` holds both to the same behaviour. Order is ascending by score, and
 * members with equal scores ascending by member (binary order), as Redis orders them. Callers that
 * want "higher is better" store negated scores. It is a cache of the service's store: everything
 * in it can be rebuilt with {@link LeaderboardRankStore.replace}.
 */
export interface LeaderboardRankStore {
  /** Sets the score of each member (adding missing ones). */
  set(key: string, entries: readonly RankEntry[]): Promise<void>;
  /** Removes members (missing ones are ignored). */
  remove(key: string, members: readonly string[]): Promise<void>;
  /** Replaces the whole set at once (readers see the old set or the new one, never a mix). */
  replace(key: string, entries: readonly RankEntry[]): Promise<void>;
  /** 0-based positions of members in the order above; null for a member not in the set. */
  ranks(key: string, members: readonly string[]): Promise<Array<number | null>>;
  /** Entries at positions `start`..`stop` inclusive (clamped to the set). */
  range(key: string, start: number, stop: number): Promise<RankEntry[]>;
  /** How many members the set has (0 for a missing set). */
  count(key: string): Promise<number>;
  checkReady(): Promise<void>;
  close(): Promise<void>;
}

export const LEADERBOARD_RANK_STORE = Symbol('LeaderboardRankStore');
