import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ServerEvent, TOPICS, roomOf } from '@tandem/contracts';
import { EVENT_BUS, EventBus, Metrics, Subscription } from '@tandem/platform';
import { RoomEmitterRepository } from './room-emitter.repository';
import { gatewayGroup } from './gateway-group';

/**
 * Turns `docs.events.v1` into emits to this gateway's sockets. Each gateway reads every event in a
 * consumer group of its own: were they to share one, a crashed gateway's partitions would wait for
 * its Kafka session to time out and stall deliveries for everyone meanwhile.
 */
@Injectable()
export class DocsEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly metrics: Metrics,
    private readonly rooms: RoomEmitterRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      groupId: gatewayGroup('docs'),
      topics: [TOPICS.docsEvents],
      handleBatch: async ({ records }) => {
        for (const { event } of records) {
          const room = roomOf(event.tenant, { kind: 'doc', id: event.data.docId });
          let type: ServerEvent['type'];
          switch (event.type) {
            case 'tandem.docs.counter.changed':
              this.rooms.emit(room, { type: (type = 'doc.counter.changed'), ...event.data });
              break;
            case 'tandem.docs.doc.merged':
              this.rooms.emit(room, { type: (type = 'doc.merged'), ...event.data });
              break;
            case 'tandem.docs.doc.rejected':
              this.rooms.emit(room, { type: (type = 'doc.rejected'), ...event.data });
              break;
            case 'tandem.docs.card.assigned':
              continue; // for the notifications service; the room sees the change itself in doc.merged
          }
          this.metrics.messagesOut.inc({ type });
          this.metrics.fanoutLatency.observe({ type }, (Date.now() - Date.parse(event.time)) / 1000);
        }
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
