import type { TOPICS, TopicEvent } from '@tandem/contracts';
import { Candidate } from './candidate';

type StatsEvent = TopicEvent<typeof TOPICS.statsEvents>;

/** The follow targets an event concerns: its player, and for rank changes its leaderboard. */
export function statsTargetsOf(event: StatsEvent): string[] {
  switch (event.type) {
    case 'tandem.stats.record.broken':
      return [`player:${event.data.playerId}`];
    case 'tandem.stats.rank.changed':
      return [`player:${event.data.playerId}`, `board:${event.data.boardId}`];
    default:
      return [];
  }
}

/**
 * Notifications from `stats.events.v1` for the users who follow the player (or, for a rank change,
 * the leaderboard): a new personal best, a rank change. Leaderboards are readable by the whole
 * workspace, so following is enough.
 */
export function mapStatsEvent(event: StatsEvent, followers: readonly string[]): Candidate[] {
  switch (event.type) {
    case 'tandem.stats.record.broken': {
      const d = event.data;
      return followers.map((userId) => ({
        userId,
        type: 'stats.personal-best' as const,
        title: `${d.playerId} set a new personal best: ${d.value} ${d.stat}`,
        body: d.previous === null ? `first ${d.stat} record` : `previous best ${d.previous}`,
        actorId: null,
        link: { kind: 'player' as const, playerId: d.playerId, matchId: d.matchId },
        scopes: [],
        idempotencyKey: `stats:pb:${d.playerId}:${d.stat}:${d.matchId}:${d.value}`,
        requiresDoc: null,
      }));
    }
    case 'tandem.stats.rank.changed': {
      const d = event.data;
      const moved = d.previousRank === null ? 'entered at' : d.rank < d.previousRank ? 'rose to' : 'fell to';
      return followers.map((userId) => ({
        userId,
        type: 'stats.rank-changed' as const,
        title: `${d.playerId} ${moved} #${d.rank} on ${d.boardId}`,
        body: d.previousRank === null ? `score ${d.score}` : `was #${d.previousRank}, score ${d.score}`,
        actorId: null,
        link: { kind: 'leaderboard' as const, boardId: d.boardId, playerId: d.playerId },
        scopes: [],
        idempotencyKey: `stats:rank:${d.boardId}:${d.period}:${d.playerId}:${d.previousRank ?? 0}:${d.rank}:${d.score}`,
        requiresDoc: null,
      }));
    }
    default:
      return [];
  }
}
