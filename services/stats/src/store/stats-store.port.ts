import type { EntryRow, LeaderboardDefinition } from '../domain/leaderboard';
import type { MatchState, PlayerMatchRow } from '../domain/match-state';

/** Every projection of the store in a canonical order (for rebuild comparisons and backups). */
export interface StatsExport {
  matches: Array<{ tenant: string; state: MatchState }>;
  playerMatches: Array<{ tenant: string } & PlayerMatchRow>;
  entries: Array<{ tenant: string } & EntryRow>;
}

/**
 * The stats service's store: the source of truth of matches, players' match lines and leaderboard
 * entries (Redis ranks are rebuilt from it). MongoDB (mongoose) in production, files on disk in
 * embedded mode; `runStatsStoreContract` holds both to the same behaviour. Tenant-scoped.
 */
export interface StatsStore {
  loadMatches(tenant: string, matchIds: readonly string[]): Promise<Map<string, MatchState>>;
  /** Inserts or replaces matches, each in one write (its applied event ids with it). */
  saveMatches(tenant: string, states: readonly MatchState[]): Promise<void>;
  /** Inserts or replaces match lines (one per player and match). */
  savePlayerMatches(tenant: string, rows: readonly PlayerMatchRow[]): Promise<void>;
  /** Every match line of these players. */
  playerMatches(tenant: string, playerIds: readonly string[]): Promise<PlayerMatchRow[]>;
  /**
   * The match lines of these players and their entries on these boards, in one read per player
   * (the ingest path reads both before writing both with {@link writePlayers}).
   */
  loadPlayers(tenant: string, playerIds: readonly string[], boardIds: readonly string[]): Promise<{ rows: PlayerMatchRow[]; entries: EntryRow[] }>;
  /**
   * Inserts or replaces match lines and upserts and deletes entries, one write per player (each
   * player's lines and entries together); what {@link savePlayerMatches} then {@link writeEntries} do.
   */
  writePlayers(tenant: string, rows: readonly PlayerMatchRow[], upserts: readonly EntryRow[], deletes: ReadonlyArray<Pick<EntryRow, 'boardId' | 'period' | 'playerId'>>): Promise<void>;
  /** Every match line of the tenant (to fill a new leaderboard). */
  allPlayerMatches(tenant: string): Promise<PlayerMatchRow[]>;
  saveDefinition(tenant: string, definition: LeaderboardDefinition): Promise<void>;
  definitions(tenant: string): Promise<LeaderboardDefinition[]>;
  /** Every tenant's leaderboards (to rebuild the ranks at start-up). */
  allDefinitions(): Promise<Array<{ tenant: string; definition: LeaderboardDefinition }>>;
  /** The entries of these players on these boards, all periods. */
  entriesOfPlayers(tenant: string, boardIds: readonly string[], playerIds: readonly string[]): Promise<EntryRow[]>;
  /** Upserts and deletes entries (keyed by board, period and player). */
  writeEntries(tenant: string, upserts: readonly EntryRow[], deletes: ReadonlyArray<Pick<EntryRow, 'boardId' | 'period' | 'playerId'>>): Promise<void>;
  /** All entries of one period of a board (to rebuild its ranks). */
  entries(tenant: string, boardId: string, period: string): Promise<EntryRow[]>;
  /** The periods of a board that have entries, oldest first, with how many. */
  periods(tenant: string, boardId: string): Promise<Array<{ period: string; players: number }>>;
  /** Replaces every entry of a board (after its definition changed). */
  replaceEntries(tenant: string, boardId: string, rows: readonly EntryRow[]): Promise<void>;
  /** Every projection, canonically ordered. */
  exportAll(): Promise<StatsExport>;
  /** Deletes every projection (leaderboard definitions stay), before a rebuild. */
  clearProjections(): Promise<void>;
  checkReady(): Promise<void>;
  close(): Promise<void>;
}

export const STATS_STORE = Symbol('StatsStore');

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Sorts an export canonically (both adapters use it, so the same data exports the same bytes). */
export function sortExport(e: StatsExport): StatsExport {
  return {
    matches: [...e.matches].sort((a, b) => cmp(a.tenant, b.tenant) || cmp(a.state.matchId, b.state.matchId)),
    playerMatches: [...e.playerMatches].sort((a, b) => cmp(a.tenant, b.tenant) || cmp(a.playerId, b.playerId) || cmp(a.matchId, b.matchId)),
    entries: [...e.entries].sort((a, b) => cmp(a.tenant, b.tenant) || cmp(a.boardId, b.boardId) || cmp(a.period, b.period) || cmp(a.playerId, b.playerId)),
  };
}

/** JSON with object keys sorted at every level: equal data, equal bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => cmp(a, b))) : v,
  );
}
