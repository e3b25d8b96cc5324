import { Inject, Injectable } from '@nestjs/common';
import { FollowTarget, NotificationPreferences, NotificationsRequest, NotificationsResponses, TOPICS, TopicEvent, aggregateKey } from '@tandem/contracts';
import { EVENT_BUS, EventBus, SERVICE_NAME } from '@tandem/platform';
import { randomUUID } from 'node:crypto';
import { NOTIFICATION_STORE, NotificationStore, WebhookSettings } from './store/notification-store.port';

type Answer = NotificationsResponses[keyof NotificationsResponses];

/**
 * One user's inbox: pages, catch-up since a seq, unread count, read marks, deletion and
 * preferences. A change of the unread count is published (keyed by user) so every device's badge
 * follows.
 */
@Injectable()
export class InboxService {
  constructor(
    @Inject(NOTIFICATION_STORE) private readonly store: NotificationStore,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  async handle(tenant: string, userId: string, request: NotificationsRequest): Promise<Answer> {
    const now = new Date();
    switch (request.type) {
      case 'notifications.list': {
        const page = await this.store.list(tenant, userId, { beforeSeq: request.beforeSeq, limit: request.limit + 1, unreadOnly: request.unreadOnly });
        return { notifications: page.slice(0, request.limit), hasMore: page.length > request.limit, unread: await this.store.unreadCount(tenant, userId) };
      }
      case 'notifications.since': {
        const page = await this.store.since(tenant, userId, request.sinceSeq, request.limit + 1);
        const notifications = page.slice(0, request.limit);
        return { notifications, complete: page.length <= request.limit, latestSeq: notifications.at(-1)?.seq ?? request.sinceSeq, unread: await this.store.unreadCount(tenant, userId) };
      }
      case 'notifications.unread':
        return { unread: await this.store.unreadCount(tenant, userId) };
      case 'notifications.read': {
        const changed = await this.store.markRead(tenant, userId, request.notificationId, now);
        const unread = await this.store.unreadCount(tenant, userId);
        if (changed) await this.changed(tenant, userId, { readIds: [request.notificationId], allRead: false, deletedIds: [], unread });
        return { changed, unread };
      }
      case 'notifications.read-all': {
        const changed = await this.store.markAllRead(tenant, userId, now);
        const unread = await this.store.unreadCount(tenant, userId);
        if (changed) await this.changed(tenant, userId, { readIds: [], allRead: true, deletedIds: [], unread });
        return { changed, unread };
      }
      case 'notifications.delete': {
        const deleted = await this.store.delete(tenant, userId, request.notificationId);
        const unread = await this.store.unreadCount(tenant, userId);
        if (deleted) await this.changed(tenant, userId, { readIds: [], allRead: false, deletedIds: [request.notificationId], unread });
        return { deleted, unread };
      }
      case 'notifications.preferences':
        return { preferences: await this.preferences(tenant, userId) };
      case 'notifications.preferences.set': {
        const { type: _t, ...changes } = request;
        const preferences = { ...(await this.preferences(tenant, userId)), ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
        await this.store.savePreferences(tenant, userId, preferences);
        return { preferences };
      }
      case 'notifications.mute': {
        const current = await this.preferences(tenant, userId);
        const others = current.muted.filter((m) => m.kind !== request.scope.kind || m.id !== request.scope.id);
        const preferences = { ...current, muted: request.muted ? [...others, request.scope] : others };
        await this.store.savePreferences(tenant, userId, preferences);
        return { preferences };
      }
      case 'notifications.follow':
        await this.store.setFollow(tenant, userId, `${request.target.kind}:${request.target.id}`, request.following);
        return { following: await this.following(tenant, userId) };
      case 'notifications.following':
        return { following: await this.following(tenant, userId) };
    }
  }

  private async following(tenant: string, userId: string): Promise<FollowTarget[]> {
    return (await this.store.following(tenant, userId)).map((t) => {
      const [kind, ...id] = t.split(':');
      return { kind: kind as FollowTarget['kind'], id: id.join(':') };
    });
  }

  /** Sets (or removes, with `null`) the tenant's outgoing webhook. */
  async setWebhook(tenant: string, settings: WebhookSettings | null): Promise<void> {
    await this.store.saveWebhook(tenant, settings);
  }

  private async preferences(tenant: string, userId: string): Promise<NotificationPreferences> {
    return (await this.store.preferences(tenant, [userId])).get(userId)!;
  }

  private async changed(tenant: string, userId: string, data: Omit<Extract<TopicEvent<typeof TOPICS.notificationsEvents>, { type: 'tandem.notifications.changed' }>['data'], 'userId'>): Promise<void> {
    const event: TopicEvent<typeof TOPICS.notificationsEvents> = {
      id: randomUUID(),
      type: 'tandem.notifications.changed',
      source: `/${this.service}`,
      specversion: '1.0',
      time: new Date().toISOString(),
      tenant,
      data: { userId, ...data },
    };
    await this.bus.publish(TOPICS.notificationsEvents, [{ key: aggregateKey(tenant, userId), event }]);
  }
}
