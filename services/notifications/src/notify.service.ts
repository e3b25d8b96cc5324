import { Inject, Injectable } from '@nestjs/common';
import { NotificationPreferences, TOPICS, TopicEvent, aggregateKey } from '@tandem/contracts';
import { EVENT_BUS, EventBus, LOGGER, Logger, SERVICE_NAME } from '@tandem/platform';
import { createHash, randomUUID } from 'node:crypto';
import { mapLimit } from './map-limit';
import { NotificationMetrics } from './notifications.metrics';
import { canRead } from './sources/acl.mapping';
import { Candidate } from './sources/candidate';
import { NOTIFICATION_STORE, NotificationStore, StoredNotification } from './store/notification-store.port';
import { WebhookRepository } from './webhook/webhook.repository';

/** Stores at most this many notifications at once (one source event can notify a whole channel). */
const CONCURRENCY = 16;

export type Source = { tenant: string; eventId: string; time: string };

/** Why a candidate was dropped before (or instead of) delivery. */
export type Suppression = 'muted' | 'type_off' | 'no_access';

/** Whether preferences drop a candidate: a muted channel, document or thread, or the type switched off. */
export function suppressionOf(candidate: Candidate, prefs: NotificationPreferences): Suppression | null {
  if (prefs.disabledTypes.includes(candidate.type)) return 'type_off';
  if (candidate.scopes.some((s) => prefs.muted.some((m) => m.kind === s.kind && m.id === s.id))) return 'muted';
  return null;
}

/** The id of a user's notification of a source: the same source always gives the same id. */
export function notificationIdOf(tenant: string, userId: string, idempotencyKey: string): string {
  return `n_${createHash('sha256').update(`${tenant}\n${userId}\n${idempotencyKey}`).digest('hex').slice(0, 32)}`;
}

/**
 * Turns candidates into notifications: drops those of users who cannot read the source or who muted
 * it or switched the type off, stores the rest idempotently, and publishes each new one to
 * `notifications.events.v1` (keyed by user) with the user's unread count, unless the user is in
 * do-not-disturb (then it waits in the inbox). A notification stored but not yet published (a crash
 * in between) is published when its source event is redelivered.
 */
@Injectable()
export class NotifyService {
  constructor(
    @Inject(NOTIFICATION_STORE) private readonly store: NotificationStore,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: NotificationMetrics,
    private readonly webhooks: WebhookRepository,
  ) {}

  async deliver(source: Source, candidates: readonly Candidate[]): Promise<StoredNotification[]> {
    if (!candidates.length) return [];
    const { tenant } = source;
    const readable = await this.readable(tenant, candidates);
    const prefs = await this.store.preferences(tenant, [...new Set(readable.map((c) => c.userId))]);
    const wanted = readable.filter((c) => {
      const reason = suppressionOf(c, prefs.get(c.userId)!);
      if (reason) this.metrics.suppressed.inc({ reason });
      return !reason;
    });
    const now = new Date();
    const stored = await mapLimit(wanted, CONCURRENCY, async (c) => {
      const { requiresDoc: _r, ...rest } = c;
      const result = await this.store.insert(tenant, { ...rest, notificationId: notificationIdOf(tenant, c.userId, c.idempotencyKey), sourceTime: source.time }, now);
      if (result.created) this.metrics.created.inc({ type: c.type });
      return result;
    });
    const pending = stored.filter((r) => !r.notification.published).map((r) => r.notification);
    const quiet = pending.filter((n) => prefs.get(n.userId)!.doNotDisturb);
    const push = pending.filter((n) => !prefs.get(n.userId)!.doNotDisturb);
    if (quiet.length) this.metrics.suppressed.inc({ reason: 'do_not_disturb' }, quiet.length);
    const counted = new Map(stored.filter((r) => r.unread !== undefined).map((r) => [r.notification.notificationId, r.unread!]));
    await this.publish(tenant, push, counted);
    await this.store.markPublished(tenant, pending);
    void this.webhooks.send(tenant, push).catch((error: unknown) => this.logger.warn({ err: error, tenant }, 'notification webhook failed'));
    return pending;
  }

  /** `counted`: the unread count the store gave with each notification it just created. */
  private async publish(tenant: string, notifications: StoredNotification[], counted: ReadonlyMap<string, number>): Promise<void> {
    if (!notifications.length) return;
    // One count per user: a fresh one for notifications stored earlier (a redelivery after a stop).
    const uncounted = [...new Set(notifications.filter((n) => !counted.has(n.notificationId)).map((n) => n.userId))];
    const unread = new Map(await mapLimit(uncounted, CONCURRENCY, async (id) => [id, await this.store.unreadCount(tenant, id)] as const));
    for (const n of notifications) if (counted.has(n.notificationId) && !unread.has(n.userId)) unread.set(n.userId, counted.get(n.notificationId)!);
    const time = new Date().toISOString();
    await this.bus.publish(
      TOPICS.notificationsEvents,
      notifications.map(({ published: _p, ...notification }) => {
        const event: TopicEvent<typeof TOPICS.notificationsEvents> = {
          id: randomUUID(),
          type: 'tandem.notifications.created',
          source: `/${this.service}`,
          specversion: '1.0',
          time,
          tenant,
          data: { userId: notification.userId, notification, unread: unread.get(notification.userId)! },
        };
        return { key: aggregateKey(tenant, notification.userId), event };
      }),
    );
    this.metrics.published.inc(notifications.length);
    for (const n of notifications) this.metrics.latency.observe(Math.max(0, Date.now() - Date.parse(n.sourceTime)) / 1000);
  }

  /** Drops candidates for documents the user cannot read (by the last ACL seen on `acl.v1`). */
  private async readable(tenant: string, candidates: readonly Candidate[]): Promise<Candidate[]> {
    const docs = [...new Set(candidates.map((c) => c.requiresDoc).filter((d): d is string => d !== null))];
    const acls = new Map(await Promise.all(docs.map(async (d) => [d, (await this.store.acl(tenant, `doc:${d}`))?.current ?? null] as const)));
    return candidates.filter((c) => {
      const ok = c.requiresDoc === null || canRead(acls.get(c.requiresDoc) ?? null, c.userId);
      if (!ok) this.metrics.suppressed.inc({ reason: 'no_access' });
      return ok;
    });
  }
}
