import { Inject, Injectable } from '@nestjs/common';
import type { MatchBoard } from '@tandem/contracts';
import { boardOf } from '../domain/match-state';
import { newestFirst, PlayerProfile, profileOf } from '../domain/profile';
import { StatsError } from '../stats.errors';
import { STATS_STORE, StatsStore } from '../store/stats-store.port';

export interface PastPerformance {
  matchId: string;
  time: string | null;
  status: string;
  season: string | null;
  teamId: string | null;
  result: 'win' | 'loss' | 'draw' | null;
  placement: number | null;
  stats: Record<string, number>;
  /** The match context: its title and every team's score and placement. */
  match: { title: string; teams: Array<{ teamId: string; name: string; score: number; placement: number | null }> };
}

/** Reads of matches and players: boards, profiles and past performances. */
@Injectable()
export class ProfileService {
  constructor(@Inject(STATS_STORE) private readonly store: StatsStore) {}

  async board(tenant: string, matchId: string): Promise<MatchBoard> {
    const state = (await this.store.loadMatches(tenant, [matchId])).get(matchId);
    if (!state) throw new StatsError('NOT_FOUND', `no events of match ${matchId} were ingested`);
    return boardOf(state);
  }

  async profile(tenant: string, playerId: string, formSize: number): Promise<PlayerProfile> {
    const rows = await this.store.playerMatches(tenant, [playerId]);
    if (rows.length === 0) throw new StatsError('NOT_FOUND', `player ${playerId} has played no match`);
    return profileOf(playerId, rows, formSize);
  }

  /** A page of a player's matches (not cancelled), newest first, each with its match context. */
  async history(tenant: string, playerId: string, offset: number, limit: number): Promise<{ playerId: string; total: number; offset: number; matches: PastPerformance[]; nextOffset: number | null; prevOffset: number | null }> {
    const rows = (await this.store.playerMatches(tenant, [playerId])).filter((r) => r.status !== 'cancelled').sort(newestFirst);
    const page = rows.slice(offset, offset + limit);
    const matches = await this.store.loadMatches(tenant, page.map((r) => r.matchId));
    return {
      playerId,
      total: rows.length,
      offset,
      nextOffset: offset + limit < rows.length ? offset + limit : null,
      prevOffset: offset > 0 ? Math.max(0, offset - limit) : null,
      matches: page.map((r) => {
        const board = boardOf(matches.get(r.matchId)!);
        return { matchId: r.matchId, time: r.time, status: r.status, season: r.season, teamId: r.teamId, result: r.result, placement: r.placement, stats: r.stats, match: { title: board.title, teams: board.teams.map(({ teamId, name, score, placement }) => ({ teamId, name, score, placement })) } };
      }),
    };
  }
}
