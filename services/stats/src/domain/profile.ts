import type { PlayerMatchRow, Stats } from './match-state';

export interface Totals {
  matches: number;
  wins: number;
  losses: number;
  draws: number;
  totals: Stats;
  /** Total divided by matches counted (every counted match, with or without that stat). */
  averages: Stats;
}

export interface PlayerProfile extends Totals {
  playerId: string;
  /** Best single-match value of each stat (higher is better), the earliest match reaching it. */
  bests: Record<string, { value: number; matchId: string; time: string | null }>;
  /** The last matches, newest first. */
  form: Array<{ matchId: string; time: string | null; status: string; result: PlayerMatchRow['result']; stats: Stats }>;
  seasons: Array<{ season: string | null } & Totals>;
}

/** Newest first: by match time (matches without one last), then match id descending. */
export function newestFirst(a: PlayerMatchRow, b: PlayerMatchRow): number {
  const ta = a.time ?? '';
  const tb = b.time ?? '';
  if (ta !== tb) return ta < tb ? 1 : -1;
  return a.matchId < b.matchId ? 1 : a.matchId > b.matchId ? -1 : 0;
}

function totalsOf(rows: readonly PlayerMatchRow[]): Totals {
  const totals: Stats = {};
  for (const r of rows) for (const [k, v] of Object.entries(r.stats)) totals[k] = (totals[k] ?? 0) + v;
  const averages: Stats = {};
  for (const [k, v] of Object.entries(totals)) averages[k] = v / rows.length;
  return {
    matches: rows.length,
    wins: rows.filter((r) => r.result === 'win').length,
    losses: rows.filter((r) => r.result === 'loss').length,
    draws: rows.filter((r) => r.result === 'draw').length,
    totals,
    averages,
  };
}

/**
 * A player's profile from their match lines: every match that was not cancelled counts, live ones
 * included. `formSize` is how many recent matches "form" shows.
 */
export function profileOf(playerId: string, all: readonly PlayerMatchRow[], formSize = 5): PlayerProfile {
  const rows = all.filter((r) => r.playerId === playerId && r.status !== 'cancelled').sort(newestFirst);
  const bests: PlayerProfile['bests'] = {};
  for (const r of [...rows].reverse()) {
    for (const [k, v] of Object.entries(r.stats)) if (!bests[k] || v > bests[k].value) bests[k] = { value: v, matchId: r.matchId, time: r.time };
  }
  const seasons = new Map<string | null, PlayerMatchRow[]>();
  for (const r of rows) seasons.set(r.season, [...(seasons.get(r.season) ?? []), r]);
  return {
    playerId,
    ...totalsOf(rows),
    bests,
    form: rows.slice(0, formSize).map((r) => ({ matchId: r.matchId, time: r.time, status: r.status, result: r.result, stats: r.stats })),
    seasons: [...seasons]
      .sort(([a], [b]) => ((a ?? '') < (b ?? '') ? -1 : 1))
      .map(([season, list]) => ({ season, ...totalsOf(list) })),
  };
}
