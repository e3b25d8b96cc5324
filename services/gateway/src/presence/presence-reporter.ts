import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventOfType, EventTypeOf, PresenceMessage, ResourceRef, TOPICS, aggregateKey, presenceRoomOf } from '@tandem/contracts';
import { CONFIG, Config, EVENT_BUS, EventBus, LOGGER, Logger, Metrics, PublishRecord, SERVICE_NAME } from '@tandem/platform';
import { randomUUID } from 'node:crypto';
import type { SocketSession } from '../session/socket-session';

type Commands = typeof TOPICS.presenceCommands;
type CommandType = EventTypeOf<Commands>;
type DataOf<E extends CommandType> = Omit<EventOfType<Commands, E>['data'], 'connectionId' | 'userId'>;

/**
 * Tells the presence service what this gateway's sockets do: connections (with a heartbeat for all
 * of them every PRESENCE_HEARTBEAT_MS, so a crashed gateway's users expire by themselves), room
 * joins and leaves, statuses, activity and typing. Keyed by user, so one user's commands stay in order.
 */
@Injectable()
export class PresenceReporter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly live = new Map<string, SocketSession>();
  private timer?: ReturnType<typeof setInterval>;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.heartbeat(), this.config.PRESENCE_HEARTBEAT_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async connected(socketId: string, session: SocketSession, device: string | null): Promise<void> {
    this.live.set(socketId, session);
    await this.send(socketId, session, 'tandem.presence.connected', { name: session.principal.name, device });
  }

  async disconnected(socketId: string, session: SocketSession): Promise<void> {
    this.live.delete(socketId);
    await this.send(socketId, session, 'tandem.presence.disconnected', {});
  }

  async joined(socketId: string, session: SocketSession, resource: ResourceRef): Promise<void> {
    await this.send(socketId, session, 'tandem.presence.joined', { room: presenceRoomOf(resource) });
  }

  async left(socketId: string, session: SocketSession, resource: ResourceRef): Promise<void> {
    await this.send(socketId, session, 'tandem.presence.left', { room: presenceRoomOf(resource) });
  }

  /** A client's status, activity or typing message (already validated and authorised). */
  async report(socketId: string, session: SocketSession, message: Extract<PresenceMessage, { type: 'presence.status' | 'presence.typing' | 'presence.activity' }>): Promise<void> {
    switch (message.type) {
      case 'presence.status':
        return this.send(socketId, session, 'tandem.presence.status', { status: message.status, text: message.text, textExpiresAt: message.textExpiresAt });
      case 'presence.typing':
        return this.send(socketId, session, 'tandem.presence.typing', { room: presenceRoomOf(message.resource), thread: message.thread, kind: message.kind, active: message.active });
      case 'presence.activity':
        return this.send(socketId, session, 'tandem.presence.activity', {});
    }
  }

  private async heartbeat(): Promise<void> {
    const records = [...this.live].map(([socketId, session]) => this.record(socketId, session, 'tandem.presence.heartbeat', {}));
    for (let i = 0; i < records.length; i += 500) {
      await this.publish(records.slice(i, i + 500));
    }
  }

  private async send<E extends CommandType>(socketId: string, session: SocketSession, type: E, data: DataOf<E>): Promise<void> {
    await this.publish([this.record(socketId, session, type, data)]);
  }

  private record<E extends CommandType>(socketId: string, session: SocketSession, type: E, data: DataOf<E>): PublishRecord<Commands> {
    const { tenant, userId } = session.principal;
    const event = {
      id: randomUUID(),
      type,
      source: `/${this.service}`,
      specversion: '1.0' as const,
      time: new Date().toISOString(),
      tenant,
      data: { connectionId: socketId, userId, ...data },
    } as unknown as EventOfType<Commands, E>;
    return { key: aggregateKey(tenant, `user:${userId}`), event };
  }

  private async publish(records: PublishRecord<Commands>[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.bus.publish(TOPICS.presenceCommands, records);
    } catch (error) {
      // Presence is rebuilt by the next heartbeat or action; a lost report must not fail the socket.
      this.metrics.limitRejections.inc({ limit: 'presence_publish_failed' });
      this.logger.warn({ err: error, records: records.length }, 'could not publish presence');
    }
  }
}
