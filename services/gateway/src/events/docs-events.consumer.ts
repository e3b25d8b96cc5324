import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TOPICS, roomOf } from '@tandem/contracts';
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
          this.rooms.emit(roomOf(event.tenant, { kind: 'doc', id: event.data.docId }), { type: 'doc.counter.changed', ...event.data });
          this.metrics.messagesOut.inc({ type: 'doc.counter.changed' });
          this.metrics.fanoutLatency.observe({ type: 'doc.counter.changed' }, (Date.now() - Date.parse(event.time)) / 1000);
        }
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
