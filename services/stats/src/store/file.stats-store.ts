import { FileCollection } from '@tandem/platform';
import type { EntryRow, LeaderboardDefinition } from '../domain/leaderboard';
import type { MatchState, PlayerMatchRow } from '../domain/match-state';
import { StatsExport, StatsStore, sortExport } from './stats-store.port';

type T = { tenant: string };

/** The embedded stats store: collections in append-only files under `DATA_DIR/stats`. */
export class FileStatsStore implements StatsStore {
  private readonly matches: FileCollection<T & { state: MatchState }>;
  private readonly rows: FileCollection<T & PlayerMatchRow>;
  private readonly boards: FileCollection<T & { definition: LeaderboardDefinition }>;
  private readonly entryRows: FileCollection<T & EntryRow>;

  constructor(private readonly directory: string) {
    this.matches = new FileCollection(directory, 'matches', (r) => `${r.tenant}/${r.state.matchId}`);
    this.rows = new FileCollection(directory, 'player-matches', (r) => `${r.tenant}/${r.playerId}/${r.matchId}`);
    this.boards = new FileCollection(directory, 'leaderboards', (r) => `${r.tenant}/${r.definition.boardId}`);
    this.entryRows = new FileCollection(directory, 'leaderboard-entries', (r) => `${r.tenant}/${r.boardId}/${r.period}/${r.playerId}`);
  }

  async loadMatches(tenant: string, matchIds: readonly string[]): Promise<Map<string, MatchState>> {
    const out = new Map<string, MatchState>();
    for (const id of matchIds) {
      const row = this.matches.get(`${tenant}/${id}`);
      if (row) out.set(id, structuredClone(row.state));
    }
    return out;
  }

  async saveMatches(tenant: string, states: readonly MatchState[]): Promise<void> {
    for (const state of states) this.matches.put({ tenant, state: structuredClone(state) });
  }

  async savePlayerMatches(tenant: string, rows: readonly PlayerMatchRow[]): Promise<void> {
    for (const row of rows) this.rows.put({ tenant, ...structuredClone(row) });
  }

  async playerMatches(tenant: string, playerIds: readonly string[]): Promise<PlayerMatchRow[]> {
    const wanted = new Set(playerIds);
    return this.rows.find((r) => r.tenant === tenant && wanted.has(r.playerId)).map(({ tenant: _t, ...row }) => structuredClone(row));
  }

  async loadPlayers(tenant: string, playerIds: readonly string[], boardIds: readonly string[]) {
    return { rows: await this.playerMatches(tenant, playerIds), entries: await this.entriesOfPlayers(tenant, boardIds, playerIds) };
  }

  async writePlayers(tenant: string, rows: readonly PlayerMatchRow[], upserts: readonly EntryRow[], deletes: ReadonlyArray<Pick<EntryRow, 'boardId' | 'period' | 'playerId'>>): Promise<void> {
    await this.savePlayerMatches(tenant, rows);
    await this.writeEntries(tenant, upserts, deletes);
  }

  async allPlayerMatches(tenant: string): Promise<PlayerMatchRow[]> {
    return this.rows.find((r) => r.tenant === tenant).map(({ tenant: _t, ...row }) => structuredClone(row));
  }

  async saveDefinition(tenant: string, definition: LeaderboardDefinition): Promise<void> {
    this.boards.put({ tenant, definition });
  }

  async definitions(tenant: string): Promise<LeaderboardDefinition[]> {
    return this.boards
      .find((r) => r.tenant === tenant)
      .map((r) => r.definition)
      .sort((a, b) => (a.boardId < b.boardId ? -1 : 1));
  }

  async allDefinitions() {
    return this.boards.find(() => true).map((r) => ({ tenant: r.tenant, definition: r.definition }));
  }

  async entriesOfPlayers(tenant: string, boardIds: readonly string[], playerIds: readonly string[]): Promise<EntryRow[]> {
    const boards = new Set(boardIds);
    const players = new Set(playerIds);
    return this.entryRows.find((r) => r.tenant === tenant && boards.has(r.boardId) && players.has(r.playerId)).map(strip);
  }

  async writeEntries(tenant: string, upserts: readonly EntryRow[], deletes: ReadonlyArray<Pick<EntryRow, 'boardId' | 'period' | 'playerId'>>): Promise<void> {
    for (const d of deletes) this.entryRows.delete(`${tenant}/${d.boardId}/${d.period}/${d.playerId}`);
    for (const u of upserts) this.entryRows.put({ tenant, ...u });
  }

  async entries(tenant: string, boardId: string, period: string): Promise<EntryRow[]> {
    return this.entryRows.find((r) => r.tenant === tenant && r.boardId === boardId && r.period === period).map(strip);
  }

  async periods(tenant: string, boardId: string) {
    const counts = new Map<string, number>();
    for (const r of this.entryRows.find((e) => e.tenant === tenant && e.boardId === boardId)) counts.set(r.period, (counts.get(r.period) ?? 0) + 1);
    return [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([period, players]) => ({ period, players }));
  }

  async replaceEntries(tenant: string, boardId: string, rows: readonly EntryRow[]): Promise<void> {
    for (const r of this.entryRows.find((e) => e.tenant === tenant && e.boardId === boardId)) this.entryRows.delete(`${tenant}/${boardId}/${r.period}/${r.playerId}`);
    for (const r of rows) this.entryRows.put({ tenant, ...r });
  }

  async exportAll(): Promise<StatsExport> {
    return sortExport({
      matches: this.matches.find(() => true).map((r) => structuredClone(r)),
      playerMatches: this.rows.find(() => true).map((r) => structuredClone(r)),
      entries: this.entryRows.find(() => true).map((r) => ({ ...r })),
    });
  }

  async clearProjections(): Promise<void> {
    const all = <D>(c: FileCollection<D>, key: (d: D) => string) => c.find(() => true).forEach((d) => c.delete(key(d)));
    all(this.matches, (r) => `${r.tenant}/${r.state.matchId}`);
    all(this.rows, (r) => `${r.tenant}/${r.playerId}/${r.matchId}`);
    all(this.entryRows, (r) => `${r.tenant}/${r.boardId}/${r.period}/${r.playerId}`);
  }

  async checkReady(): Promise<void> {}

  async close(): Promise<void> {}
}

function strip(r: { tenant: string } & EntryRow): EntryRow {
  return { boardId: r.boardId, period: r.period, playerId: r.playerId, score: r.score, matches: r.matches };
}
