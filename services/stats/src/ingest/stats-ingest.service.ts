import { Inject, Injectable } from '@nestjs/common';
import { groupBy, LeaderboardService, RankChange } from '../leaderboards/leaderboard.service';
import { applyEvent, boardOf, canonical, emptyMatch, IngestEvent, MatchState, PlayerMatchRow, playerRowsOf } from '../domain/match-state';
import type { MatchBoard } from '@tandem/contracts';
import { STATS_STORE, StatsStore } from '../store/stats-store.port';
import { BatchSource, CachedMatch, MatchCache } from './match-cache';

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

/** A batch folded into its matches, its boards ready; its writes still on their way. */
export interface MatchesApplied extends Omit<BatchOutcome, 'records' | 'ranks'> {
  /**
   * Resolves once the batch's matches, match lines, leaderboard entries and ranks are written.
   * Batches that queue up behind a write pass in progress are written together, in one pass (their
   * records and ranks come with the last of them; the others resolve empty); rejects if that pass failed.
   */
  projected: Promise<Projected>;
}

/** One tenant's part of a batch, for the write pass: its changed matches, the rows of its matches and what they were. */
interface TenantPart {
  tenant: string;
  matches: MatchState[];
  rows: PlayerMatchRow[];
  before: Map<string, PlayerMatchRow[]>;
}

interface QueuedWrite {
  parts: TenantPart[];
  pinned: CachedMatch[];
  resolve: (p: Projected) => void;
  reject: (e: unknown) => void;
}

/** How long the last write pass took, in seconds (for the stage metrics); none by default. */
export type StageObserver = (stage: 'fold' | 'write', seconds: number) => void;

/**
 * Applies ingested match events in two steps. First the fold, in memory: drops duplicates (by
 * event id, per match), folds the rest into the match states this process holds for its
 * partitions (see {@link MatchCache}; a match not held is loaded from the store) and gives the
 * boards at once. Then the write pass: stores the matches, rewrites the match lines of the players
 * involved and their leaderboard entries (one read and one write per player) and says what changed
 * (personal records, ranks). Folds run one batch at a time per process, in arrival order; a write
 * pass takes every batch queued when it starts, so the writes keep up by growing their passes, and
 * the next batches are folded while a pass runs. The store stays the source of truth: offsets are
 * committed only once the pass of their batch is written (see `StatsIngestConsumer`).
 */
@Injectable()
export class StatsIngestService {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly writes: QueuedWrite[] = [];
  private writing = false;
  private readonly cache = new MatchCache();
  /** Reports how long folds and write passes take (set by the consumer for its metrics). */
  observe: StageObserver = () => undefined;

  constructor(
    @Inject(STATS_STORE) private readonly store: StatsStore,
    private readonly leaderboards: LeaderboardService,
  ) {}

  /** Runs `fn` after every fold queued before it (they are serialised per process). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Applies a batch completely: fold, then writes (for the rebuild and tests). */
  async applyBatch(events: readonly IngestEvent[], source?: BatchSource): Promise<BatchOutcome> {
    const { projected, ...matches } = await this.applyMatches(events, source);
    return { ...matches, ...(await projected) };
  }

  /**
   * Folds a batch into its matches and queues its writes (see {@link MatchesApplied}). With its
   * `source` (partition and offsets), the partition's match states stay in memory for its next batch.
   */
  applyMatches(events: readonly IngestEvent[], source?: BatchSource): Promise<MatchesApplied> {
    return this.exclusive(async () => {
      const started = performance.now();
      if (source) this.cache.follow(source);
      const outcome = { applied: 0, duplicates: 0, boards: [] as MatchesApplied['boards'] };
      const parts: TenantPart[] = [];
      // Everything missing is loaded before anything is folded: a failed load leaves the held states as they were.
      const byTenant = [...groupBy(events, (e) => e.tenant)].map(([tenant, list]) => ({ tenant, byMatch: groupBy(list, (e) => e.data.matchId) }));
      const stored = byTenant.map(() => new Map<string, MatchState | null>());
      // A held match may be dropped while loading others (its write pass ended): load until none is missing.
      for (;;) {
        const loads = byTenant.map(({ tenant, byMatch }, i) => this.loadMissing(tenant, [...byMatch.keys()].filter((m) => !stored[i]!.has(m)), stored[i]!));
        if (!(await Promise.all(loads)).some(Boolean)) break;
      }
      const pinned: CachedMatch[] = [];
      const folded: CachedMatch[] = [];
      byTenant.forEach(({ tenant, byMatch }, i) => parts.push(this.foldTenant(tenant, byMatch, stored[i]!, source?.partition ?? null, outcome, pinned, folded)));
      if (source) this.cache.advance(source);
      for (const entry of folded) this.cache.release(entry);
      this.cache.trim();
      // Queued before the next batch's can be, so writes keep the arrival order.
      const projected = new Promise<Projected>((resolve, reject) => this.writes.push({ parts, pinned, resolve, reject }));
      void this.write();
      this.observe('fold', (performance.now() - started) / 1000);
      return { ...outcome, projected };
    });
  }

  /** How many match states are held in memory. */
  get matchesHeld(): number {
    return this.cache.size;
  }

  /** Loads the matches not held into `into` (null: not stored); false if there were none to load. */
  private async loadMissing(tenant: string, matchIds: string[], into: Map<string, MatchState | null>): Promise<boolean> {
    const missing = matchIds.filter((m) => !this.cache.get(tenant, m));
    if (missing.length === 0) return false;
    const loaded = await this.store.loadMatches(tenant, missing);
    for (const m of missing) into.set(m, loaded.get(m) ?? null);
    return true;
  }

  /**
   * Every write is a recomputation, never an increment: the match lines and leaderboard entries of
   * every match in the batch are rewritten from the match state even when all its events were
   * duplicates, so a batch redelivered after failing half-way finishes what the first try began.
   */
  private foldTenant(tenant: string, byMatch: Map<string, IngestEvent[]>, stored: Map<string, MatchState | null>, partition: number | null, outcome: Omit<BatchOutcome, 'records' | 'ranks'>, pinned: CachedMatch[], folded: CachedMatch[]): TenantPart {
    const part: TenantPart = { tenant, matches: [], rows: [], before: new Map() };
    for (const [matchId, list] of byMatch) {
      const entry = this.cache.get(tenant, matchId) ?? this.cache.put(tenant, stored.get(matchId) ?? emptyMatch(matchId), partition);
      this.cache.own(entry, partition);
      folded.push(entry);
      const state = entry.state;
      part.before.set(matchId, state.events > 0 ? playerRowsOf(state) : []);
      let applied = 0;
      for (const e of list) if (applyEvent(state, e, entry.seen)) applied++;
      outcome.applied += applied;
      outcome.duplicates += list.length - applied;
      canonical(state);
      part.rows.push(...playerRowsOf(state));
      if (applied > 0) {
        // A snapshot: later batches fold into the held state while this one waits for its pass.
        part.matches.push(structuredClone(state));
        this.cache.pin(entry);
        pinned.push(entry);
        outcome.boards.push({ tenant, board: boardOf(state) });
      }
    }
    return part;
  }

  /** Writes everything queued, one pass at a time; a pass takes every batch queued when it starts. */
  private async write(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.writes.length > 0) {
        const items = this.writes.splice(0);
        const started = performance.now();
        let ok = false;
        try {
          const projected: Projected = { records: [], ranks: [] };
          for (const part of mergeParts(items.flatMap((i) => i.parts))) await this.writeTenant(part, projected);
          ok = true;
          items.forEach((item, i) => item.resolve(i === items.length - 1 ? projected : { records: [], ranks: [] }));
        } catch (error) {
          for (const item of items) item.reject(error);
        } finally {
          for (const item of items) for (const entry of item.pinned) this.cache.unpin(entry, ok);
          this.observe('write', (performance.now() - started) / 1000);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async writeTenant({ tenant, matches, rows, before }: TenantPart, out: Projected): Promise<void> {
    await this.store.saveMatches(tenant, matches);
    const players = [...new Set(rows.map((r) => r.playerId))].sort();
    const definitions = await this.leaderboards.definitions(tenant);
    const stored = await this.store.loadPlayers(tenant, players, definitions.map((d) => d.boardId));
    // Every line of these players: as stored, with this pass's lines in place of the stored ones.
    const fresh = new Set(rows.map((r) => `${r.playerId}\u0000${r.matchId}`));
    const allRows = [...stored.rows.filter((r) => !fresh.has(`${r.playerId}\u0000${r.matchId}`)), ...rows];
    const plan = this.leaderboards.planEntries(definitions, players, allRows, stored.entries);
    await this.store.writePlayers(tenant, rows, plan.upserts, plan.deletes);
    if (definitions.length > 0) out.ranks.push(...(await this.leaderboards.applyRanks(tenant, plan)));
    out.records.push(...recordsBroken(tenant, rows, before, allRows));
  }
}

/** Parts of several batches as one per tenant: a match's latest rows, and its rows before the first of them. */
function mergeParts(parts: readonly TenantPart[]): TenantPart[] {
  const out = new Map<string, { tenant: string; matches: Map<string, MatchState>; rows: Map<string, PlayerMatchRow[]>; before: Map<string, PlayerMatchRow[]> }>();
  for (const part of parts) {
    let t = out.get(part.tenant);
    if (!t) out.set(part.tenant, (t = { tenant: part.tenant, matches: new Map(), rows: new Map(), before: new Map() }));
    for (const m of part.matches) t.matches.set(m.matchId, m);
    for (const [matchId, rows] of groupBy(part.rows, (r) => r.matchId)) t.rows.set(matchId, rows);
    for (const [matchId, rows] of part.before) if (!t.before.has(matchId)) t.before.set(matchId, rows);
  }
  return [...out.values()].map((t) => ({ tenant: t.tenant, matches: [...t.matches.values()], rows: [...t.rows.values()].flat(), before: t.before }));
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
