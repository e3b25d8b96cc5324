import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Ack, AuthRefreshMessage, DocsRequest, DocsResponses, ChatRequest, ChatResponses, ClientCommand, CommandAck, JoinAck, JoinMessage, LeaveMessage, NotificationsRequest, NotificationsResponses, PresenceMessage, ProtocolError, UserPresence, chatUserRoom } from '@tandem/contracts';
import { AuthError, CONFIG, Config, LOGGER, Logger, Metrics, SpanKind, inSpan } from '@tandem/platform';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import type { Server, Socket } from 'socket.io';
import { z } from 'zod';
import { AuthService } from '../auth/auth.service';
import { isChatCommand } from '../chat/chat-commands';
import { GatewayChatService } from '../chat/chat.service';
import { GatewayNotificationsService } from '../notifications/notifications.service';
import { RoomEmitterRepository } from '../events/room-emitter.repository';
import { LimitsService } from '../limits/limits.service';
import { PresenceReporter } from '../presence/presence-reporter';
import { GatewayPresenceService } from '../presence/presence.service';
import { SessionService } from '../session/session.service';
import type { SocketSession } from '../session/socket-session';
import { CollabService } from './collab.service';
import { GatewayDocsService } from '../docs/docs.service';
import { MessageLog } from '../message-log/message-log';

const EVENTS = new Set(['join', 'leave', 'command', 'auth.refresh', 'presence', 'chat', 'notifications', 'docs']);

function invalid(error: z.ZodError): { ok: false; error: ProtocolError } {
  return { ok: false, error: { code: 'INVALID_MESSAGE', message: z.prettifyError(error) } };
}

const sessionOf = (socket: Socket) => socket.data as SocketSession;

/**
 * The Socket.IO entry point: authenticates the handshake, applies the limits to every message,
 * validates it at the edge and hands it to a service in one call. Every refused message gets a
 * typed error: in its acknowledgement, or as a `protocol.error` event when it has none.
 */
@Injectable()
@WebSocketGateway({ cors: { origin: true, credentials: true } })
export class CollabGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly redisClients: Redis[] = [];

  constructor(
    private readonly auth: AuthService,
    private readonly collab: CollabService,
    private readonly sessions: SessionService,
    private readonly limits: LimitsService,
    private readonly presence: GatewayPresenceService,
    private readonly reporter: PresenceReporter,
    private readonly rooms: RoomEmitterRepository,
    private readonly metrics: Metrics,
    private readonly chat: GatewayChatService,
    private readonly notifications: GatewayNotificationsService,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly messageLog: MessageLog,
    private readonly docs: GatewayDocsService,
  ) {}

  afterInit(server: Server): void {
    this.rooms.attach(server);
    // Room for a typed PAYLOAD_TOO_LARGE answer above MAX_MESSAGE_BYTES; beyond this Socket.IO closes the connection.
    server.engine.opts.maxHttpBufferSize = this.config.MAX_MESSAGE_BYTES * 2 + 64 * 1024;
    if (this.config.REDIS_URL) {
      const pub = new Redis(this.config.REDIS_URL);
      const sub = pub.duplicate();
      this.redisClients.push(pub, sub);
      server.adapter(createAdapter(pub, sub, { key: 'tandem.io' }));
      this.logger.info('Socket.IO rooms shared through Redis');
    }
    server.use((socket, next) => {
      const handshake = (socket.handshake.auth ?? {}) as { token?: string; tenant?: string };
      const refuse = (code: string, message: string) => next(Object.assign(new Error(message), { data: { code } }));
      this.auth.verify(handshake.token).then(
        (principal) => {
          if (this.config.ALLOWED_TENANTS && !this.config.ALLOWED_TENANTS.includes(principal.tenant)) return refuse('TENANT_NOT_ALLOWED', 'this gateway does not serve your workspace');
          if (handshake.tenant && handshake.tenant !== principal.tenant) return refuse('WRONG_TENANT', `the token is for workspace "${principal.tenant}", not "${handshake.tenant}"`);
          const limited = this.limits.connect(principal, socket.id);
          if (limited) return refuse(limited.code, limited.message);
          const session: SocketSession = { principal, joined: new Map(), expiryTimers: [] };
          socket.data = session;
          next();
        },
        (error: unknown) => refuse(error instanceof AuthError ? error.code : 'TOKEN_INVALID', (error as Error).message),
      );
    });
  }

  handleConnection(socket: Socket): void {
    const session = sessionOf(socket);
    if (!session?.principal) return;
    this.metrics.socketConnections.inc();
    this.sessions.watchExpiry(socket, session);
    void socket.join(chatUserRoom(session.principal.tenant, session.principal.userId));
    const device = (socket.handshake.auth as { device?: unknown }).device;
    void this.reporter.connected(socket.id, session, typeof device === 'string' ? device.slice(0, 64) : null);
    const connectedAt = Date.now();
    const logAs = { socketId: socket.id, tenant: session.principal.tenant, userId: session.principal.userId };
    socket.use((packet, next) => {
      const [event, ...args] = packet as [unknown, ...unknown[]];
      const refusal: ProtocolError | null =
        typeof event !== 'string' || !EVENTS.has(event)
          ? { code: 'INVALID_MESSAGE', message: `unknown message "${String(event).slice(0, 64)}"; send one of ${[...EVENTS].join(', ')}` }
          : this.limits.admit(session.principal, socket.id, args);
      if (!refusal) {
        // A message without an acknowledgement still gets its refusal: as a protocol.error event.
        if (typeof args.at(-1) !== 'function') {
          (packet as unknown[]).push((result?: { ok?: boolean; error?: ProtocolError }) => {
            if (result && result.ok === false && result.error) socket.emit('event', { type: 'protocol.error', event: String(event), error: result.error });
          });
        }
        // The message log sees each message with the acknowledgement it got (message-log.ts).
        const ack = (packet as unknown[]).at(-1) as (result?: unknown) => void;
        (packet as unknown[])[(packet as unknown[]).length - 1] = (result?: unknown) => {
          this.messageLog.record(logAs, connectedAt, String(event), args, result);
          ack(result);
        };
        return next();
      }
      this.metrics.messagesIn.inc({ type: typeof event === 'string' && EVENTS.has(event) ? event : 'unknown', outcome: refusal.code.toLowerCase() });
      this.messageLog.record(logAs, connectedAt, String(event).slice(0, 64), args, { ok: false, error: refusal }, true);
      const ack = args.at(-1);
      if (typeof ack === 'function') ack({ ok: false, error: refusal });
      else socket.emit('event', { type: 'protocol.error', event: String(event).slice(0, 64), error: refusal });
    });
  }

  handleDisconnect(socket: Socket): void {
    const session = sessionOf(socket);
    if (!session?.principal) return;
    this.metrics.socketConnections.dec();
    this.sessions.clear(session);
    this.limits.disconnect(session.principal, socket.id);
    this.messageLog.forget({ socketId: socket.id, tenant: session.principal.tenant, userId: session.principal.userId });
    void this.reporter.disconnected(socket.id, session);
  }

  @SubscribeMessage('join')
  async onJoin(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<JoinAck> {
    const message = JoinMessage.safeParse(body);
    if (!message.success) return this.counted('join', invalid(message.error));
    return this.counted('join', this.guard(() => this.collab.join(sessionOf(socket), message.data.resource, message.data.link, socket, socket.id, message.data.doc)));
  }

  @SubscribeMessage('leave')
  async onLeave(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    const message = LeaveMessage.safeParse(body);
    if (!message.success) return invalid(message.error);
    return this.guard(async () => {
      await this.collab.leave(sessionOf(socket), message.data.resource, socket, socket.id);
      return { ok: true };
    });
  }

  @SubscribeMessage('command')
  async onCommand(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<CommandAck> {
    const message = ClientCommand.safeParse(body);
    if (!message.success) return this.counted('unknown', invalid(message.error));
    // The root of the command's trace: socket → gateway → Kafka → service → Kafka → gateway → emits.
    const command = message.data;
    return this.counted(
      command.type,
      inSpan(
        `socket command ${command.type}`,
        () =>
          this.guard(() => {
            if (isChatCommand(command)) return this.chat.command(sessionOf(socket), command);
            // Relayed from this socket to the rest of the room on every gateway, before any merge.
            if (command.type === 'doc.change') return this.docs.change(sessionOf(socket), command, (room, event) => socket.to(room).emit('event', event));
            return this.collab.command(sessionOf(socket), command);
          }),
        { kind: SpanKind.SERVER, attributes: { 'tandem.command.type': command.type, 'tandem.tenant': sessionOf(socket).principal.tenant } },
      ),
    );
  }

  @SubscribeMessage('chat')
  async onChat(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack<ChatResponses[keyof ChatResponses]>> {
    const message = ChatRequest.safeParse(body);
    if (!message.success) return this.counted('chat', invalid(message.error));
    return this.counted(message.data.type, this.guard(() => this.chat.request(sessionOf(socket), socket, message.data)));
  }

  @SubscribeMessage('notifications')
  async onNotifications(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack<NotificationsResponses[keyof NotificationsResponses]>> {
    const message = NotificationsRequest.safeParse(body);
    if (!message.success) return this.counted('notifications', invalid(message.error));
    return this.counted(message.data.type, this.guard(() => this.notifications.request(sessionOf(socket).principal, message.data)));
  }

  @SubscribeMessage('docs')
  async onDocs(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack<DocsResponses[keyof DocsResponses]>> {
    const message = DocsRequest.safeParse(body);
    if (!message.success) return this.counted('docs', invalid(message.error));
    return this.counted(message.data.type, this.guard(() => this.docs.request(sessionOf(socket), message.data)));
  }

  @SubscribeMessage('auth.refresh')
  async onRefresh(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack<{ expiresAt: number }>> {
    const message = AuthRefreshMessage.safeParse(body);
    if (!message.success) return invalid(message.error);
    return this.guard(() => this.sessions.refresh(socket, sessionOf(socket), message.data.token));
  }

  @SubscribeMessage('presence')
  async onPresence(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack<{ users?: UserPresence[] }>> {
    const message = PresenceMessage.safeParse(body);
    if (!message.success) return this.counted('presence', invalid(message.error));
    return this.counted(message.data.type, this.guard(() => this.presence.handle(socket, sessionOf(socket), message.data)));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.redisClients.map((c) => c.quit().catch(() => undefined)));
  }

  /**
   * Counts a message in `tandem_messages_in_total` with the outcome of its acknowledgement: `ok`,
   * `invalid` (malformed, or refused as such: `INVALID_MESSAGE`), or the refusal code in lower case.
   */
  private async counted<A extends { ok: boolean; error?: ProtocolError }>(type: string, ack: A | Promise<A>): Promise<A> {
    const result = await ack;
    const outcome = result.ok ? 'ok' : result.error?.code === 'INVALID_MESSAGE' ? 'invalid' : (result.error?.code ?? 'internal').toLowerCase();
    this.metrics.messagesIn.inc({ type, outcome });
    return result;
  }

  /** An unexpected failure answers INTERNAL instead of leaving the client waiting for its ack. */
  private async guard<T>(fn: () => Promise<T>): Promise<T | { ok: false; error: ProtocolError }> {
    try {
      return await fn();
    } catch (error) {
      this.logger.error({ err: error }, 'a socket message failed');
      return { ok: false, error: { code: 'INTERNAL', message: 'something went wrong on our side; try again' } };
    }
  }
}
