import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TOPICS } from '@tandem/contracts';
import { EVENT_BUS, EventBus, LOGGER, Logger, Subscription } from '@tandem/platform';
import { ChatCommandsService } from './commands/chat-commands.service';

/** The chat service's consumer group: instances split the partitions, so each channel has one writer. */
export const CHAT_GROUP = 'chat';

/**
 * Consumes `chat.commands.v1` (validated by the bus against the contract) one partition's batch at
 * a time; the offsets are committed only after every change of the batch is stored and published.
 */
@Injectable()
export class ChatCommandsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly commands: ChatCommandsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      groupId: CHAT_GROUP,
      topics: [TOPICS.chatCommands],
      handleBatch: (batch) => this.commands.apply(batch.records.map((r) => r.event)),
    });
    this.logger.info('consuming chat.commands.v1');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
