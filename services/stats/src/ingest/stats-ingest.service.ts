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

/**
 * Applies ingested match events: drops duplicates (by event id, per match), folds the rest into their matches,
 * rewrites the match lines of the players involved and their leaderboard entries, and says what
 * changed (boards, personal records, ranks). One batch at a time per process, so the writes of a
 * batch never interleave with another batch's or with a leaderboard being (re)defined.
 */
@Injectable()
export class StatsIngestService {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(STATS_STORE) private readonly store: StatsStore,
    private readonly leaderboards: LeaderboardService,
  ) {}

  /** Runs `fn` after every write queued before it (the stats writes are serialised per process). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  applyBatch(events: readonly IngestEvent[]): Promise<BatchOutcome> {
    return this.exclusive(() => this.apply(events));
  }

  private async apply(events: readonly IngestEvent[]): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { applied: 0, duplicates: 0, boards: [], records: [], ranks: [] };
    for (const [tenant, list] of groupBy(events, (e) => e.tenant)) await this.applyTenant(tenant, list, outcome);
    return outcome;
  }

  /**
   * Every write here is a recomputation, never an increment: the match lines and leaderboard entries
   * of every match in the batch are rewritten from the match state even when all its events were
   * duplicates, so a batch redelivered after failing half-way finishes what the first try began.
   */
  private async applyTenant(tenant: string, events: IngestEvent[], outcome: BatchOutcome): Promise<void> {
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
    const rows = touched.flatMap(playerRowsOf);
    await this.store.saveMatches(tenant, changed);
    await this.store.savePlayerMatches(tenant, rows);
    const players = [...new Set(rows.map((r) => r.playerId))].sort();
    const allRows = await this.store.playerMatches(tenant, players);
    outcome.ranks.push(...(await this.leaderboards.updatePlayers(tenant, players, allRows)));
    outcome.boards.push(...changed.map((s) => ({ tenant, board: boardOf(s) })));
    outcome.records.push(...recordsBroken(tenant, rows, before, allRows));
  }
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
