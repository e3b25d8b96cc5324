import { Injectable } from '@nestjs/common';
import { Metrics } from '@tandem/platform';
import { Counter, Histogram } from 'prom-client';

/** The chat service's own metrics, on the process registry (`/metrics`). */
@Injectable()
export class ChatMetrics {
  readonly messages: Counter;
  readonly rejected: Counter;
  readonly commandLatency: Histogram;
  readonly catchupSize: Histogram;

  constructor(metrics: Metrics) {
    const registers = [metrics.registry];
    this.messages = new Counter({ name: 'tandem_chat_messages_total', help: 'Message changes applied, by kind (post, edit, delete, reaction, pin)', labelNames: ['kind'], registers });
    this.rejected = new Counter({ name: 'tandem_chat_commands_rejected_total', help: 'Chat commands refused by the chat service, by code', labelNames: ['code'], registers });
    this.commandLatency = new Histogram({
      name: 'tandem_chat_command_seconds',
      help: 'From a chat command being published by the gateway to its change being published by the chat service',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.catchupSize = new Histogram({ name: 'tandem_chat_catchup_changes', help: 'Changes returned by one catch-up read', buckets: [0, 1, 5, 10, 50, 100, 500, 1000], registers });
  }
}
