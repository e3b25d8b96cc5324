import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TOPICS, TopicEvent } from '@tandem/contracts';
import { EVENT_BUS, EventBus, Subscription } from '@tandem/platform';
import { SourcesService } from './sources.service';

/** The consumer group of the notifications service (instances share it and split the partitions). */
export const NOTIFICATIONS_GROUP = 'notifications';

/** The topics notifications come from. A new source is one more topic here and a mapping. */
export const SOURCE_TOPICS = [TOPICS.chatEvents, TOPICS.acl, TOPICS.docsEvents, TOPICS.statsEvents] as const;
type SourceTopic = (typeof SOURCE_TOPICS)[number];

/**
 * Reads the domain events notifications come from, one partition's batch in order; the offsets are
 * committed only after every notification of the batch is stored and published, so a crash
 * redelivers and the idempotency keys make the redelivery create nothing twice.
 */
@Injectable()
export class SourceEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly sources: SourcesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe<SourceTopic>({
      groupId: NOTIFICATIONS_GROUP,
      topics: SOURCE_TOPICS,
      handleBatch: async ({ records }) => {
        for (const { event } of records) await this.sources.handle(event as TopicEvent<SourceTopic>);
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
