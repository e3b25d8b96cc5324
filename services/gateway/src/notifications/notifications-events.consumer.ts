import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TOPICS, chatUserRoom } from '@tandem/contracts';
import { EVENT_BUS, EventBus, Metrics, Subscription } from '@tandem/platform';
import { Counter, Histogram } from 'prom-client';
import { gatewayGroup } from '../events/gateway-group';
import { RoomEmitterRepository } from '../events/room-emitter.repository';

/**
 * Turns `notifications.events.v1` into emits to every socket of the user on this gateway (the user
 * room every socket joins on connect), in a consumer group of its own like every gateway reader.
 */
@Injectable()
export class NotificationsEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;
  private readonly delivered: Counter;
  private readonly latency: Histogram;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly metrics: Metrics,
    private readonly rooms: RoomEmitterRepository,
  ) {
    const registers = [metrics.registry];
    this.delivered = new Counter({ name: 'tandem_notifications_delivered_total', help: 'Notifications emitted to the user room on this gateway', registers });
    this.latency = new Histogram({
      name: 'tandem_notification_delivery_seconds',
      help: 'From the source event (a chat message, a grant...) to its notification being emitted to the user',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      groupId: gatewayGroup('notifications'),
      topics: [TOPICS.notificationsEvents],
      handleBatch: async ({ records }) => {
        for (const { event } of records) {
          const room = chatUserRoom(event.tenant, event.data.userId);
          if (event.type === 'tandem.notifications.created') {
            const { notification, unread } = event.data;
            this.rooms.emit(room, { type: 'notification', notification, unread });
            this.delivered.inc();
            this.latency.observe(Math.max(0, Date.now() - Date.parse(notification.sourceTime)) / 1000);
          } else {
            const { userId: _u, ...change } = event.data;
            this.rooms.emit(room, { type: 'notifications.changed', ...change });
          }
          this.metrics.messagesOut.inc({ type: event.type });
        }
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
