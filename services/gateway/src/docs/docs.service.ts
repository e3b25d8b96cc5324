import { Inject, Injectable } from '@nestjs/common';
import { Ack, CommandAck, DocChangeCommand, DocsRequest, DocsResponses, DocsServerEvent, ProtocolError, TOPICS, TopicEvent, aggregateKey, roomOf } from '@tandem/contracts';
import { EVENT_BUS, EventBus, LOGGER, Logger, Metrics, Principal, SERVICE_NAME, currentTraceparent } from '@tandem/platform';
import { randomUUID } from 'node:crypto';
import { AccessService } from '../access/access.service';
import { changeBytesProblem } from './change-check';
import type { SocketSession } from '../session/socket-session';
import { DocsReadRepository, DocsRequestError, DocsUnavailableError } from './docs-read.repository';

/** Sends an event to the other sockets of a room, on every gateway (the Socket.IO Redis adapter). */
export type RoomRelay = (room: string, event: DocsServerEvent) => void;

/**
 * The gateway's side of collaborative documents. A client's changes, once their framing and
 * checksums check out (`changeBytesProblem`), are relayed to the rest of the room AT ONCE (peers
 * apply them before the docs service has merged anything) while they are published to
 * `docs.commands.v1`; the command is acknowledged once Kafka has it, and `doc.merged` later tells
 * the sender it is durable. Sync and history are answered by the docs service.
 */
@Injectable()
export class GatewayDocsService {
  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly reads: DocsReadRepository,
    private readonly access: AccessService,
    private readonly metrics: Metrics,
  ) {}

  async change(session: SocketSession, command: DocChangeCommand, relay: RoomRelay): Promise<CommandAck> {
    const { principal } = session;
    const refused = await this.access.authorize(session, { kind: 'doc', id: command.docId }, 'editor');
    if (refused) return { ok: false, error: refused };
    const problem = changeBytesProblem(command.changes);
    if (problem) return { ok: false, error: { code: 'INVALID_MESSAGE', message: `command ${command.commandId} was refused and not relayed: ${problem}` } };
    const room = roomOf(principal.tenant, { kind: 'doc', id: command.docId });
    // A resend of an acknowledged command was relayed the first time: only its durability is at stake.
    if (session.joined.has(room) && !command.relayed) {
      relay(room, { type: 'doc.change', docId: command.docId, commandId: command.commandId, userId: principal.userId, changes: command.changes });
      this.metrics.messagesOut.inc({ type: 'doc.change' });
    }
    const event: TopicEvent<typeof TOPICS.docsCommands> = {
      id: randomUUID(),
      type: 'tandem.docs.doc.change',
      source: `/${this.service}`,
      specversion: '1.0',
      time: new Date().toISOString(),
      tenant: principal.tenant,
      data: { docId: command.docId, kind: command.kind, commandId: command.commandId, userId: principal.userId, changes: Buffer.from(command.changes.buffer, command.changes.byteOffset, command.changes.byteLength).toString('base64') },
    };
    const traceparent = currentTraceparent();
    if (traceparent) event.traceparent = traceparent;
    try {
      await this.bus.publish(TOPICS.docsCommands, [{ key: aggregateKey(principal.tenant, command.docId), event }]);
    } catch (error) {
      this.logger.error({ err: error, commandId: command.commandId }, 'could not publish document changes');
      return { ok: false, error: { code: 'UNAVAILABLE', message: 'the changes could not be stored; they stay in your outbox and are sent again' } };
    }
    return { ok: true, commandId: command.commandId };
  }

  /** Sync and history requests (socket `docs` messages and the HTTP API): readers read, editors restore. */
  async request(session: SocketSession, message: DocsRequest): Promise<Ack<DocsResponses[keyof DocsResponses]>> {
    const { tenant, userId } = session.principal;
    const refused = await this.access.authorize(session, { kind: 'doc', id: message.docId }, message.type === 'doc.restore' ? 'editor' : 'viewer');
    if (refused) return { ok: false, error: refused };
    try {
      switch (message.type) {
        case 'doc.sync':
          return { ok: true, state: await this.reads.sync(tenant, message.docId, message.kind, message.heads, 'gap') };
        case 'doc.versions':
          return { ok: true, ...(await this.reads.versions(tenant, message.docId, { gapMs: message.gapMs, maxChanges: message.maxChanges })) };
        case 'doc.view':
          return { ok: true, ...(await this.reads.view(tenant, message.docId, message.heads)) };
        case 'doc.diff':
          return { ok: true, ...(await this.reads.diff(tenant, message.docId, message.from, message.to)) };
        case 'doc.restore':
          return { ok: true, ...(await this.reads.restore(tenant, message.docId, message.heads, userId, message.commandId)) };
      }
    } catch (error) {
      return { ok: false, error: errorOf(error) };
    }
  }

  /** A session for HTTP callers (no rooms joined, so no share link applies). */
  httpSession(principal: Principal): SocketSession {
    return { principal, joined: new Map(), expiryTimers: [] };
  }
}

export function errorOf(error: unknown): ProtocolError {
  if (error instanceof DocsRequestError) return { code: error.status === 404 ? 'NOT_FOUND' : 'INVALID_MESSAGE', message: error.message };
  if (error instanceof DocsUnavailableError) return { code: 'UNAVAILABLE', message: error.message };
  throw error;
}
