import { z } from 'zod';
import { Id } from '../ids';

/** A stat's name: `score`, `kills`, `assists`, `goals` or any custom one. */
export const StatName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a stat name is a letter then up to 63 letters, digits or _');

/** Named numeric stats, e.g. `{ "kills": 1, "score": 100 }`. */
export const StatValues = z
  .record(StatName, z.number().finite().min(-1e12).max(1e12))
  .refine((s) => Object.keys(s).length > 0 && Object.keys(s).length <= 64, 'between 1 and 64 stats');
export type StatValues = z.infer<typeof StatValues>;

const Instant = z.iso.datetime({ offset: true });

/**
 * What every ingested event carries besides its CloudEvents `id` (the event id, used to drop
 * duplicates): the match, its match-local sequence (1, 2, 3… in the order the producer saw things
 * happen; delivery may reorder them) and when it happened.
 */
const MatchEvent = {
  matchId: Id,
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  at: Instant,
};

export const MatchTeam = z
  .object({ teamId: Id, name: z.string().min(1).max(200), players: z.array(Id).max(500).default([]) })
  .strict();

/**
 * Event types of `stats.ingest.v1` (partners and game servers → stats service), keyed by
 * `<tenant>/<matchId>`. Stat values are increments: a match's stat line is the sum of its stat events,
 * so they may arrive in any order. The lifecycle event with the highest `seq` sets the match status
 * (a cancelled match stays cancelled and counts nowhere).
 */
export const StatsIngestSchemas = {
  /** A match was scheduled: its teams and rosters, season and start time. */
  'tandem.stats.match.scheduled': z
    .object({
      ...MatchEvent,
      title: z.string().max(200).default(''),
      season: Id.nullable().default(null),
      startsAt: Instant.nullable().default(null),
      teams: z.array(MatchTeam).max(64).default([]),
    })
    .strict()
    .describe('A match was scheduled (teams, rosters, season, start time).'),
  'tandem.stats.match.started': z.object(MatchEvent).strict().describe('The match started; its `at` is the match time used for leaderboard periods.'),
  'tandem.stats.match.ended': z.object(MatchEvent).strict().describe('The match ended.'),
  'tandem.stats.match.cancelled': z
    .object({ ...MatchEvent, reason: z.string().max(500).default('') })
    .strict()
    .describe('The match was cancelled: it is removed from profiles and leaderboards.'),
  /** Stat increments of one player (e.g. `{ kills: 1 }`), optionally with the player's team. */
  'tandem.stats.player.stats': z
    .object({ ...MatchEvent, playerId: Id, teamId: Id.nullable().default(null), stats: StatValues })
    .strict()
    .describe('Stat increments of one player in the match (negative values correct earlier ones).'),
  'tandem.stats.team.stats': z
    .object({ ...MatchEvent, teamId: Id, stats: StatValues })
    .strict()
    .describe("Stat increments of a team itself (added to its players' sums on the board)."),
  /** The final result: placements (1 = winner; equal placements are a draw) and optional final scores. */
  'tandem.stats.match.result': z
    .object({
      ...MatchEvent,
      teams: z
        .array(z.object({ teamId: Id, placement: z.number().int().min(1), score: z.number().finite().nullable().default(null) }).strict())
        .min(1)
        .max(64),
    })
    .strict()
    .describe('The final result: team placements (1 wins; equal placements draw) and final scores.'),
};

export type StatsIngestType = keyof typeof StatsIngestSchemas;

export const BoardLine = z.object({ stats: z.record(z.string(), z.number()) }).strict();

/** The live board of a match: status, team scores and every player's stat line. */
export const MatchBoard = z
  .object({
    matchId: Id,
    title: z.string(),
    season: Id.nullable(),
    status: z.enum(['scheduled', 'started', 'ended', 'cancelled']),
    /** Highest `seq` applied and how many distinct events were applied. */
    seq: z.number().int(),
    events: z.number().int(),
    time: z.string().nullable(),
    teams: z.array(
      z
        .object({ teamId: Id, name: z.string(), score: z.number(), placement: z.number().int().nullable(), stats: z.record(z.string(), z.number()) })
        .strict(),
    ),
    players: z.array(z.object({ playerId: Id, teamId: Id.nullable(), stats: z.record(z.string(), z.number()) }).strict()),
  })
  .strict();
export type MatchBoard = z.infer<typeof MatchBoard>;

/** Event types of `stats.events.v1` (stats service → gateways, notifications, partners). */
export const StatsEventSchemas = {
  /** A match's board changed (at most ~10 per second per match); keyed by `<tenant>/match:<matchId>`. */
  'tandem.stats.board.updated': z.object({ board: MatchBoard }).strict().describe('A match board changed; coalesced to at most ~10 per second per match.'),
  /** A player beat their personal best of a stat in a single match; keyed by `<tenant>/player:<playerId>`. */
  'tandem.stats.record.broken': z
    .object({ playerId: Id, stat: StatName, value: z.number(), previous: z.number().nullable(), matchId: Id })
    .strict()
    .describe('A player beat their personal best of a stat in one match.'),
  /** A player's rank on a leaderboard period changed; keyed by `<tenant>/player:<playerId>`. */
  'tandem.stats.rank.changed': z
    .object({ boardId: Id, period: z.string(), playerId: Id, rank: z.number().int().min(1), previousRank: z.number().int().min(1).nullable(), score: z.number() })
    .strict()
    .describe("A player's rank on a leaderboard period changed."),
};

/** Event types of `stats.ingest.dlq.v1`: ingested records that failed validation, with why. */
export const StatsDeadLetterSchemas = {
  'tandem.stats.ingest.rejected': z
    .object({
      topic: z.string(),
      partition: z.number().int(),
      offset: z.string(),
      key: z.string().nullable(),
      error: z.object({ code: z.string(), message: z.string() }).strict(),
      /** The record's headers and value (base64) exactly as received, to fix and produce again. */
      headers: z.record(z.string(), z.string()),
      value: z.string().nullable(),
    })
    .strict()
    .describe('A record of stats.ingest.v1 that failed validation, with the error and the original bytes (base64).'),
};

const at = '2026-05-01T18:00:00.000Z';
/** Example `data` of each stats event type, shown in the AsyncAPI document. */
export const STATS_EXAMPLES: Record<string, unknown> = {
  'tandem.stats.match.scheduled': { matchId: 'm-42', seq: 1, at, title: 'Reds vs Blues', season: 's2026', startsAt: '2026-05-01T19:00:00.000Z', teams: [{ teamId: 'reds', name: 'Reds', players: ['ann', 'bob'] }, { teamId: 'blues', name: 'Blues', players: ['cy', 'dee'] }] },
  'tandem.stats.match.started': { matchId: 'm-42', seq: 2, at: '2026-05-01T19:00:02.000Z' },
  'tandem.stats.player.stats': { matchId: 'm-42', seq: 3, at: '2026-05-01T19:03:10.000Z', playerId: 'ann', teamId: 'reds', stats: { kills: 1, score: 100 } },
  'tandem.stats.team.stats': { matchId: 'm-42', seq: 4, at: '2026-05-01T19:05:00.000Z', teamId: 'blues', stats: { score: 50 } },
  'tandem.stats.match.ended': { matchId: 'm-42', seq: 90, at: '2026-05-01T19:40:00.000Z' },
  'tandem.stats.match.result': { matchId: 'm-42', seq: 91, at: '2026-05-01T19:40:01.000Z', teams: [{ teamId: 'reds', placement: 1, score: 1200 }, { teamId: 'blues', placement: 2, score: 950 }] },
  'tandem.stats.match.cancelled': { matchId: 'm-43', seq: 3, at, reason: 'server crashed' },
  'tandem.stats.board.updated': {
    board: { matchId: 'm-42', title: 'Reds vs Blues', season: 's2026', status: 'started', seq: 3, events: 3, time: '2026-05-01T19:00:02.000Z', teams: [{ teamId: 'reds', name: 'Reds', score: 100, placement: null, stats: { kills: 1, score: 100 } }], players: [{ playerId: 'ann', teamId: 'reds', stats: { kills: 1, score: 100 } }] },
  },
  'tandem.stats.record.broken': { playerId: 'ann', stat: 'kills', value: 12, previous: 11, matchId: 'm-42' },
  'tandem.stats.rank.changed': { boardId: 'kills-weekly', period: '2026-04-27T00:00:00.000Z', playerId: 'ann', rank: 3, previousRank: 5, score: 120 },
  'tandem.stats.ingest.rejected': { topic: 'stats.ingest.v1', partition: 2, offset: '1841', key: 'acme/m-42', error: { code: 'INVALID_EVENT', message: 'invalid tandem.stats.player.stats on stats.ingest.v1: ✖ Invalid input: expected number, received string → at stats.kills' }, headers: { ce_type: 'tandem.stats.player.stats' }, value: 'eyJtYXRjaElkIjoibS00MiJ9' },
};
