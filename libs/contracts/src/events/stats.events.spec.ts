import { validateEvent } from '../envelope';
import { TOPICS } from '../topics';
import { STATS_EXAMPLES, StatsDeadLetterSchemas, StatsEventSchemas, StatsIngestSchemas } from './stats.events';

const envelope = (type: string, data: unknown) => ({ id: 'e-1', type, source: '/partner', specversion: '1.0', time: '2026-05-01T18:00:00.000Z', tenant: 'acme', data });

describe('stats contracts', () => {
  const topics = [
    [TOPICS.statsIngest, StatsIngestSchemas],
    [TOPICS.statsEvents, StatsEventSchemas],
    [TOPICS.statsIngestDlq, StatsDeadLetterSchemas],
  ] as const;

  it.each(topics)('documents a valid example of every event type of %s', (topic, schemas) => {
    for (const type of Object.keys(schemas)) {
      expect(STATS_EXAMPLES[type]).toBeDefined();
      expect(() => validateEvent(topic, envelope(type, STATS_EXAMPLES[type]))).not.toThrow();
    }
  });

  it('names the offending field of an invalid stat event', () => {
    const bad = { matchId: 'm-1', seq: 1, at: '2026-05-01T18:00:00.000Z', playerId: 'ann', stats: { kills: 'one' } };
    expect(() => validateEvent(TOPICS.statsIngest, envelope('tandem.stats.player.stats', bad))).toThrow(/stats\.kills/);
  });

  it('refuses a stat event without a sequence', () => {
    const bad = { matchId: 'm-1', at: '2026-05-01T18:00:00.000Z', playerId: 'ann', stats: { kills: 1 } };
    expect(() => validateEvent(TOPICS.statsIngest, envelope('tandem.stats.player.stats', bad))).toThrow(/seq/);
  });
});
