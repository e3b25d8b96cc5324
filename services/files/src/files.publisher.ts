import { Inject, Injectable } from '@nestjs/common';
import { EventDataOf, EventTypeOf, TOPICS, TopicEvent, aggregateKey } from '@tandem/contracts';
import { EVENT_BUS, EventBus, SERVICE_NAME, currentTraceparent } from '@tandem/platform';
import { randomUUID } from 'node:crypto';

type Events = typeof TOPICS.filesEvents;

/** Publishes `files.events.v1`, keyed by file id (so one file's events stay in order). */
@Injectable()
export class FilesPublisher {
  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  async publish<E extends EventTypeOf<Events>>(tenant: string, fileId: string, type: E, data: EventDataOf<Events, E>): Promise<void> {
    const traceparent = currentTraceparent();
    const event = {
      id: randomUUID(),
      type,
      source: `/${this.service}`,
      specversion: '1.0',
      time: new Date().toISOString(),
      tenant,
      ...(traceparent ? { traceparent } : {}),
      data,
    } as TopicEvent<Events>;
    await this.bus.publish(TOPICS.filesEvents, [{ key: aggregateKey(tenant, fileId), event }]);
  }
}
