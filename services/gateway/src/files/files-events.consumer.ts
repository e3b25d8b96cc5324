import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AttachmentTarget, ServerEvent, TOPICS, channelRoom, containerOf, roomOf } from '@tandem/contracts';
import { EVENT_BUS, EventBus, Metrics, Subscription } from '@tandem/platform';
import { gatewayGroup } from '../events/gateway-group';
import { RoomEmitterRepository } from '../events/room-emitter.repository';

/** The room of the document or channel a file is attached to. */
export function roomOfTarget(tenant: string, target: AttachmentTarget): string {
  const container = containerOf(target);
  return container.kind === 'doc' ? roomOf(tenant, { kind: 'doc', id: container.id }) : channelRoom(tenant, container.id);
}

/** Turns `files.events.v1` into emits to the attachment target's room on this gateway's sockets. */
@Injectable()
export class FilesEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly metrics: Metrics,
    private readonly rooms: RoomEmitterRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      groupId: gatewayGroup('files'),
      topics: [TOPICS.filesEvents],
      handleBatch: async ({ records }) => {
        for (const { event } of records) {
          let message: ServerEvent;
          let target: AttachmentTarget;
          switch (event.type) {
            case 'tandem.files.uploaded':
              message = { type: 'file.uploaded', file: event.data.file };
              target = event.data.file.target;
              break;
            case 'tandem.files.preview.ready':
              message = { type: 'file.preview.ready', file: event.data.file };
              target = event.data.file.target;
              break;
            case 'tandem.files.preview.progress':
              message = { type: 'file.preview.progress', ...event.data };
              target = event.data.target;
              break;
            case 'tandem.files.failed':
              message = { type: 'file.failed', ...event.data };
              target = event.data.target;
              break;
            case 'tandem.files.deleted':
              message = { type: 'file.deleted', ...event.data };
              target = event.data.target;
              break;
          }
          this.rooms.emit(roomOfTarget(event.tenant, target), message);
          this.metrics.messagesOut.inc({ type: message.type });
          this.metrics.fanoutLatency.observe({ type: message.type }, (Date.now() - Date.parse(event.time)) / 1000);
        }
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
