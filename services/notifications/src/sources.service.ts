import { Inject, Injectable } from '@nestjs/common';
import { TOPICS, TopicEvent } from '@tandem/contracts';
import { NotifyService } from './notify.service';
import { mapAclChange, nextAclSnapshot } from './sources/acl.mapping';
import { CardAssigned, mapCardAssigned } from './sources/card.mapping';
import { mapChatEvent } from './sources/chat.mapping';
import { mapStatsEvent, statsTargetsOf } from './sources/stats.mapping';
import { NOTIFICATION_STORE, NotificationStore } from './store/notification-store.port';

type SourceEvent = TopicEvent<typeof TOPICS.chatEvents> | TopicEvent<typeof TOPICS.acl> | TopicEvent<typeof TOPICS.docsEvents> | TopicEvent<typeof TOPICS.statsEvents>;

/** Routes each source event to its mapping and hands the candidates to {@link NotifyService}. */
@Injectable()
export class SourcesService {
  constructor(
    @Inject(NOTIFICATION_STORE) private readonly store: NotificationStore,
    private readonly notify: NotifyService,
  ) {}

  async handle(event: SourceEvent): Promise<void> {
    const source = { tenant: event.tenant, eventId: event.id, time: event.time };
    if (event.type.startsWith('tandem.chat.')) return void (await this.notify.deliver(source, mapChatEvent(event as TopicEvent<typeof TOPICS.chatEvents>)));
    switch (event.type as string) {
      case 'tandem.acl.changed': {
        const acl = (event as TopicEvent<typeof TOPICS.acl>).data;
        const resourceId = `${acl.resource.kind}:${acl.resource.id}`;
        const stored = await this.store.acl(event.tenant, resourceId);
        const snapshot = nextAclSnapshot(stored, acl);
        if (!snapshot) return; // an older version than one already seen
        if (snapshot !== stored) await this.store.saveAcl(event.tenant, resourceId, snapshot);
        await this.notify.deliver(source, mapAclChange(snapshot));
        return;
      }
      case 'tandem.stats.record.broken':
      case 'tandem.stats.rank.changed': {
        const stats = event as TopicEvent<typeof TOPICS.statsEvents>;
        const followers = await this.store.followers(event.tenant, statsTargetsOf(stats));
        await this.notify.deliver(source, mapStatsEvent(stats, followers));
        return;
      }
      case 'tandem.docs.card.assigned':
        await this.notify.deliver(source, mapCardAssigned(event.data as unknown as CardAssigned));
        return;
    }
  }
}
