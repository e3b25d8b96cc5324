import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TOPICS } from '@tandem/contracts';
import { EVENT_BUS, EventBus, Subscription } from '@tandem/platform';
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
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
