import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TOPICS } from '@tandem/contracts';
import { EVENT_BUS, EventBus, LOGGER, Logger, Metrics, Subscription } from '@tandem/platform';
import { gatewayGroup } from '../events/gateway-group';
import { AccessService } from './access.service';

/**
 * Every gateway reads every `acl.v1` change, in a consumer group of its own (the sockets a change
 * concerns may be on any gateway), starting from now: what it needs from before, it loads on demand.
 */
@Injectable()
export class AclConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly access: AccessService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      groupId: gatewayGroup('acl'),
      topics: [TOPICS.acl],
      fromBeginning: false,
      handleBatch: async ({ records }) => {
        for (const { event } of records) this.access.onAclChanged(event.tenant, event.data, Date.parse(event.time));
      },
      onInvalid: (record) => {
        this.metrics.invalidRecords.inc({ topic: record.topic });
        this.logger.error({ err: record.error, offset: record.offset }, 'skipped an invalid ACL event');
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
