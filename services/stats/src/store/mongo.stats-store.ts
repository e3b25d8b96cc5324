import type { Connection, Model } from 'mongoose';
import type { EntryRow, LeaderboardDefinition } from '../domain/leaderboard';
import type { MatchState, PlayerMatchRow } from '../domain/match-state';
import { EntrySchema, LeaderboardSchema, MatchSchema, PlayerMatchSchema } from './stats.schema';
import { StatsExport, StatsStore, sortExport } from './stats-store.port';

type T = { tenant: string };
type EntryDoc = T & EntryRow;
type RowDoc = T & PlayerMatchRow;

const toRow = (d: RowDoc): PlayerMatchRow => ({ playerId: d.playerId, matchId: d.matchId, teamId: d.teamId ?? null, season: d.season ?? null, time: d.time ?? null, status: d.status, result: d.result ?? null, placement: d.placement ?? null, stats: d.stats ?? {} });
const toEntry = (d: EntryDoc): EntryRow => ({ boardId: d.boardId, period: d.period, playerId: d.playerId, score: d.score, matches: d.matches });

/** The production stats store on MongoDB (and FerretDB 1.24) through mongoose: unique indexes and upserts, no transactions. */
export class MongoStatsStore implements StatsStore {
  private readonly matches: Model<T & { matchId: string; state: MatchState }>;
  private readonly rows: Model<RowDoc>;
  private readonly boards: Model<T & { boardId: string; definition: LeaderboardDefinition }>;
  private readonly entryRows: Model<EntryDoc>;

  constructor(private readonly connection: Connection) {
    this.matches = connection.model('StatsMatch', MatchSchema) as never;
    this.rows = connection.model('StatsPlayerMatch', PlayerMatchSchema) as never;
    this.boards = connection.model('StatsLeaderboard', LeaderboardSchema) as never;
    this.entryRows = connection.model('StatsEntry', EntrySchema) as never;
  }

  /** Builds the unique indexes; call once at start-up before writing. */
  async init(): Promise<void> {
    await Promise.all([this.matches, this.rows, this.boards, this.entryRows].map((m) => (m as Model<unknown>).createIndexes()));
  }

  async loadMatches(tenant: string, matchIds: readonly string[]): Promise<Map<string, MatchState>> {
    const docs = await this.matches.find({ tenant, matchId: { $in: [...matchIds] } }).lean();
    return new Map(docs.map((d) => [d.matchId, d.state as MatchState]));
  }

  async saveMatches(tenant: string, states: readonly MatchState[]): Promise<void> {
    if (states.length === 0) return;
    await this.matches.bulkWrite(states.map((state) => ({ replaceOne: { filter: { tenant, matchId: state.matchId }, replacement: { tenant, matchId: state.matchId, state }, upsert: true } })));
  }

  async savePlayerMatches(tenant: string, rows: readonly PlayerMatchRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.rows.bulkWrite(rows.map((row) => ({ replaceOne: { filter: { tenant, playerId: row.playerId, matchId: row.matchId }, replacement: { tenant, ...row }, upsert: true } })));
  }

  async playerMatches(tenant: string, playerIds: readonly string[]): Promise<PlayerMatchRow[]> {
    if (playerIds.length === 0) return [];
    return (await this.rows.find({ tenant, playerId: { $in: [...playerIds] } }).lean()).map(toRow);
  }

  async allPlayerMatches(tenant: string): Promise<PlayerMatchRow[]> {
    return (await this.rows.find({ tenant }).lean()).map(toRow);
  }

  async saveDefinition(tenant: string, definition: LeaderboardDefinition): Promise<void> {
    await this.boards.replaceOne({ tenant, boardId: definition.boardId }, { tenant, boardId: definition.boardId, definition }, { upsert: true });
  }

  async definitions(tenant: string): Promise<LeaderboardDefinition[]> {
    return (await this.boards.find({ tenant }).sort({ boardId: 1 }).lean()).map((d) => d.definition as LeaderboardDefinition);
  }

  async allDefinitions() {
    return (await this.boards.find({}).lean()).map((d) => ({ tenant: d.tenant, definition: d.definition as LeaderboardDefinition }));
  }

  async entriesOfPlayers(tenant: string, boardIds: readonly string[], playerIds: readonly string[]): Promise<EntryRow[]> {
    if (boardIds.length === 0 || playerIds.length === 0) return [];
    return (await this.entryRows.find({ tenant, boardId: { $in: [...boardIds] }, playerId: { $in: [...playerIds] } }).lean()).map(toEntry);
  }

  async writeEntries(tenant: string, upserts: readonly EntryRow[], deletes: ReadonlyArray<Pick<EntryRow, 'boardId' | 'period' | 'playerId'>>): Promise<void> {
    const ops = [
      ...deletes.map((d) => ({ deleteOne: { filter: { tenant, boardId: d.boardId, period: d.period, playerId: d.playerId } } })),
      ...upserts.map((u) => ({ replaceOne: { filter: { tenant, boardId: u.boardId, period: u.period, playerId: u.playerId }, replacement: { tenant, ...u }, upsert: true } })),
    ];
    if (ops.length > 0) await this.entryRows.bulkWrite(ops as never);
  }

  async entries(tenant: string, boardId: string, period: string): Promise<EntryRow[]> {
    return (await this.entryRows.find({ tenant, boardId, period }).lean()).map(toEntry);
  }

  async periods(tenant: string, boardId: string) {
    const counts = new Map<string, number>();
    for (const d of await this.entryRows.find({ tenant, boardId }, { period: 1 }).lean()) counts.set(d.period, (counts.get(d.period) ?? 0) + 1);
    return [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([period, players]) => ({ period, players }));
  }

  async replaceEntries(tenant: string, boardId: string, rows: readonly EntryRow[]): Promise<void> {
    await this.entryRows.deleteMany({ tenant, boardId });
    if (rows.length > 0) await this.entryRows.insertMany(rows.map((r) => ({ tenant, ...r })));
  }

  async exportAll(): Promise<StatsExport> {
    const [matches, rows, entries] = await Promise.all([this.matches.find({}).lean(), this.rows.find({}).lean(), this.entryRows.find({}).lean()]);
    return sortExport({
      matches: matches.map((d) => ({ tenant: d.tenant, state: d.state as MatchState })),
      playerMatches: rows.map((d) => ({ tenant: d.tenant, ...toRow(d) })),
      entries: entries.map((d) => ({ tenant: d.tenant, ...toEntry(d) })),
    });
  }

  async clearProjections(): Promise<void> {
    await Promise.all([this.matches.deleteMany({}), this.rows.deleteMany({}), this.entryRows.deleteMany({})]);
  }

  async checkReady(): Promise<void> {
    await this.connection.db!.admin().ping();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
