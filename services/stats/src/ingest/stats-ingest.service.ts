import { Inject, Injectable } from '@nestjs/common';
import { groupBy, LeaderboardService, RankChange } from '../leaderboards/leaderboard.service';
import { applyEvent, boardOf, canonical, emptyMatch, IngestEvent, MatchState, PlayerMatchRow, playerRowsOf, seenOf } from '../domain/match-state';
import type { MatchBoard } from '@tandem/contracts';
import { STATS_STORE, StatsStore } from '../store/stats-store.port';

export interface RecordBroken {
  tenant: string;
  playerId: string;
  stat: string;
  value: number;
  previous: number | null;
  matchId: string;
}

export interface BatchOutcome {
  applied: number;
  duplicates: number;
  boards: Array<{ tenant: string; board: MatchBoard }>;
  records: RecordBroken[];
  ranks: RankChange[];
}

/** What the personal records and ranks of batches became (see {@link StatsIngestService.applyMatches}). */
export type Projected = Pick<BatchOutcome, 'records' | 'ranks'>;

/** A batch folded into its matches (stored), its boards ready; its projections still on their way. */
export interface MatchesApplied extends Omit<BatchOutcome, 'records' | 'ranks'> {
  /**
   * Resolves once the batch's match lines, leaderboard entries and ranks are written. Batches that
   * queue up behind a projection in progress are projected together, in one pass (their records
   * and ranks come with the last of them; the others resolve empty); rejects if that pass failed.
   */
  projected: Promise<Projected>;
}

/** One tenant's part of a batch, for the projection pass: the rows of its matches and what they were. */
interface TenantPart {
  tenant: string;
  rows: PlayerMatchRow[];
  before: Map<string, PlayerMatchRow[]>;
}

/**
 * Applies ingested match events in two steps. First the matches: drops duplicates (by event id, per
 * match), folds the rest in and stores the matches, which gives the live boards. Then the
 * projections: rewrites the match lines of the players involved and their leaderboard entries and
 * says what changed (personal records, ranks). Each step runs one batch at a time per process, in
 * arrival order, so its writes never interleave with another batch's; the projections of one batch
 * may overlap the matches of the next (they touch other documents), which keeps the boards live
 * when the projections are slow.
 */
@Injectable()
export class StatsIngestService {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly projections: Array<{ parts: TenantPart[]; resolve: (p: Projected) => void; reject: (e: unknown) => void }> = [];
  private projecting = false;

  constructor(
    @Inject(STATS_STORE) private readonly store: StatsStore,
    private readonly leaderboards: LeaderboardService,
  ) {}

  /** Runs `fn` after every match write queued before it (they are serialised per process). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Applies a batch completely: matches, then projections (for the rebuild and tests). */
  async applyBatch(events: readonly IngestEvent[]): Promise<BatchOutcome> {
    const { projected, ...matches } = await this.applyMatches(events);
    return { ...matches, ...(await projected) };
  }

  /** Applies a batch to its matches and queues its projections (see {@link MatchesApplied}). */
  applyMatches(events: readonly IngestEvent[]): Promise<MatchesApplied> {
    return this.exclusive(async () => {
      const outcome = { applied: 0, duplicates: 0, boards: [] as MatchesApplied['boards'] };
      const parts: TenantPart[] = [];
      for (const [tenant, list] of groupBy(events, (e) => e.tenant)) parts.push(await this.applyTenant(tenant, list, outcome));
      // Queued before the next batch's matches can be, so projections keep the arrival order.
      const projected = new Promise<Projected>((resolve, reject) => this.projections.push({ parts, resolve, reject }));
      void this.project();
      return { ...outcome, projected };
    });
  }

  /**
   * Every write here is a recomputation, never an increment: the match lines and leaderboard entries
   * of every match in the batch are rewritten from the match state even when all its events were
   * duplicates, so a batch redelivered after failing half-way finishes what the first try began.
   */
  private async applyTenant(tenant: string, events: IngestEvent[], outcome: Omit<BatchOutcome, 'records' | 'ranks'>): Promise<TenantPart> {
    const byMatch = groupBy(events, (e) => e.data.matchId);
    const stored = await this.store.loadMatches(tenant, [...byMatch.keys()]);
    const changed: MatchState[] = [];
    const touched: MatchState[] = [];
    const before = new Map<string, PlayerMatchRow[]>();
    for (const [matchId, list] of byMatch) {
      const old = stored.get(matchId);
      before.set(matchId, old ? playerRowsOf(old) : []);
      const state = old ? structuredClone(old) : emptyMatch(matchId);
      const seen = seenOf(state);
      let applied = 0;
      for (const e of list) if (applyEvent(state, e, seen)) applied++;
      outcome.applied += applied;
      outcome.duplicates += list.length - applied;
      touched.push(canonical(state));
      if (applied > 0) changed.push(state);
    }
    await this.store.saveMatches(tenant, changed);
    outcome.boards.push(...changed.map((s) => ({ tenant, board: boardOf(s) })));
    return { tenant, rows: touched.flatMap(playerRowsOf), before };
  }

  /** Projects everything queued, one pass at a time; a pass takes every batch queued when it starts. */
  private async project(): Promise<void> {
    if (this.projecting) return;
    this.projecting = true;
    try {
      while (this.projections.length > 0) {
        const items = this.projections.splice(0);
        try {
          const projected: Projected = { records: [], ranks: [] };
          for (const part of mergeParts(items.flatMap((i) => i.parts))) await this.projectTenant(part, projected);
          items.forEach((item, i) => item.resolve(i === items.length - 1 ? projected : { records: [], ranks: [] }));
        } catch (error) {
          for (const item of items) item.reject(error);
        }
      }
    } finally {
      this.projecting = false;
    }
  }

  private async projectTenant({ tenant, rows, before }: TenantPart, out: Projected): Promise<void> {
    await this.store.savePlayerMatches(tenant, rows);
    const players = [...new Set(rows.map((r) => r.playerId))].sort();
    const allRows = await this.store.playerMatches(tenant, players);
    out.ranks.push(...(await this.leaderboards.updatePlayers(tenant, players, allRows)));
    out.records.push(...recordsBroken(tenant, rows, before, allRows));
  }
}

/** Parts of several batches as one per tenant: a match's latest rows, and its rows before the first of them. */
function mergeParts(parts: readonly TenantPart[]): TenantPart[] {
  const out = new Map<string, { tenant: string; rows: Map<string, PlayerMatchRow[]>; before: Map<string, PlayerMatchRow[]> }>();
  for (const part of parts) {
    let t = out.get(part.tenant);
    if (!t) out.set(part.tenant, (t = { tenant: part.tenant, rows: new Map(), before: new Map() }));
    for (const [matchId, rows] of groupBy(part.rows, (r) => r.matchId)) t.rows.set(matchId, rows);
    for (const [matchId, rows] of part.before) if (!t.before.has(matchId)) t.before.set(matchId, rows);
  }
  return [...out.values()].map((t) => ({ tenant: t.tenant, rows: [...t.rows.values()].flat(), before: t.before }));
}

/**
 * Personal bests beaten by this batch: a stat of a match line that now exceeds the player's best in
 * every other counted match, where it did not before. A first match sets no record.
 */
function recordsBroken(tenant: string, rows: PlayerMatchRow[], before: Map<string, PlayerMatchRow[]>, allRows: PlayerMatchRow[]): RecordBroken[] {
  const out: RecordBroken[] = [];
  const byPlayer = groupBy(allRows, (r) => r.playerId);
  for (const row of rows) {
    if (row.status === 'cancelled') continue;
    const others = (byPlayer.get(row.playerId) ?? []).filter((r) => r.matchId !== row.matchId && r.status !== 'cancelled');
    const old = before.get(row.matchId)?.find((r) => r.playerId === row.playerId);
    for (const [stat, value] of Object.entries(row.stats)) {
      const values = others.map((r) => r.stats[stat]).filter((v): v is number => v !== undefined);
      if (values.length === 0) continue;
      const best = Math.max(...values);
      const was = old?.stats[stat];
      if (value > best && (was === undefined || was <= best)) out.push({ tenant, playerId: row.playerId, stat, value, previous: best, matchId: row.matchId });
    }
  }
  return out;
}
