import { Injectable } from '@nestjs/common';
import { Metrics } from '@tandem/platform';
import { Counter, Histogram } from 'prom-client';

/** The notifications service's own metrics, on the process registry (`/metrics`). */
@Injectable()
export class NotificationMetrics {
  readonly created: Counter;
  readonly suppressed: Counter;
  readonly published: Counter;
  readonly latency: Histogram;
  readonly webhookCalls: Counter;

  constructor(metrics: Metrics) {
    const registers = [metrics.registry];
    this.created = new Counter({ name: 'tandem_notifications_created_total', help: 'Notifications stored, by type', labelNames: ['type'], registers });
    this.suppressed = new Counter({
      name: 'tandem_notifications_suppressed_total',
      help: 'Notifications not created or not pushed, by reason (muted, type_off, no_access, do_not_disturb)',
      labelNames: ['reason'],
      registers,
    });
    this.published = new Counter({ name: 'tandem_notifications_published_total', help: 'Notifications published to the gateways for delivery', registers });
    this.latency = new Histogram({
      name: 'tandem_notification_publish_seconds',
      help: 'From the source event to its notification being published to the gateways',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.webhookCalls = new Counter({ name: 'tandem_notification_webhook_calls_total', help: 'Outgoing webhook calls, by outcome', labelNames: ['outcome'], registers });
  }
}
