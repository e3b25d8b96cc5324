import { Inject, Injectable } from '@nestjs/common';
import { LEADERBOARD_RANK_STORE, LeaderboardRankStore } from '@tandem/platform';
import { z } from 'zod';
import { EntryRow, LeaderboardDefinition, LeaderboardDefinitionSchema, entriesOf, periodOf, rankScore } from '../domain/leaderboard';
import type { PlayerMatchRow } from '../domain/match-state';
import { Clock, STATS_CLOCK, StatsError } from '../stats.errors';
import { STATS_STORE, StatsStore } from '../store/stats-store.port';

export interface RankedEntry {
  rank: number;
  playerId: string;
  score: number;
}

export interface LeaderboardPage {
  boardId: string;
  period: string;
  /** Players on this period of the board. */
  total: number;
  offset: number;
  entries: RankedEntry[];
  /** Offsets of the previous and next pages (null at either end). */
  prevOffset: number | null;
  nextOffset: number | null;
}

export interface RankChange {
  tenant: string;
  boardId: string;
  period: string;
  playerId: string;
  rank: number;
  previousRank: number | null;
  score: number;
}

const entryKey = (e: Pick<EntryRow, 'boardId' | 'period' | 'playerId'>) => `${e.boardId}\u0000${e.period}\u0000${e.playerId}`;

/**
 * Leaderboards: entries in the store (the source of truth), ranks in the ranked-set store (Redis),
 * rebuilt from the store whenever a set is missing. Order: by score in the board's direction, then
 * ties by player id ascending (binary order) — deterministic, and the same on every read.
 */
@Injectable()
export class LeaderboardService {
  constructor(
    @Inject(STATS_STORE) private readonly store: StatsStore,
    @Inject(LEADERBOARD_RANK_STORE) private readonly ranks: LeaderboardRankStore,
    @Inject(STATS_CLOCK) private readonly now: Clock,
  ) {}

  /** Creates or changes a leaderboard and fills it from every match line of the tenant. */
  async define(tenant: string, boardId: string, body: unknown): Promise<LeaderboardDefinition> {
    const parsed = LeaderboardDefinitionSchema.safeParse(body);
    if (!parsed.success) throw new StatsError('INVALID_REQUEST', `invalid leaderboard: ${z.prettifyError(parsed.error)}`);
    const definition: LeaderboardDefinition = { boardId, ...parsed.data };
    const oldPeriods = (await this.store.periods(tenant, boardId)).map((p) => p.period);
    await this.store.saveDefinition(tenant, definition);
    const rows = await this.store.allPlayerMatches(tenant);
    const players = [...new Set(rows.map((r) => r.playerId))].sort();
    const byPlayer = groupBy(rows, (r) => r.playerId);
    const entries = players.flatMap((p) => entriesOf(definition, p, byPlayer.get(p) ?? []));
    await this.store.replaceEntries(tenant, boardId, entries);
    const byPeriod = groupBy(entries, (e) => e.period);
    for (const period of new Set([...oldPeriods, ...byPeriod.keys()])) {
      await this.ranks.replace(this.key(tenant, boardId, period), (byPeriod.get(period) ?? []).map((e) => ({ member: e.playerId, score: rankScore(definition, e.score) })));
    }
    return definition;
  }

  async definitions(tenant: string): Promise<LeaderboardDefinition[]> {
    return this.store.definitions(tenant);
  }

  /**
   * What the entries of `players` on every board of the tenant become, from their match lines (all
   * of them: `rows`) and their entries as stored (`stored`, from {@link StatsStore.loadPlayers}):
   * the upserts and deletes to write, then to pass to {@link applyRanks}.
   */
  planEntries(definitions: readonly LeaderboardDefinition[], players: readonly string[], rows: readonly PlayerMatchRow[], stored: readonly EntryRow[]): EntryPlan {
    const byPlayer = groupBy(rows, (r) => r.playerId);
    const fresh = new Map<string, EntryRow>();
    for (const d of definitions) for (const p of players) for (const e of entriesOf(d, p, byPlayer.get(p) ?? [])) fresh.set(entryKey(e), e);
    const boards = new Set(definitions.map((d) => d.boardId));
    const old = new Map(stored.filter((e) => boards.has(e.boardId)).map((e) => [entryKey(e), e] as const));
    const upserts = [...fresh.values()].filter((e) => {
      const o = old.get(entryKey(e));
      return !o || o.score !== e.score || o.matches !== e.matches;
    });
    const deletes = [...old.values()].filter((e) => !fresh.has(entryKey(e)));
    return { definitions, fresh, old, upserts, deletes };
  }

  /**
   * After a plan's entries are written: sets every entry of its players in the ranks (not only the
   * changed ones: a batch redelivered after the ranks failed to update finds the store already right
   * and must still correct the ranks), and returns whose rank changed.
   */
  async applyRanks(tenant: string, { definitions, fresh, old, upserts, deletes }: EntryPlan): Promise<RankChange[]> {
    const defs = new Map(definitions.map((d) => [d.boardId, d]));
    const changed = new Set(upserts.map(entryKey));
    const sets = new Map<string, { boardId: string; period: string; entries: EntryRow[]; deletes: string[] }>();
    const setOf = (boardId: string, period: string) => {
      const key = this.key(tenant, boardId, period);
      let s = sets.get(key);
      if (!s) sets.set(key, (s = { boardId, period, entries: [], deletes: [] }));
      return s;
    };
    for (const e of fresh.values()) setOf(e.boardId, e.period).entries.push(e);
    for (const e of deletes) setOf(e.boardId, e.period).deletes.push(e.playerId);
    const changes: RankChange[] = [];
    for (const [key, s] of sets) {
      const d = defs.get(s.boardId)!;
      const moved = s.entries.filter((e) => changed.has(entryKey(e)));
      const members = moved.map((e) => e.playerId);
      // A missing set is loaded whole from the store, which already holds this batch's entries: a
      // player new to it was unranked before, anyone else's previous rank is unknown (not reported).
      const reloaded = await this.ensureRanks(tenant, d, s.period);
      const before: Array<number | null | undefined> = reloaded ? moved.map((e) => (old.has(entryKey(e)) ? undefined : null)) : await this.ranks.ranks(key, members);
      if (s.deletes.length > 0) await this.ranks.remove(key, s.deletes);
      await this.ranks.set(key, s.entries.map((e) => ({ member: e.playerId, score: rankScore(d, e.score) })));
      const after = await this.ranks.ranks(key, members);
      moved.forEach((e, i) => {
        if (before[i] === undefined) return;
        const was = before[i] === null ? null : before[i]! + 1;
        const is = after[i] === null ? null : after[i]! + 1;
        if (is !== null && is !== was) changes.push({ tenant, boardId: s.boardId, period: s.period, playerId: e.playerId, rank: is, previousRank: was, score: e.score });
      });
    }
    return changes;
  }

  /** A page of a board's period (default: the current one) from `offset` (0 = rank 1). */
  async page(tenant: string, boardId: string, period: string | undefined, offset: number, limit: number): Promise<LeaderboardPage> {
    const { definition, key, period: p } = await this.open(tenant, boardId, period);
    const total = await this.ranks.count(key);
    const entries = this.ranked(definition, await this.ranks.range(key, offset, offset + limit - 1), offset);
    return { boardId, period: p, total, offset, entries, prevOffset: offset > 0 ? Math.max(0, offset - limit) : null, nextOffset: offset + limit < total ? offset + limit : null };
  }

  /**
   * Up to `limit` entries around a player, the player as central as the edges allow: at the top the
   * window starts at rank 1, at the bottom it ends at the last rank, and it always holds
   * min(limit, total) entries.
   */
  async around(tenant: string, boardId: string, playerId: string, period: string | undefined, limit: number): Promise<LeaderboardPage> {
    const { key, period: p } = await this.open(tenant, boardId, period);
    const [rank] = await this.ranks.ranks(key, [playerId]);
    if (rank === null) throw new StatsError('NOT_FOUND', `player ${playerId} has no entry on ${boardId} for period ${p}`);
    const total = await this.ranks.count(key);
    const start = Math.max(0, Math.min(rank - Math.floor((limit - 1) / 2), total - limit));
    return this.page(tenant, boardId, p, start, limit);
  }

  /** A player's rank and score (rank 1 is the best). */
  async rankOf(tenant: string, boardId: string, playerId: string, period?: string): Promise<RankedEntry & { period: string; total: number }> {
    const { definition, key, period: p } = await this.open(tenant, boardId, period);
    const [rank] = await this.ranks.ranks(key, [playerId]);
    if (rank === null) throw new StatsError('NOT_FOUND', `player ${playerId} has no entry on ${boardId} for period ${p}`);
    const [entry] = this.ranked(definition, await this.ranks.range(key, rank, rank), rank);
    return { ...entry, period: p, total: await this.ranks.count(key) };
  }

  async periods(tenant: string, boardId: string): Promise<{ boardId: string; current: string; periods: Array<{ period: string; players: number }> }> {
    const definition = await this.definition(tenant, boardId);
    return { boardId, current: periodOf(definition, this.now()), periods: await this.store.periods(tenant, boardId) };
  }

  /** Rebuilds every ranked set from the store (after Redis lost its data, or a rebuild). */
  async rebuildAllRanks(): Promise<number> {
    const sets = await this.rankSets();
    for (const { tenant, definition, period } of sets) await this.reloadRanks(tenant, definition, period);
    return sets.length;
  }

  /** Every ranked set the store has entries for: each board's periods. */
  async rankSets(): Promise<Array<{ tenant: string; definition: LeaderboardDefinition; period: string }>> {
    const out: Array<{ tenant: string; definition: LeaderboardDefinition; period: string }> = [];
    for (const { tenant, definition } of await this.store.allDefinitions()) {
      for (const { period } of await this.store.periods(tenant, definition.boardId)) out.push({ tenant, definition, period });
    }
    return out;
  }

  /** Deletes ranked sets (before a rebuild, so none is left over from data the rebuild no longer has). */
  async dropRanks(sets: ReadonlyArray<{ tenant: string; definition: LeaderboardDefinition; period: string }>): Promise<void> {
    for (const s of sets) await this.ranks.replace(this.key(s.tenant, s.definition.boardId, s.period), []);
  }

  /** A ranked set exactly as the rank store holds it (no reload from the store): for exports and checks. */
  async storedRanks(tenant: string, definition: LeaderboardDefinition, period: string): Promise<RankedEntry[]> {
    const key = this.key(tenant, definition.boardId, period);
    const count = await this.ranks.count(key);
    return count === 0 ? [] : this.ranked(definition, await this.ranks.range(key, 0, count - 1), 0);
  }

  private async open(tenant: string, boardId: string, period: string | undefined) {
    const definition = await this.definition(tenant, boardId);
    const p = period ?? periodOf(definition, this.now());
    await this.ensureRanks(tenant, definition, p);
    return { definition, period: p, key: this.key(tenant, boardId, p) };
  }

  private async definition(tenant: string, boardId: string): Promise<LeaderboardDefinition> {
    const definition = (await this.store.definitions(tenant)).find((d) => d.boardId === boardId);
    if (!definition) throw new StatsError('NOT_FOUND', `there is no leaderboard ${boardId}; define it with PUT /api/v1/stats/leaderboards/${boardId}`);
    return definition;
  }

  /** A missing ranked set is reloaded from the store (Redis lost it, or it was never built); true if it was. */
  private async ensureRanks(tenant: string, definition: LeaderboardDefinition, period: string): Promise<boolean> {
    if ((await this.ranks.count(this.key(tenant, definition.boardId, period))) > 0) return false;
    await this.reloadRanks(tenant, definition, period);
    return true;
  }

  private async reloadRanks(tenant: string, definition: LeaderboardDefinition, period: string): Promise<void> {
    const entries = await this.store.entries(tenant, definition.boardId, period);
    await this.ranks.replace(this.key(tenant, definition.boardId, period), entries.map((e) => ({ member: e.playerId, score: rankScore(definition, e.score) })));
  }

  private ranked(definition: LeaderboardDefinition, range: Array<{ member: string; score: number }>, offset: number): RankedEntry[] {
    return range.map((e, i) => ({ rank: offset + i + 1, playerId: e.member, score: rankScore(definition, e.score) }));
  }

  private key(tenant: string, boardId: string, period: string): string {
    return `${tenant}:${boardId}:${period}`;
  }
}

/** The entries of some players before and after a batch (see {@link LeaderboardService.planEntries}). */
export interface EntryPlan {
  definitions: readonly LeaderboardDefinition[];
  fresh: Map<string, EntryRow>;
  old: Map<string, EntryRow>;
  upserts: EntryRow[];
  deletes: EntryRow[];
}

export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
