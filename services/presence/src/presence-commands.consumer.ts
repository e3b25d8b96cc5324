import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TOPICS } from '@tandem/contracts';
import { EVENT_BUS, EventBus, LOGGER, Logger, Subscription } from '@tandem/platform';
import { PresenceService } from './presence.service';

/**
 * Consumes `presence.commands.v1` in the `presence` group (validated by the bus). A new group starts
 * at the end of the topic: presence is ephemeral, and commands older than a TTL describe nothing live.
 */
@Injectable()
export class PresenceCommandsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly presence: PresenceService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      groupId: 'presence',
      topics: [TOPICS.presenceCommands],
      fromBeginning: false,
      handleBatch: (batch) => this.presence.apply(batch.records.map((r) => r.event)),
    });
    this.logger.info('consuming presence.commands.v1');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
