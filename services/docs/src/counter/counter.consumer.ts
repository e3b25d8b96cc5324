import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TOPICS } from '@tandem/contracts';
import { EVENT_BUS, EventBus, LOGGER, Logger, Metrics, Subscription } from '@tandem/platform';
import { CounterService } from './counter.service';

/** Consumes `docs.commands.v1` in the `docs` group: one partition's batch at a time into the service. */
@Injectable()
export class CounterConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly counters: CounterService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      groupId: 'docs',
      topics: [TOPICS.docsCommands],
      fromBeginning: true,
      handleBatch: (batch) => this.counters.applyCommands(batch.records),
      onInvalid: (record) => {
        this.metrics.invalidRecords.inc({ topic: record.topic });
        this.logger.error({ err: record.error, topic: record.topic, partition: record.partition, offset: record.offset }, 'skipped an invalid command');
      },
    });
    this.logger.info('consuming docs.commands.v1');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
