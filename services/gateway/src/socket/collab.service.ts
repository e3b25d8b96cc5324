import { Inject, Injectable } from '@nestjs/common';
import { ChatClientCommand, ClientCommand, CommandAck, DocChangeCommand, DocJoinOptions, JoinAck, ResourceRef, TOPICS, TopicEvent, aggregateKey, isStatsResource, roomOf } from '@tandem/contracts';
import { EVENT_BUS, EventBus, LOGGER, Logger, Metrics, SERVICE_NAME, currentTraceparent } from '@tandem/platform';
import { randomUUID } from 'node:crypto';
import { AccessService } from '../access/access.service';
import { DocsReadRepository, DocsRequestError, DocsUnavailableError } from '../docs/docs-read.repository';
import { StatsReadRepository, StatsUnavailableError } from '../stats/stats-read.repository';
import { LimitsService } from '../limits/limits.service';
import { PresenceReporter } from '../presence/presence-reporter';
import type { SocketSession } from '../session/socket-session';

/** The socket's side of a join: which rooms it enters. */
export interface RoomMembership {
  join(room: string): void | Promise<void>;
  leave(room: string): void | Promise<void>;
}

/**
 * What the gateway does with a client's messages: authorises joins against the resource's ACL and
 * answers them with its current state; authorises commands and turns them into Kafka records,
 * acknowledging only once the bus has them durably.
 */
@Injectable()
export class CollabService {
  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly docs: DocsReadRepository,
    private readonly stats: StatsReadRepository,
    private readonly access: AccessService,
    private readonly limits: LimitsService,
    private readonly presence: PresenceReporter,
    private readonly metrics: Metrics,
  ) {}

  async join(session: SocketSession, resource: ResourceRef, link: string | undefined, socket: RoomMembership, socketId: string, doc?: DocJoinOptions): Promise<JoinAck> {
    const room = roomOf(session.principal.tenant, resource);
    if (!session.joined.has(room)) {
      const limited = this.limits.admitRoom(session.joined.size);
      if (limited) return { ok: false, error: limited };
    }
    const allowed = await this.access.authorizeJoin(session.principal, resource, link);
    if (!allowed.ok) return allowed;
    // Enter the room before reading the state, so no event falls between the read and the join.
    session.joined.set(room, { resource, role: allowed.role, linkId: allowed.linkId });
    await socket.join(room);
    try {
      if (resource.kind === 'match') {
        // Watchers of a match are not tracked by presence: a final can have thousands.
        const board = await this.stats.board(session.principal.tenant, resource.id);
        return { ok: true, state: { kind: 'match', matchId: resource.id, board }, role: allowed.role };
      }
      if (resource.kind === 'leaderboard') return { ok: true, state: { kind: 'leaderboard', boardId: resource.id }, role: allowed.role };
      // A collaborative document answers what the client lacks; without `doc`, the counter.
      const state = doc ? await this.docs.sync(session.principal.tenant, resource.id, doc.kind, doc.heads, 'join') : await this.docs.counter(session.principal.tenant, resource.id);
      await this.presence.joined(socketId, session, resource);
      return { ok: true, state, role: allowed.role };
    } catch (error) {
      session.joined.delete(room);
      await socket.leave(room);
      if (error instanceof DocsUnavailableError || error instanceof StatsUnavailableError) return { ok: false, error: { code: 'UNAVAILABLE', message: error.message } };
      if (error instanceof DocsRequestError) return { ok: false, error: { code: error.status === 404 ? 'NOT_FOUND' : 'INVALID_MESSAGE', message: error.message } };
      throw error;
    }
  }

  async leave(session: SocketSession, resource: ResourceRef, socket: RoomMembership, socketId: string): Promise<void> {
    const room = roomOf(session.principal.tenant, resource);
    if (!session.joined.delete(room)) return;
    await socket.leave(room);
    if (!isStatsResource(resource)) await this.presence.left(socketId, session, resource);
  }

  async command(session: SocketSession, command: Exclude<ClientCommand, ChatClientCommand | DocChangeCommand>): Promise<CommandAck> {
    const { principal } = session;
    switch (command.type) {
      case 'doc.counter.increment': {
        const refused = await this.access.authorize(session, { kind: 'doc', id: command.docId }, 'editor');
        if (refused) return { ok: false, error: refused };
        const event: TopicEvent<typeof TOPICS.docsCommands> = {
          id: randomUUID(),
          type: 'tandem.docs.counter.increment',
          source: `/${this.service}`,
          specversion: '1.0',
          time: new Date().toISOString(),
          tenant: principal.tenant,
          data: { docId: command.docId, commandId: command.commandId, userId: principal.userId, by: command.by },
        };
        const traceparent = currentTraceparent();
        if (traceparent) event.traceparent = traceparent;
        // The bus times the publish (tandem_bus_publish_seconds) and traces it.
        try {
          await this.bus.publish(TOPICS.docsCommands, [{ key: aggregateKey(principal.tenant, command.docId), event }]);
        } catch (error) {
          this.logger.error({ err: error, commandId: command.commandId }, 'could not publish a command');
          return { ok: false, error: { code: 'UNAVAILABLE', message: 'the command could not be stored; it stays in your outbox and is sent again' } };
        }
        return { ok: true, commandId: command.commandId };
      }
    }
  }
}
