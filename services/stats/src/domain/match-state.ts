import type { EventOfType, MatchBoard, TOPICS } from '@tandem/contracts';

export type IngestEvent = EventOfType<typeof TOPICS.statsIngest, 'tandem.stats.match.scheduled' | 'tandem.stats.match.started' | 'tandem.stats.match.ended' | 'tandem.stats.match.cancelled' | 'tandem.stats.player.stats' | 'tandem.stats.team.stats' | 'tandem.stats.match.result'>;
export type MatchStatus = 'scheduled' | 'started' | 'ended' | 'cancelled';
export type Stats = Record<string, number>;

/**
 * What the stats service keeps of a match: the fold of its distinct events. Every field is computed
 * so that the same events in any order give the same state: stats are sums of increments, and
 * whatever can only have one value (status, roster, result, a player's team) comes from the event
 * with the highest `seq`. Lists are sorted by id so the stored form is canonical.
 */
export interface MatchState {
  matchId: string;
  title: string;
  season: string | null;
  startsAt: string | null;
  /** Seq of the `scheduled` event the title, season and rosters come from (0: none yet). */
  scheduledSeq: number;
  status: MatchStatus;
  statusSeq: number;
  cancelled: boolean;
  /** `at` of the `started` event with the lowest seq. */
  startedAt: string | null;
  startedSeq: number;
  /** Earliest `at` of any event but `scheduled`. */
  firstAt: string | null;
  resultSeq: number;
  teams: TeamState[];
  players: PlayerState[];
  /** Highest seq applied and how many distinct events were. */
  seq: number;
  events: number;
  /**
   * Ids of the events applied, sorted. Kept in the match itself so that dropping a duplicate and
   * applying an event are one write: a batch that fails half-way and is redelivered re-applies
   * exactly what was not stored (no transactions on FerretDB).
   */
  eventIds: string[];
}

export interface TeamState {
  teamId: string;
  name: string;
  /** Roster position in the scheduled event (teams only seen in stats come after, by id). */
  order: number;
  roster: string[];
  stats: Stats;
  placement: number | null;
  finalScore: number | null;
}

export interface PlayerState {
  playerId: string;
  teamId: string | null;
  /** Seq of the stat event the team came from. */
  teamSeq: number;
  stats: Stats;
}

/** One player's line in one match: what profiles and leaderboards are computed from. */
export interface PlayerMatchRow {
  playerId: string;
  matchId: string;
  teamId: string | null;
  season: string | null;
  /** The match time: when it started, else its first event, else its scheduled start. */
  time: string | null;
  status: MatchStatus;
  result: 'win' | 'loss' | 'draw' | null;
  placement: number | null;
  stats: Stats;
}

export function emptyMatch(matchId: string): MatchState {
  return { matchId, title: '', season: null, startsAt: null, scheduledSeq: 0, status: 'scheduled', statusSeq: 0, cancelled: false, startedAt: null, startedSeq: 0, firstAt: null, resultSeq: 0, teams: [], players: [], seq: 0, events: 0, eventIds: [] };
}

const byId = <T>(id: (t: T) => string) => (a: T, b: T) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0);
const addStats = (into: Stats, add: Stats) => {
  for (const [k, v] of Object.entries(add)) into[k] = (into[k] ?? 0) + v;
};

/**
 * Applies one event to a match, in place, unless its id is in `seen` (the match's applied ids, as a
 * set: see {@link seenOf}); returns whether it was applied. Call {@link canonical} after the last one.
 */
export function applyEvent(s: MatchState, event: IngestEvent, seen: Set<string>): boolean {
  if (seen.has(event.id)) return false;
  seen.add(event.id);
  s.eventIds.push(event.id);
  const d = event.data;
  s.seq = Math.max(s.seq, d.seq);
  s.events += 1;
  if (event.type !== 'tandem.stats.match.scheduled' && (s.firstAt === null || d.at < s.firstAt)) s.firstAt = d.at;
  const team = (teamId: string) => {
    let t = s.teams.find((x) => x.teamId === teamId);
    if (!t) s.teams.push((t = { teamId, name: teamId, order: Number.MAX_SAFE_INTEGER, roster: [], stats: {}, placement: null, finalScore: null }));
    return t;
  };
  const player = (playerId: string) => {
    let p = s.players.find((x) => x.playerId === playerId);
    if (!p) s.players.push((p = { playerId, teamId: null, teamSeq: 0, stats: {} }));
    return p;
  };
  const lifecycle = (status: MatchStatus) => {
    if (status === 'cancelled') s.cancelled = true;
    if (d.seq > s.statusSeq) {
      s.status = status;
      s.statusSeq = d.seq;
    }
  };
  switch (event.type) {
    case 'tandem.stats.match.scheduled': {
      const e = event.data;
      if (e.seq > s.scheduledSeq) {
        s.scheduledSeq = e.seq;
        s.title = e.title;
        s.season = e.season;
        s.startsAt = e.startsAt;
        for (const t of s.teams) {
          t.order = Number.MAX_SAFE_INTEGER;
          t.roster = [];
        }
        e.teams.forEach((given, order) => {
          const t = team(given.teamId);
          t.name = given.name;
          t.order = order;
          t.roster = [...given.players];
          for (const id of given.players) player(id);
        });
      }
      if (s.statusSeq === 0) s.status = 'scheduled';
      break;
    }
    case 'tandem.stats.match.started':
      if (s.startedSeq === 0 || event.data.seq < s.startedSeq) {
        s.startedSeq = event.data.seq;
        s.startedAt = event.data.at;
      }
      lifecycle('started');
      break;
    case 'tandem.stats.match.ended':
      lifecycle('ended');
      break;
    case 'tandem.stats.match.cancelled':
      lifecycle('cancelled');
      break;
    case 'tandem.stats.player.stats': {
      const e = event.data;
      const p = player(e.playerId);
      addStats(p.stats, e.stats);
      if (e.teamId !== null && e.seq > p.teamSeq) {
        p.teamId = e.teamId;
        p.teamSeq = e.seq;
        team(e.teamId);
      }
      break;
    }
    case 'tandem.stats.team.stats':
      addStats(team(event.data.teamId).stats, event.data.stats);
      break;
    case 'tandem.stats.match.result':
      if (event.data.seq > s.resultSeq) {
        s.resultSeq = event.data.seq;
        for (const t of s.teams) {
          t.placement = null;
          t.finalScore = null;
        }
        for (const r of event.data.teams) {
          const t = team(r.teamId);
          t.placement = r.placement;
          t.finalScore = r.score;
        }
      }
      break;
  }
  return true;
}

/** The ids of the events applied to a match, to pass to {@link applyEvent}. */
export function seenOf(s: MatchState): Set<string> {
  return new Set(s.eventIds);
}

/** Sorts teams, players and event ids, the stored (canonical) form. */
export function canonical(s: MatchState): MatchState {
  s.teams.sort(byId((t) => t.teamId));
  s.players.sort(byId((p) => p.playerId));
  s.eventIds.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return s;
}

/** The player's team: the roster of the scheduled event first, else the team of their latest stat event. */
function teamOf(s: MatchState, p: PlayerState): string | null {
  return s.teams.find((t) => t.roster.includes(p.playerId))?.teamId ?? p.teamId;
}

export function matchTime(s: MatchState): string | null {
  return s.startedAt ?? s.firstAt ?? s.startsAt;
}

/** The live board subscribers see. A team's stats are its own plus the sum of its players'. */
export function boardOf(s: MatchState): MatchBoard {
  const players = s.players.map((p) => ({ playerId: p.playerId, teamId: teamOf(s, p), stats: { ...p.stats } }));
  const teams = [...s.teams]
    .sort((a, b) => a.order - b.order || (a.teamId < b.teamId ? -1 : 1))
    .map((t) => {
      const stats: Stats = { ...t.stats };
      for (const p of players) if (p.teamId === t.teamId) addStats(stats, p.stats);
      return { teamId: t.teamId, name: t.name, score: t.finalScore ?? stats.score ?? 0, placement: t.placement, stats };
    });
  const status = s.cancelled ? 'cancelled' : s.status;
  return { matchId: s.matchId, title: s.title, season: s.season, status, seq: s.seq, events: s.events, time: matchTime(s), teams, players };
}

/** Each player's line in the match, with the result their team got. */
export function playerRowsOf(s: MatchState): PlayerMatchRow[] {
  const time = matchTime(s);
  const status: MatchStatus = s.cancelled ? 'cancelled' : s.status;
  return s.players.map((p) => {
    const teamId = teamOf(s, p);
    const team = s.teams.find((t) => t.teamId === teamId);
    const placement = team?.placement ?? null;
    let result: PlayerMatchRow['result'] = null;
    if (placement !== null) {
      const best = Math.min(...s.teams.filter((t) => t.placement !== null).map((t) => t.placement!));
      const shared = s.teams.filter((t) => t.placement === best).length > 1;
      result = placement === best ? (shared ? 'draw' : 'win') : 'loss';
    }
    return { playerId: p.playerId, matchId: s.matchId, teamId, season: s.season, time, status, result, placement, stats: { ...p.stats } };
  });
}
