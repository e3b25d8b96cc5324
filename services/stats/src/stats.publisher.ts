import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InvalidRecord } from '@tandem/platform';
import { MatchBoard, TOPICS, TopicEvent, aggregateKey } from '@tandem/contracts';
import { EVENT_BUS, EventBus, LOGGER, Logger } from '@tandem/platform';
import { randomUUID } from 'node:crypto';
import type { BatchOutcome } from './ingest/stats-ingest.service';
import { StatsMetrics } from './stats.metrics';

/** At most one board update per match per this many ms (~10 per second). */
export const BOARD_INTERVAL_MS = 100;

type StatsEvent = TopicEvent<typeof TOPICS.statsEvents>;

/**
 * Publishes what the stats service learnt to `stats.events.v1`. Board updates are coalesced per
 * match: the first goes out at once, later ones within {@link BOARD_INTERVAL_MS} wait and only the
 * latest board is sent. Records broken and rank changes go out as they come.
 */
@Injectable()
export class StatsPublisher implements OnApplicationShutdown {
  private readonly boards = new Map<string, { last: number; pending?: { tenant: string; board: MatchBoard }; timer?: ReturnType<typeof setTimeout> }>();

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: StatsMetrics,
  ) {}

  /** Hands board updates to the coalescer: sent at once unless the match had one within the interval. */
  publishBoards(boards: BatchOutcome['boards']): void {
    for (const b of boards) this.board(b.tenant, b.board);
  }

  /** Publishes the outcome of an applied batch. */
  async publish(outcome: BatchOutcome): Promise<void> {
    this.publishBoards(outcome.boards);
    const records = [
      ...outcome.records.map((r) => ({ key: aggregateKey(r.tenant, `player:${r.playerId}`), event: this.event(r.tenant, 'tandem.stats.record.broken', { playerId: r.playerId, stat: r.stat, value: r.value, previous: r.previous, matchId: r.matchId }) })),
      ...outcome.ranks.map((r) => ({ key: aggregateKey(r.tenant, `player:${r.playerId}`), event: this.event(r.tenant, 'tandem.stats.rank.changed', { boardId: r.boardId, period: r.period, playerId: r.playerId, rank: r.rank, previousRank: r.previousRank, score: r.score }) })),
    ];
    if (records.length > 0) await this.send(records);
  }

  /** Sends an invalid ingested record to the dead-letter topic with its error and original bytes. */
  async deadLetter(record: InvalidRecord): Promise<void> {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(record.headers ?? {})) if (v !== undefined) headers[k] = v;
    const tenant = /^[A-Za-z0-9_.:-]{1,128}$/.test(headers.tenant ?? '') ? headers.tenant : 'unknown';
    const event: TopicEvent<typeof TOPICS.statsIngestDlq> = {
      id: randomUUID(),
      type: 'tandem.stats.ingest.rejected',
      source: '/stats',
      specversion: '1.0',
      time: new Date().toISOString(),
      tenant,
      data: {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        key: record.key,
        error: { code: (record.error as { code?: string }).code ?? 'INVALID_EVENT', message: record.error.message },
        headers,
        value: record.value ? record.value.toString('base64') : null,
      },
    };
    await this.bus.publish(TOPICS.statsIngestDlq, [{ key: record.key ?? `${tenant}/unknown`, event }]);
    this.metrics.deadLettered.inc();
  }

  async onApplicationShutdown(): Promise<void> {
    const pending = [...this.boards.values()].filter((b) => b.pending);
    for (const b of this.boards.values()) clearTimeout(b.timer);
    this.boards.clear();
    await Promise.all(pending.map((b) => this.sendBoard(b.pending!.tenant, b.pending!.board)));
  }

  private board(tenant: string, board: MatchBoard): void {
    const key = aggregateKey(tenant, board.matchId);
    const now = Date.now();
    let state = this.boards.get(key);
    if (!state) this.boards.set(key, (state = { last: 0 }));
    if (!state.timer && now - state.last >= BOARD_INTERVAL_MS) {
      state.last = now;
      void this.sendBoard(tenant, board);
      return;
    }
    state.pending = { tenant, board };
    if (state.timer) return;
    const s = state;
    s.timer = setTimeout(() => {
      s.timer = undefined;
      s.last = Date.now();
      const p = s.pending;
      s.pending = undefined;
      if (p) void this.sendBoard(p.tenant, p.board);
      if (!s.pending) this.boards.delete(key);
    }, Math.max(0, state.last + BOARD_INTERVAL_MS - now));
  }

  private async sendBoard(tenant: string, board: MatchBoard): Promise<void> {
    try {
      await this.send([{ key: aggregateKey(tenant, `match:${board.matchId}`), event: this.event(tenant, 'tandem.stats.board.updated', { board }) }]);
    } catch (error) {
      // The next update carries the whole board again; readers can also GET it.
      this.logger.warn({ err: error, matchId: board.matchId }, 'could not publish a board update');
    }
  }

  private async send(records: Array<{ key: string; event: StatsEvent }>): Promise<void> {
    await this.bus.publish(TOPICS.statsEvents, records);
    for (const r of records) this.metrics.published.inc({ type: r.event.type });
  }

  private event<E extends StatsEvent['type']>(tenant: string, type: E, data: Extract<StatsEvent, { type: E }>['data']): StatsEvent {
    return { id: randomUUID(), type, source: '/stats', specversion: '1.0', time: new Date().toISOString(), tenant, data } as StatsEvent;
  }
}
