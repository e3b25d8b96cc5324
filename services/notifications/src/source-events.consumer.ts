import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TOPICS, TopicEvent } from '@tandem/contracts';
import { EVENT_BUS, EventBus, Subscription } from '@tandem/platform';
import { mapLimit } from './map-limit';
import { SourcesService } from './sources.service';

/** The consumer group of the notifications service (instances share it and split the partitions). */
export const NOTIFICATIONS_GROUP = 'notifications';

/** The topics notifications come from. A new source is one more topic here and a mapping. */
export const SOURCE_TOPICS = [TOPICS.chatEvents, TOPICS.acl, TOPICS.docsEvents, TOPICS.statsEvents] as const;
type SourceTopic = (typeof SOURCE_TOPICS)[number];

/** Aggregates (record keys) of one batch handled at once. */
const KEYS_AT_ONCE = 8;

/**
 * Reads the domain events notifications come from; the offsets are committed only after every
 * notification of the batch is stored and published, so a crash redelivers and the idempotency
 * keys make the redelivery create nothing twice. Within a batch, each aggregate's records (one
 * channel's, one document's ACL versions) are handled in order, and different aggregates side by
 * side: nothing depends on the order across aggregates, and one event's store round trips need not
 * wait for another's.
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
        const byKey = new Map<string, Array<TopicEvent<SourceTopic>>>();
        for (const { key, event } of records) byKey.set(key, [...(byKey.get(key) ?? []), event as TopicEvent<SourceTopic>]);
        await mapLimit([...byKey.values()], KEYS_AT_ONCE, async (events) => {
          for (const event of events) await this.sources.handle(event);
        });
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
