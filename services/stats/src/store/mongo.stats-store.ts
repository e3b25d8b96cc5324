import type { Connection, Model } from 'mongoose';
import type { EntryRow, LeaderboardDefinition } from '../domain/leaderboard';
import type { MatchState, PlayerMatchRow } from '../domain/match-state';
import { LeaderboardSchema, MatchSchema, PlayerSchema, fieldKey } from './stats.schema';
import { StatsExport, StatsStore, sortExport } from './stats-store.port';

type MatchDoc = { _id: string; tenant: string; matchId: string; state: MatchState };
type PlayerDoc = { _id: string; tenant: string; playerId: string; rows: Record<string, PlayerMatchRow>; entries: Record<string, EntryRow> };
type BoardDoc = { _id: string; tenant: string; boardId: string; definition: LeaderboardDefinition };

const id = (...parts: string[]) => parts.join('/');
const toRow = (d: PlayerMatchRow): PlayerMatchRow => ({ playerId: d.playerId, matchId: d.matchId, teamId: d.teamId ?? null, season: d.season ?? null, time: d.time ?? null, status: d.status, result: d.result ?? null, placement: d.placement ?? null, stats: d.stats ?? {} });
const toEntry = (d: EntryRow): EntryRow => ({ boardId: d.boardId, period: d.period, playerId: d.playerId, score: d.score, matches: d.matches });

/**
 * The production stats store on MongoDB (and FerretDB 1.24) through mongoose: no transactions, every
 * hot read and write by `_id` (see `stats.schema.ts` for why), one document per match and per player.
 * A write to one document is atomic, which is all the ingest path relies on.
 */
export class MongoStatsStore implements StatsStore {
  private readonly matches: Model<MatchDoc>;
  private readonly players: Model<PlayerDoc>;
  private readonly boards: Model<BoardDoc>;

  constructor(private readonly connection: Connection) {
    this.matches = connection.model<MatchDoc>('StatsMatch', MatchSchema);
    this.players = connection.model<PlayerDoc>('StatsPlayer', PlayerSchema);
    this.boards = connection.model<BoardDoc>('StatsLeaderboard', LeaderboardSchema);
  }

  /** Builds the indexes; call once at start-up before writing. One collection at a time: FerretDB creates them in a transaction each. */
  async init(): Promise<void> {
    await this.matches.createIndexes();
    await this.players.createIndexes();
    await this.boards.createIndexes();
  }

  async loadMatches(tenant: string, matchIds: readonly string[]): Promise<Map<string, MatchState>> {
    // One `_id` read each, all at once (a `$in` would scan the collection on FerretDB).
    const docs = await Promise.all(matchIds.map((matchId) => this.matches.findById(id(tenant, matchId)).lean()));
    const out = new Map<string, MatchState>();
    docs.forEach((doc, i) => doc && out.set(matchIds[i]!, doc.state));
    return out;
  }

  async saveMatches(tenant: string, states: readonly MatchState[]): Promise<void> {
    if (states.length === 0) return;
    await this.matches.bulkWrite(states.map((state) => ({ replaceOne: { filter: { _id: id(tenant, state.matchId) }, replacement: { _id: id(tenant, state.matchId), tenant, matchId: state.matchId, state }, upsert: true } })), { ordered: false });
  }

  async savePlayerMatches(tenant: string, rows: readonly PlayerMatchRow[]): Promise<void> {
    await this.writePlayers(tenant, rows, [], []);
  }

  async loadPlayers(tenant: string, playerIds: readonly string[], boardIds: readonly string[]) {
    const docs = await this.playerDocs(tenant, playerIds);
    const boards = new Set(boardIds);
    return {
      rows: docs.flatMap((d) => Object.values(d.rows ?? {}).map(toRow)),
      entries: docs.flatMap((d) => Object.values(d.entries ?? {}).filter((e) => boards.has(e.boardId)).map(toEntry)),
    };
  }

  async writePlayers(tenant: string, rows: readonly PlayerMatchRow[], upserts: readonly EntryRow[], deletes: ReadonlyArray<Pick<EntryRow, 'boardId' | 'period' | 'playerId'>>): Promise<void> {
    // One update per player document, its lines and entries together: on FerretDB's SQLite backend
    // every write is a transaction of its own, so writing a player twice per batch costs twice.
    const ops = new Map<string, { $set: Record<string, unknown>; $unset: Record<string, ''> }>();
    const of = (playerId: string) => {
      let o = ops.get(playerId);
      if (!o) ops.set(playerId, (o = { $set: { tenant, playerId }, $unset: {} }));
      return o;
    };
    for (const r of rows) of(r.playerId).$set[`rows.${fieldKey(r.matchId)}`] = toRow(r);
    for (const d of deletes) of(d.playerId).$unset[`entries.${fieldKey(d.boardId, d.period)}`] = '';
    for (const u of upserts) of(u.playerId).$set[`entries.${fieldKey(u.boardId, u.period)}`] = toEntry(u);
    if (ops.size === 0) return;
    await this.players.bulkWrite(
      [...ops].map(([playerId, o]) => ({ updateOne: { filter: { _id: id(tenant, playerId) }, update: Object.keys(o.$unset).length > 0 ? o : { $set: o.$set }, upsert: true } })),
      { ordered: false },
    );
  }

  async playerMatches(tenant: string, playerIds: readonly string[]): Promise<PlayerMatchRow[]> {
    return (await this.playerDocs(tenant, playerIds)).flatMap((d) => Object.values(d.rows ?? {}).map(toRow));
  }

  async allPlayerMatches(tenant: string): Promise<PlayerMatchRow[]> {
    return (await this.players.find({ tenant }).lean()).flatMap((d) => Object.values(d.rows ?? {}).map(toRow));
  }

  async saveDefinition(tenant: string, definition: LeaderboardDefinition): Promise<void> {
    const _id = id(tenant, definition.boardId);
    await this.boards.replaceOne({ _id }, { _id, tenant, boardId: definition.boardId, definition }, { upsert: true });
  }

  async definitions(tenant: string): Promise<LeaderboardDefinition[]> {
    return (await this.boards.find({ tenant }).lean()).map((d) => d.definition).sort((a, b) => (a.boardId < b.boardId ? -1 : 1));
  }

  async allDefinitions() {
    return (await this.boards.find({}).lean()).map((d) => ({ tenant: d.tenant, definition: d.definition }));
  }

  async entriesOfPlayers(tenant: string, boardIds: readonly string[], playerIds: readonly string[]): Promise<EntryRow[]> {
    if (boardIds.length === 0) return [];
    const boards = new Set(boardIds);
    return (await this.playerDocs(tenant, playerIds)).flatMap((d) => Object.values(d.entries ?? {}).filter((e) => boards.has(e.boardId)).map(toEntry));
  }

  async writeEntries(tenant: string, upserts: readonly EntryRow[], deletes: ReadonlyArray<Pick<EntryRow, 'boardId' | 'period' | 'playerId'>>): Promise<void> {
    await this.writePlayers(tenant, [], upserts, deletes);
  }

  async entries(tenant: string, boardId: string, period: string): Promise<EntryRow[]> {
    const key = fieldKey(boardId, period);
    return (await this.players.find({ tenant }).lean()).flatMap((d) => (d.entries?.[key] ? [toEntry(d.entries[key])] : []));
  }

  async periods(tenant: string, boardId: string) {
    const counts = new Map<string, number>();
    for (const d of await this.players.find({ tenant }).lean()) for (const e of Object.values(d.entries ?? {})) if (e.boardId === boardId) counts.set(e.period, (counts.get(e.period) ?? 0) + 1);
    return [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([period, players]) => ({ period, players }));
  }

  async replaceEntries(tenant: string, boardId: string, rows: readonly EntryRow[]): Promise<void> {
    const docs = await this.players.find({ tenant }).lean();
    const deletes = docs.flatMap((d) => Object.values(d.entries ?? {}).filter((e) => e.boardId === boardId));
    await this.writeEntries(tenant, [], deletes);
    await this.writeEntries(tenant, rows, []);
  }

  async exportAll(): Promise<StatsExport> {
    const matches = await this.matches.find({}).lean();
    const players = await this.players.find({}).lean();
    return sortExport({
      matches: matches.map((d) => ({ tenant: d.tenant, state: d.state })),
      playerMatches: players.flatMap((d) => Object.values(d.rows ?? {}).map((r) => ({ tenant: d.tenant, ...toRow(r) }))),
      entries: players.flatMap((d) => Object.values(d.entries ?? {}).map((e) => ({ tenant: d.tenant, ...toEntry(e) }))),
    });
  }

  async clearProjections(): Promise<void> {
    await this.matches.deleteMany({});
    await this.players.deleteMany({});
  }

  async checkReady(): Promise<void> {
    await this.connection.db!.admin().ping();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  /** The player documents, one `_id` read each, all at once (a `$in` would scan the collection on FerretDB). */
  private async playerDocs(tenant: string, playerIds: readonly string[]): Promise<PlayerDoc[]> {
    const docs = await Promise.all(playerIds.map((playerId) => this.players.findById(id(tenant, playerId)).lean()));
    return docs.filter((d): d is NonNullable<typeof d> => d !== null) as PlayerDoc[];
  }
}
