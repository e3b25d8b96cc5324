import { randomUUID } from 'node:crypto';

/**
 * 100 matches as a partner's game servers would report them, with the truth they were generated
 * from, and a straightforward reference calculation of profiles and leaderboards from that truth
 * (written independently of the service's code: plain loops over the generated matches).
 */
export interface PartnerEvent {
  id: string;
  type: string;
  matchId: string;
  data: Record<string, unknown>;
}

interface TruthMatch {
  matchId: string;
  season: string;
  time: string;
  cancelled: boolean;
  teams: Array<{ teamId: string; players: string[]; placement: number }>;
  /** Final stat line of each roster player (sums of their increments). */
  lines: Map<string, Record<string, number>>;
}

/** A small deterministic PRNG (mulberry32), so a failing run can be reproduced from its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] };
}

export function shuffle<T>(xs: T[], r: ReturnType<typeof rng>): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

export const PLAYERS = Array.from({ length: 30 }, (_, i) => `p${String(i).padStart(2, '0')}`);
const BASE = Date.parse('2026-04-01T09:00:00.000Z');

/** Generates `count` matches: their events (in order) and their truth. */
export function generateMatches(seed: number, count = 100) {
  const r = rng(seed);
  const truth: TruthMatch[] = [];
  const events = new Map<string, PartnerEvent[]>();
  for (let i = 0; i < count; i++) {
    const matchId = `m${String(i).padStart(3, '0')}`;
    const roster = shuffle([...PLAYERS], r).slice(0, 6);
    const teams = [
      { teamId: 'red', players: roster.slice(0, 3) },
      { teamId: 'blue', players: roster.slice(3) },
    ];
    const time = new Date(BASE + i * 7 * 3600_000 + r.int(0, 59) * 60_000).toISOString();
    const season = i < 50 ? 's1' : 's2';
    const cancelled = i % 20 === 7;
    const list: PartnerEvent[] = [];
    let seq = 0;
    const at = (minutes: number) => new Date(Date.parse(time) + minutes * 60_000).toISOString();
    const add = (type: string, data: Record<string, unknown>) => list.push({ id: randomUUID(), type: `tandem.stats.${type}`, matchId, data: { matchId, seq: ++seq, ...data } });
    add('match.scheduled', { at: at(-60), title: `Match ${i}`, season, startsAt: at(0), teams: teams.map((t) => ({ teamId: t.teamId, name: t.teamId.toUpperCase(), players: t.players })) });
    add('match.started', { at: at(0) });
    const lines = new Map<string, Record<string, number>>(roster.map((p) => [p, {}]));
    const teamScore = new Map(teams.map((t) => [t.teamId, 0]));
    const increments = r.int(10, 30);
    for (let k = 0; k < increments; k++) {
      const team = r.pick(teams);
      if (r.next() < 0.1) {
        const score = r.int(1, 20);
        teamScore.set(team.teamId, teamScore.get(team.teamId)! + score);
        add('team.stats', { at: at(1 + k), teamId: team.teamId, stats: { score } });
        continue;
      }
      const playerId = r.pick(team.players);
      const stats: Record<string, number> = { kills: r.int(0, 3), score: r.int(0, 100) };
      if (r.next() < 0.3) stats.deaths = r.int(1, 2);
      if (r.next() < 0.2) stats.assists = 1;
      const line = lines.get(playerId)!;
      for (const [s, v] of Object.entries(stats)) line[s] = (line[s] ?? 0) + v;
      teamScore.set(team.teamId, teamScore.get(team.teamId)! + stats.score);
      add('player.stats', { at: at(1 + k), playerId, teamId: team.teamId, stats });
    }
    const [red, blue] = [teamScore.get('red')!, teamScore.get('blue')!];
    const placements = { red: red > blue ? 1 : red < blue ? 2 : 1, blue: blue > red ? 1 : blue < red ? 2 : 1 };
    if (cancelled) add('match.cancelled', { at: at(40), reason: 'server crashed' });
    else {
      add('match.ended', { at: at(40) });
      add('match.result', { at: at(41), teams: teams.map((t) => ({ teamId: t.teamId, placement: placements[t.teamId as 'red' | 'blue'], score: null })) });
    }
    truth.push({ matchId, season, time: at(0), cancelled, teams: teams.map((t) => ({ ...t, placement: placements[t.teamId as 'red' | 'blue'] })), lines });
    events.set(matchId, list);
  }
  return { truth, events, random: r };
}

type Row = { matchId: string; season: string; time: string; result: 'win' | 'loss' | 'draw'; stats: Record<string, number> };

/** Every counted (not cancelled) match of a player, newest first. */
function rowsOf(truth: TruthMatch[], playerId: string): Row[] {
  const rows: Row[] = [];
  for (const m of truth) {
    if (m.cancelled || !m.lines.has(playerId)) continue;
    const team = m.teams.find((t) => t.players.includes(playerId))!;
    const other = m.teams.find((t) => t !== team)!;
    const result = team.placement < other.placement ? 'win' : team.placement > other.placement ? 'loss' : 'draw';
    rows.push({ matchId: m.matchId, season: m.season, time: m.time, result, stats: m.lines.get(playerId)! });
  }
  return rows.sort((a, b) => (a.time < b.time ? 1 : -1));
}

function totals(rows: Row[]) {
  const sums: Record<string, number> = {};
  for (const r of rows) for (const [k, v] of Object.entries(r.stats)) sums[k] = (sums[k] ?? 0) + v;
  const averages: Record<string, number> = {};
  for (const [k, v] of Object.entries(sums)) averages[k] = v / rows.length;
  const count = (result: string) => rows.filter((r) => r.result === result).length;
  return { matches: rows.length, wins: count('win'), losses: count('loss'), draws: count('draw'), totals: sums, averages };
}

/** The profile the service should serve for a player (form of 5). */
export function referenceProfile(truth: TruthMatch[], playerId: string) {
  const rows = rowsOf(truth, playerId);
  const bests: Record<string, { value: number; matchId: string; time: string }> = {};
  for (const r of [...rows].reverse()) for (const [k, v] of Object.entries(r.stats)) if (!bests[k] || v > bests[k].value) bests[k] = { value: v, matchId: r.matchId, time: r.time };
  const seasons = [...new Set(rows.map((r) => r.season))].sort().map((season) => ({ season, ...totals(rows.filter((r) => r.season === season)) }));
  return { playerId, ...totals(rows), bests, form: rows.slice(0, 5).map((r) => ({ matchId: r.matchId, time: r.time, status: 'ended', result: r.result, stats: r.stats })), seasons };
}

export interface ReferenceBoard {
  stat: string;
  aggregation: 'sum' | 'max' | 'min' | 'latest';
  direction: 'desc' | 'asc';
  weekly?: boolean;
  season?: string;
}

/** Monday 00:00 UTC of the week of `time`, as the service names weekly periods. */
export function mondayOf(time: string): string {
  const d = new Date(time);
  const day = (d.getUTCDay() + 6) % 7; // days since Monday
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day)).toISOString();
}

/** Every period of a board with its ranked entries: score in the board's direction, ties by player id. */
export function referenceLeaderboard(truth: TruthMatch[], board: ReferenceBoard): Map<string, Array<{ rank: number; playerId: string; score: number }>> {
  const scores = new Map<string, Map<string, { score: number; latestTime: string }>>();
  for (const m of [...truth].sort((a, b) => (a.time < b.time ? -1 : 1))) {
    if (m.cancelled || (board.season && m.season !== board.season)) continue;
    const period = board.weekly ? mondayOf(m.time) : 'all';
    if (!scores.has(period)) scores.set(period, new Map());
    const inPeriod = scores.get(period)!;
    for (const [playerId, line] of m.lines) {
      const v = line[board.stat];
      if (v === undefined) continue;
      const had = inPeriod.get(playerId);
      let score = v;
      if (had && board.aggregation === 'sum') score = had.score + v;
      if (had && board.aggregation === 'max') score = Math.max(had.score, v);
      if (had && board.aggregation === 'min') score = Math.min(had.score, v);
      inPeriod.set(playerId, { score, latestTime: m.time }); // matches go oldest first: latest is the last one
    }
  }
  const out = new Map<string, Array<{ rank: number; playerId: string; score: number }>>();
  for (const [period, players] of scores) {
    const sorted = [...players].sort(([pa, a], [pb, b]) => (a.score !== b.score ? (board.direction === 'desc' ? b.score - a.score : a.score - b.score) : pa < pb ? -1 : 1));
    out.set(period, sorted.map(([playerId, { score }], i) => ({ rank: i + 1, playerId, score })));
  }
  return out;
}
