import { Inject, Injectable } from '@nestjs/common';
import type { Notification, NotificationWebhookPayload } from '@tandem/contracts';
import { LOGGER, Logger } from '@tandem/platform';
import { NotificationMetrics } from '../notifications.metrics';
import { NOTIFICATION_STORE, NotificationStore } from '../store/notification-store.port';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './webhook-signature';

const ATTEMPTS = 3;

/**
 * The outgoing webhook of a tenant (optional): every pushed notification is POSTed as JSON, signed
 * with HMAC-SHA256, so partner systems can forward it to e-mail or mobile push. Retried a few times
 * with backoff; a receiver that stays down loses nothing from the inbox itself.
 */
@Injectable()
export class WebhookRepository {
  constructor(
    @Inject(NOTIFICATION_STORE) private readonly store: NotificationStore,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: NotificationMetrics,
  ) {}

  async send(tenant: string, notifications: ReadonlyArray<Notification & { published?: boolean }>): Promise<void> {
    if (!notifications.length) return;
    const hook = await this.store.webhook(tenant);
    if (!hook?.enabled) return;
    await Promise.all(
      notifications.map(async ({ published: _p, ...notification }) => {
        const payload: NotificationWebhookPayload = { tenant, notification, deliveredAt: new Date().toISOString() };
        await this.post(hook.url, hook.secret, JSON.stringify(payload));
      }),
    );
  }

  private async post(url: string, secret: string, body: string): Promise<void> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const timestamp = Math.floor(Date.now() / 1000);
      try {
        const res = await fetch(url, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body) },
          signal: AbortSignal.timeout(5_000),
        });
        if (res.ok) {
          this.metrics.webhookCalls.inc({ outcome: 'ok' });
          return;
        }
        if (res.status < 500 && res.status !== 429) {
          this.metrics.webhookCalls.inc({ outcome: 'refused' });
          this.logger.warn({ url, status: res.status }, 'the notification webhook refused a call; fix the receiver');
          return;
        }
      } catch {
        // down or slow: retried below
      }
      this.metrics.webhookCalls.inc({ outcome: 'retry' });
      if (attempt < ATTEMPTS) await new Promise((r) => setTimeout(r, 200 * 4 ** (attempt - 1)));
    }
    this.metrics.webhookCalls.inc({ outcome: 'failed' });
    this.logger.warn({ url }, `the notification webhook failed ${ATTEMPTS} times; the notification stays in the inbox`);
  }
}
