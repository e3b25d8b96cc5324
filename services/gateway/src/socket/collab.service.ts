import { Inject, Injectable } from '@nestjs/common';
import { ClientCommand, CommandAck, JoinAck, ResourceRef, TOPICS, TopicEvent, aggregateKey, roomOf } from '@tandem/contracts';
import { EVENT_BUS, EventBus, LOGGER, Logger, Metrics, Principal, SERVICE_NAME, currentTraceparent } from '@tandem/platform';
import { randomUUID } from 'node:crypto';
import { DocsReadRepository, DocsUnavailableError } from '../docs/docs-read.repository';

/** The socket's side of a join: which rooms it enters. */
export interface RoomMembership {
  join(room: string): void | Promise<void>;
  leave(room: string): void | Promise<void>;
}

/**
 * What the gateway does with a client's messages: joins rooms with the resource's current state, and
 * turns commands into Kafka records, acknowledging only once the bus has them durably.
 */
@Injectable()
export class CollabService {
  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly docs: DocsReadRepository,
    private readonly metrics: Metrics,
  ) {}

  async join(principal: Principal, resource: ResourceRef, socket: RoomMembership): Promise<JoinAck> {
    // Enter the room before reading the state, so no event falls between the read and the join.
    await socket.join(roomOf(principal.tenant, resource));
    try {
      const state = await this.docs.counter(principal.tenant, resource.id);
      return { ok: true, state };
    } catch (error) {
      await socket.leave(roomOf(principal.tenant, resource));
      if (error instanceof DocsUnavailableError) return { ok: false, error: { code: 'UNAVAILABLE', message: error.message } };
      throw error;
    }
  }

  async leave(principal: Principal, resource: ResourceRef, socket: RoomMembership): Promise<void> {
    await socket.leave(roomOf(principal.tenant, resource));
  }

  async command(principal: Principal, command: ClientCommand): Promise<CommandAck> {
    switch (command.type) {
      case 'doc.counter.increment': {
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
        const stop = this.metrics.kafkaProduceLatency.startTimer({ topic: TOPICS.docsCommands });
        try {
          await this.bus.publish(TOPICS.docsCommands, [{ key: aggregateKey(principal.tenant, command.docId), event }]);
        } catch (error) {
          this.logger.error({ err: error, commandId: command.commandId }, 'could not publish a command');
          return { ok: false, error: { code: 'UNAVAILABLE', message: 'the command could not be stored; it stays in your outbox and is sent again' } };
        } finally {
          stop();
        }
        return { ok: true, commandId: command.commandId };
      }
    }
  }
}
