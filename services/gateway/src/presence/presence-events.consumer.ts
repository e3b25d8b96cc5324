import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ResourceKind, ResourceRef, TOPICS, TypingPlaceRef, roomOf, userStatusRoom } from '@tandem/contracts';
import { EVENT_BUS, EventBus, Metrics, Subscription } from '@tandem/platform';
import { gatewayGroup } from '../events/gateway-group';
import { RoomEmitterRepository } from '../events/room-emitter.repository';

/** `doc:plans` → `{ kind: 'doc', id: 'plans' }`, or null for a kind this gateway does not know. */
export function resourceOfRoom(room: string): ResourceRef | null {
  const at = room.indexOf(':');
  const kind = ResourceKind.safeParse(room.slice(0, at));
  return kind.success ? { kind: kind.data, id: room.slice(at + 1) } : null;
}

/** `channel:general` or `doc:plans` → the place someone types in, or null for a kind this gateway does not know. */
export function typingPlaceOfRoom(room: string): TypingPlaceRef | null {
  const at = room.indexOf(':');
  const kind = TypingPlaceRef.shape.kind.safeParse(room.slice(0, at));
  return kind.success ? { kind: kind.data, id: room.slice(at + 1) } : null;
}

/**
 * Turns `presence.events.v1` into emits to this gateway's sockets: rosters and typing to the
 * resource's (or chat channel's) room, user statuses to the room of that user's followers. Every gateway reads every
 * event in a group of its own (see `DocsEventsConsumer` for why).
 */
@Injectable()
export class PresenceEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly metrics: Metrics,
    private readonly rooms: RoomEmitterRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      groupId: gatewayGroup('presence'),
      topics: [TOPICS.presenceEvents],
      handleBatch: async ({ records }) => {
        for (const { event } of records) {
          switch (event.type) {
            case 'tandem.presence.user':
              this.rooms.emit(userStatusRoom(event.tenant, event.data.userId), { type: 'presence.user', ...event.data });
              break;
            case 'tandem.presence.roster': {
              const resource = resourceOfRoom(event.data.room);
              if (resource) this.rooms.emit(roomOf(event.tenant, resource), { type: 'presence.roster', resource, members: event.data.members });
              break;
            }
            case 'tandem.presence.typists': {
              const resource = typingPlaceOfRoom(event.data.room);
              if (resource) this.rooms.emit(roomOf(event.tenant, resource), { type: 'presence.typing', resource, thread: event.data.thread, typing: event.data.typing });
              break;
            }
          }
          this.metrics.messagesOut.inc({ type: event.type });
        }
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
