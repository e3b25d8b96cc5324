import type { TOPICS, TopicEvent } from '@tandem/contracts';
import { mapStatsEvent, statsTargetsOf } from './stats.mapping';

type StatsEvent = TopicEvent<typeof TOPICS.statsEvents>;
const base = { id: 'e1', source: '/stats', specversion: '1.0' as const, time: '2026-01-01T00:00:00.000Z', tenant: 't1' };

describe('mapStatsEvent', () => {
  it('tells followers of a player about a new personal best', () => {
    const event: StatsEvent = { ...base, type: 'tandem.stats.record.broken', data: { playerId: 'ann', stat: 'kills', value: 12, previous: 11, matchId: 'm-42' } };
    expect(statsTargetsOf(event)).toEqual(['player:ann']);
    expect(mapStatsEvent(event, ['bob'])).toEqual([
      {
        userId: 'bob',
        type: 'stats.personal-best',
        title: 'ann set a new personal best: 12 kills',
        body: 'previous best 11',
        actorId: null,
        link: { kind: 'player', playerId: 'ann', matchId: 'm-42' },
        scopes: [],
        idempotencyKey: 'stats:pb:ann:kills:m-42:12',
        requiresDoc: null,
      },
    ]);
  });

  it('tells followers of the player or the board about a rank change', () => {
    const event: StatsEvent = { ...base, type: 'tandem.stats.rank.changed', data: { boardId: 'kills-weekly', period: 'p1', playerId: 'ann', rank: 3, previousRank: 5, score: 120 } };
    expect(statsTargetsOf(event)).toEqual(['player:ann', 'board:kills-weekly']);
    expect(mapStatsEvent(event, ['bob', 'cat']).map((c) => [c.userId, c.type, c.title])).toEqual([
      ['bob', 'stats.rank-changed', 'ann rose to #3 on kills-weekly'],
      ['cat', 'stats.rank-changed', 'ann rose to #3 on kills-weekly'],
    ]);
  });
});
