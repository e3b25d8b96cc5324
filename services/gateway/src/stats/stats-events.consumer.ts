import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TOPICS, roomOf } from '@tandem/contracts';
import { EVENT_BUS, EventBus, Metrics, Subscription } from '@tandem/platform';
import { gatewayGroup } from '../events/gateway-group';
import { RoomEmitterRepository } from '../events/room-emitter.repository';

/**
 * Turns `stats.events.v1` into emits to the rooms of watched matches and leaderboards on this gateway (in a consumer
 * group of its own, like every gateway reader). Boards arrive already coalesced by the stats service.
 */
@Injectable()
export class StatsEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;
  /** The match a player's latest board update came from, to route a record broken to its watchers. */
  private readonly lastMatchOf = new Map<string, string>();

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly metrics: Metrics,
    private readonly rooms: RoomEmitterRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      groupId: gatewayGroup('stats'),
      topics: [TOPICS.statsEvents],
      handleBatch: async ({ records }) => {
        for (const { event } of records) {
          switch (event.type) {
            case 'tandem.stats.board.updated':
              this.rooms.emit(roomOf(event.tenant, { kind: 'match', id: event.data.board.matchId }), { type: 'stats.board', board: event.data.board });
              this.metrics.messagesOut.inc({ type: 'stats.board' });
              this.metrics.fanoutLatency.observe({ type: 'stats.board' }, (Date.now() - Date.parse(event.time)) / 1000);
              break;
            case 'tandem.stats.record.broken': {
              const { matchId, playerId, stat, value, previous } = event.data;
              this.rooms.emit(roomOf(event.tenant, { kind: 'match', id: matchId }), { type: 'stats.record', matchId, playerId, stat, value, previous });
              this.metrics.messagesOut.inc({ type: 'stats.record' });
              break;
            }
            case 'tandem.stats.rank.changed': {
              const { boardId, period, playerId, rank, previousRank, score } = event.data;
              this.rooms.emit(roomOf(event.tenant, { kind: 'leaderboard', id: boardId }), { type: 'stats.rank', boardId, period, playerId, rank, previousRank, score });
              this.metrics.messagesOut.inc({ type: 'stats.rank' });
              break;
            }
          }
        }
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
