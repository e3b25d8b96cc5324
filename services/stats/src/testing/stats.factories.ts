import { TOPICS, TopicEvent, aggregateKey } from '@tandem/contracts';
import { randomUUID } from 'node:crypto';
import type { IngestEvent } from '../domain/match-state';

type Ingest = TopicEvent<typeof TOPICS.statsIngest>;
type DataOf<E extends Ingest['type']> = Extract<Ingest, { type: E }>['data'];

/** A valid ingest event of `type` (data defaults filled as the schema would). */
export function ingestEvent<E extends Ingest['type']>(tenant: string, type: E, data: Partial<DataOf<E>> & { matchId: string; seq: number }, id: string = randomUUID()): IngestEvent {
  const defaults: Record<string, unknown> = { at: '2026-05-01T10:00:00.000Z' };
  if (type === 'tandem.stats.match.scheduled') Object.assign(defaults, { title: '', season: null, startsAt: null, teams: [] });
  if (type === 'tandem.stats.player.stats') Object.assign(defaults, { teamId: null });
  if (type === 'tandem.stats.match.cancelled') Object.assign(defaults, { reason: '' });
  return { id, type, source: '/tests', specversion: '1.0', time: new Date().toISOString(), tenant, data: { ...defaults, ...data } } as IngestEvent;
}

/** A player's stat increments in a match at `at`. */
export function playerStats(tenant: string, matchId: string, seq: number, playerId: string, stats: Record<string, number>, at = '2026-05-01T10:00:00.000Z', teamId: string | null = null): IngestEvent {
  return ingestEvent(tenant, 'tandem.stats.player.stats', { matchId, seq, playerId, stats, at, teamId });
}

export const keyOf = (e: IngestEvent) => aggregateKey(e.tenant, e.data.matchId);
