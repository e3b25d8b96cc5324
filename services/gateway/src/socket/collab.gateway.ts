import { Inject, Injectable } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Ack, ClientCommand, ClientToServerEvents, CommandAck, JoinAck, JoinMessage, LeaveMessage, ServerToClientEvents } from '@tandem/contracts';
import { AuthError, CONFIG, Config, LOGGER, Logger, Metrics, Principal } from '@tandem/platform';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import type { Server, Socket } from 'socket.io';
import { z } from 'zod';
import { AuthService } from '../auth/auth.service';
import { RoomEmitterRepository } from '../events/room-emitter.repository';
import { CollabService } from './collab.service';

type ClientSocket = Socket<ClientToServerEvents, ServerToClientEvents, object, { principal: Principal }>;

function invalid(error: z.ZodError): { ok: false; error: { code: 'INVALID_MESSAGE'; message: string } } {
  return { ok: false, error: { code: 'INVALID_MESSAGE', message: z.prettifyError(error) } };
}

/**
 * The Socket.IO entry point: authenticates the handshake, validates every message at the edge and
 * hands it to {@link CollabService} in one call.
 */
@Injectable()
@WebSocketGateway({ cors: { origin: true, credentials: true }, maxHttpBufferSize: 1_000_000 })
export class CollabGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly redisClients: Redis[] = [];

  constructor(
    private readonly auth: AuthService,
    private readonly collab: CollabService,
    private readonly rooms: RoomEmitterRepository,
    private readonly metrics: Metrics,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  afterInit(server: Server): void {
    this.rooms.attach(server);
    if (this.config.REDIS_URL) {
      const pub = new Redis(this.config.REDIS_URL);
      const sub = pub.duplicate();
      this.redisClients.push(pub, sub);
      server.adapter(createAdapter(pub, sub, { key: 'tandem.io' }));
      this.logger.info('Socket.IO rooms shared through Redis');
    }
    server.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: string } | undefined)?.token;
      this.auth
        .verify(token)
        .then((principal) => {
          (socket as ClientSocket).data.principal = principal;
          next();
        })
        .catch((error: unknown) => {
          const code = error instanceof AuthError ? error.code : 'TOKEN_INVALID';
          next(Object.assign(new Error((error as Error).message), { data: { code } }));
        });
    });
  }

  handleConnection(): void {
    this.metrics.socketConnections.inc();
  }

  handleDisconnect(): void {
    this.metrics.socketConnections.dec();
  }

  @SubscribeMessage('join')
  async onJoin(@ConnectedSocket() socket: ClientSocket, @MessageBody() body: unknown): Promise<JoinAck> {
    const message = JoinMessage.safeParse(body);
    this.metrics.messagesIn.inc({ type: 'join', outcome: message.success ? 'ok' : 'invalid' });
    if (!message.success) return invalid(message.error);
    return this.collab.join(socket.data.principal, message.data.resource, socket);
  }

  @SubscribeMessage('leave')
  async onLeave(@ConnectedSocket() socket: ClientSocket, @MessageBody() body: unknown): Promise<Ack> {
    const message = LeaveMessage.safeParse(body);
    if (!message.success) return invalid(message.error);
    await this.collab.leave(socket.data.principal, message.data.resource, socket);
    return { ok: true };
  }

  @SubscribeMessage('command')
  async onCommand(@ConnectedSocket() socket: ClientSocket, @MessageBody() body: unknown): Promise<CommandAck> {
    const message = ClientCommand.safeParse(body);
    this.metrics.messagesIn.inc({ type: message.success ? message.data.type : 'unknown', outcome: message.success ? 'ok' : 'invalid' });
    if (!message.success) return invalid(message.error);
    return this.collab.command(socket.data.principal, message.data);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.redisClients.map((c) => c.quit().catch(() => undefined)));
  }
}
