import { Inject, Injectable } from '@nestjs/common';
import { EventOfType, TOPICS, TopicEvent, aggregateKey } from '@tandem/contracts';
import { EVENT_BUS, EventBus, SERVICE_NAME } from '@tandem/platform';
import { randomUUID } from 'node:crypto';
import type { StoredChange } from './store/chat-store.port';

type Events = typeof TOPICS.chatEvents;
/** The per-user events of `chat.events.v1` (no seq: they are not part of a channel's stream). */
export type UserEvent =
  | { type: 'tandem.chat.read.changed'; data: EventOfType<Events, 'tandem.chat.read.changed'>['data'] }
  | { type: 'tandem.chat.thread.followed'; data: EventOfType<Events, 'tandem.chat.thread.followed'>['data'] }
  | { type: 'tandem.chat.command.rejected'; data: EventOfType<Events, 'tandem.chat.command.rejected'>['data'] };

/**
 * Publishes to `chat.events.v1`, keyed by channel. A stream change's event id is derived from its
 * channel and seq, so a change published again (after a crash or a redelivered command) is
 * recognisably the same event.
 */
@Injectable()
export class ChatPublisher {
  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  async publish(tenant: string, changes: readonly StoredChange[], userEvents: readonly UserEvent[] = []): Promise<void> {
    const records = [
      ...changes.map((c) => ({ key: aggregateKey(tenant, c.channelId), event: this.envelope(tenant, `${tenant}:${c.channelId}:${c.seq}`, c.event, c.time, c.data) })),
      ...userEvents.map((e) => ({ key: aggregateKey(tenant, 'channel' in e.data ? e.data.channel.channelId : e.data.channelId), event: this.envelope(tenant, randomUUID(), e.type, new Date().toISOString(), e.data) })),
    ];
    if (records.length) await this.bus.publish(TOPICS.chatEvents, records);
  }

  private envelope(tenant: string, id: string, type: string, time: string, data: unknown): TopicEvent<Events> {
    return { id, type, source: `/${this.service}`, specversion: '1.0', time, tenant, data } as TopicEvent<Events>;
  }
}
