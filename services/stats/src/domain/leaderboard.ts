import { Id, StatName } from '@tandem/contracts';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import type { PlayerMatchRow } from './match-state';

/** The schedule after which a leaderboard starts a new period. Times are in `timezone` (IANA, default UTC). */
export const PeriodSchema = z
  .object({
    reset: z.enum(['daily', 'weekly', 'monthly', 'cron']),
    /** With `reset: "cron"`: when a new period starts (5 or 6 fields, e.g. `0 0 * * 1` for Mondays 00:00). */
    cron: z.string().min(1).max(120).optional(),
    timezone: z.string().min(1).max(64).default('UTC'),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.reset === 'cron' && !p.cron) ctx.addIssue({ code: 'custom', path: ['cron'], message: 'reset "cron" needs a cron expression, e.g. "0 0 * * 1"' });
    if (p.reset !== 'cron' && p.cron) ctx.addIssue({ code: 'custom', path: ['cron'], message: `cron is only for reset "cron", not "${p.reset}"` });
    try {
      CronExpressionParser.parse(cronOf(p as Period), { tz: p.timezone });
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: [p.cron ? 'cron' : 'timezone'], message: `not a valid schedule: ${(error as Error).message}` });
    }
  });
export type Period = z.infer<typeof PeriodSchema>;

/** A leaderboard: which stat, how a player's matches combine into one score, and which way is better. */
export const LeaderboardDefinitionSchema = z
  .object({
    stat: StatName,
    /** sum: total over the matches; max/min: best single match; latest: the most recent match's value. */
    aggregation: z.enum(['sum', 'max', 'min', 'latest']),
    /** desc: higher is better (rank 1 has the highest score); asc: lower is better. */
    direction: z.enum(['desc', 'asc']).default('desc'),
    /** Without a period there is one everlasting period, `all`. */
    period: PeriodSchema.nullable().default(null),
    /** Only matches of this season count. */
    season: Id.nullable().default(null),
  })
  .strict();
export type LeaderboardDefinition = z.infer<typeof LeaderboardDefinitionSchema> & { boardId: string };

export const ALL_TIME = 'all';

function cronOf(p: Period): string {
  switch (p.reset) {
    case 'daily':
      return '0 0 * * *';
    case 'weekly':
      return '0 0 * * 1';
    case 'monthly':
      return '0 0 1 * *';
    case 'cron':
      return p.cron!;
  }
}

/**
 * The period a moment falls in, named by the ISO time (UTC) it started: the latest reset at or before
 * `time`. A match exactly at a reset belongs to the new period.
 */
export function periodOf(definition: Pick<LeaderboardDefinition, 'period'>, time: string | number): string {
  if (!definition.period) return ALL_TIME;
  const t = typeof time === 'number' ? time : Date.parse(time);
  const expr = CronExpressionParser.parse(cronOf(definition.period), { currentDate: new Date(t + 1), tz: definition.period.timezone });
  return expr.prev().toDate().toISOString();
}

/** One player's standing in one period of a leaderboard (as stored: the source of truth for ranks). */
export interface EntryRow {
  boardId: string;
  period: string;
  playerId: string;
  score: number;
  /** Matches that counted. */
  matches: number;
}

/**
 * Every entry of one player on a leaderboard, from all their match lines: one per period they played
 * in. Cancelled matches, matches without a time or without the stat, and other seasons do not count.
 */
export function entriesOf(definition: LeaderboardDefinition, playerId: string, rows: readonly PlayerMatchRow[]): EntryRow[] {
  const byPeriod = new Map<string, PlayerMatchRow[]>();
  for (const row of rows) {
    if (row.playerId !== playerId || row.status === 'cancelled' || row.time === null || row.stats[definition.stat] === undefined) continue;
    if (definition.season !== null && row.season !== definition.season) continue;
    const period = periodOf(definition, row.time);
    byPeriod.set(period, [...(byPeriod.get(period) ?? []), row]);
  }
  const out: EntryRow[] = [];
  for (const [period, list] of [...byPeriod].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const values = list.map((r) => r.stats[definition.stat]);
    let score: number;
    switch (definition.aggregation) {
      case 'sum':
        score = values.reduce((a, b) => a + b, 0);
        break;
      case 'max':
        score = Math.max(...values);
        break;
      case 'min':
        score = Math.min(...values);
        break;
      case 'latest': {
        const latest = [...list].sort((a, b) => (a.time! < b.time! ? 1 : a.time! > b.time! ? -1 : a.matchId < b.matchId ? 1 : -1))[0];
        score = latest.stats[definition.stat];
        break;
      }
    }
    out.push({ boardId: definition.boardId, period, playerId, score, matches: list.length });
  }
  return out;
}

/** The score as the ranked set stores it: ascending order, so "higher is better" is negated. */
export function rankScore(definition: Pick<LeaderboardDefinition, 'direction'>, score: number): number {
  return definition.direction === 'desc' ? (score === 0 ? 0 : -score) : score;
}
