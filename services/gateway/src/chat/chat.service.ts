import { Inject, Injectable } from '@nestjs/common';
import { ChatClientCommand, ChatRequest, ChatResponses, CommandAck, ProtocolError, TOPICS, TopicEvent, aggregateKey, channelRoom, dmChannelId } from '@tandem/contracts';
import { CONFIG, Config, EVENT_BUS, EventBus, LOGGER, Logger, Metrics, Principal, SERVICE_NAME, currentTraceparent } from '@tandem/platform';
import { randomUUID } from 'node:crypto';
import { LimitsService } from '../limits/limits.service';
import type { SocketSession } from '../session/socket-session';
import type { RoomMembership } from '../socket/collab.service';
import { ChatAccessCache } from './chat-access.cache';
import { toServiceCommand, workspaceRoleOf } from './chat-commands';
import { ChatAnswer, ChatCaller, ChatReadRepository, ChatUnavailableError } from './chat-read.repository';

/** Commands a member may send to an archived channel (everything else waits for it to be unarchived). */
const ALLOWED_WHEN_ARCHIVED = new Set<ChatClientCommand['type']>(['chat.channel.archive', 'chat.read.mark', 'chat.thread.follow', 'chat.channel.leave']);

/**
 * The gateway's side of chat: authorises commands against the chat service's membership answers
 * (cached, kept current by chat events) and publishes them to `chat.commands.v1` keyed by channel,
 * acknowledging once Kafka has them; answers reads by asking the chat service (which checks the
 * caller may read); puts sockets into the rooms of the channels they subscribe to.
 */
@Injectable()
export class GatewayChatService {
  /** Chat rooms each socket is in (channel id by room). */
  private readonly rooms = new WeakMap<SocketSession, Map<string, string>>();

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(CONFIG) private readonly config: Config,
    private readonly reads: ChatReadRepository,
    private readonly access: ChatAccessCache,
    private readonly limits: LimitsService,
    private readonly metrics: Metrics,
  ) {}

  async command(session: SocketSession, command: ChatClientCommand): Promise<CommandAck> {
    const { principal } = session;
    let refused: ProtocolError | null;
    try {
      refused = await this.authorize(principal, command);
    } catch (error) {
      if (error instanceof ChatUnavailableError) return { ok: false, error: { code: 'UNAVAILABLE', message: error.message } };
      throw error;
    }
    if (refused) return { ok: false, error: refused };
    const { type, data } = toServiceCommand(principal, command);
    const event = {
      id: randomUUID(),
      type,
      source: `/${this.service}`,
      specversion: '1.0',
      time: new Date().toISOString(),
      tenant: principal.tenant,
      data,
    } as TopicEvent<typeof TOPICS.chatCommands>;
    const traceparent = currentTraceparent();
    if (traceparent) event.traceparent = traceparent;
    // The bus times the publish (tandem_bus_publish_seconds) and traces it.
    try {
      await this.bus.publish(TOPICS.chatCommands, [{ key: aggregateKey(principal.tenant, command.channelId), event }]);
    } catch (error) {
      this.logger.error({ err: error, commandId: command.commandId }, 'could not publish a chat command');
      return { ok: false, error: { code: 'UNAVAILABLE', message: 'the command could not be stored; it stays in your outbox and is sent again' } };
    }
    return { ok: true, commandId: command.commandId };
  }

  /** A read or a room subscription from a socket; `socket` enters or leaves the channel's room. */
  async request(session: SocketSession, socket: RoomMembership, request: ChatRequest): Promise<ChatAnswer<ChatResponses[keyof ChatResponses]>> {
    const caller = callerOf(session.principal);
    const rooms = this.roomsOf(session);
    try {
      switch (request.type) {
        case 'chat.subscribe': {
          const room = channelRoom(caller.tenant, request.channelId);
          if (!rooms.has(room)) {
            const limited = this.limits.admitRoom(session.joined.size + rooms.size);
            if (limited) return { ok: false, error: limited };
          }
          // In the room before the state is read, so no event falls between the two.
          rooms.set(room, request.channelId);
          await socket.join(room);
          const answer = await this.reads.query(caller, request);
          if (!answer.ok) {
            rooms.delete(room);
            await socket.leave(room);
          }
          return answer;
        }
        case 'chat.unsubscribe': {
          const room = channelRoom(caller.tenant, request.channelId);
          if (rooms.delete(room)) await socket.leave(room);
          return { ok: true };
        }
        default:
          return await this.reads.query(caller, request);
      }
    } catch (error) {
      if (error instanceof ChatUnavailableError) return { ok: false, error: { code: 'UNAVAILABLE', message: error.message } };
      throw error;
    }
  }

  /** A read over HTTP (`/api/v1/chat/...`): the same answers as over the socket. */
  async read(principal: Principal, request: Exclude<ChatRequest, { type: 'chat.subscribe' | 'chat.unsubscribe' }>): Promise<ChatAnswer<ChatResponses[keyof ChatResponses]>> {
    try {
      return await this.reads.query(callerOf(principal), request);
    } catch (error) {
      if (error instanceof ChatUnavailableError) return { ok: false, error: { code: 'UNAVAILABLE', message: error.message } };
      throw error;
    }
  }

  /** The channel rooms a socket is in. */
  channelRoomsOf(session: SocketSession): Map<string, string> {
    return this.roomsOf(session);
  }

  private roomsOf(session: SocketSession): Map<string, string> {
    let rooms = this.rooms.get(session);
    if (!rooms) this.rooms.set(session, (rooms = new Map()));
    return rooms;
  }

  /**
   * A quick answer for the client; the chat service checks everything again (it is the authority
   * and refuses with a `chat.rejected` event what slips through a stale cache).
   */
  private async authorize(principal: Principal, command: ChatClientCommand): Promise<ProtocolError | null> {
    const caller = callerOf(principal);
    if (command.type === 'chat.channel.create') {
      if (caller.workspaceRole === 'guest') return { code: 'FORBIDDEN', message: 'guests cannot create channels; ask a member to invite you' };
      return null;
    }
    if (command.type === 'chat.message.post' && command.participants) {
      const participants = new Set(command.participants);
      if (!participants.has(principal.userId)) return { code: 'INVALID_MESSAGE', message: 'participants must include yourself' };
      if (participants.size > this.config.CHAT_MAX_DM_SIZE) return { code: 'LIMIT_EXCEEDED', message: `a DM has at most ${this.config.CHAT_MAX_DM_SIZE} members; create a private channel instead` };
      if (dmChannelId([...participants]) !== command.channelId) return { code: 'INVALID_MESSAGE', message: 'channelId must be dmChannelId(participants)' };
    }
    const access = await this.access.get(caller, command.channelId);
    if (!access.exists) {
      if (command.type === 'chat.message.post' && command.participants) return null; // the DM starts with this message
      return { code: 'NOT_FOUND', message: `there is no channel "${command.channelId}"` };
    }
    if (command.type === 'chat.channel.join') {
      if (access.role !== null) return null;
      if (access.kind === 'public' && caller.workspaceRole !== 'guest' && !access.archived) return null;
      return { code: 'FORBIDDEN', message: 'this channel is private; ask one of its members to invite you' };
    }
    if (access.role === null) return { code: 'FORBIDDEN', message: 'you are not a member of this channel; join it (public) or ask to be invited' };
    if (access.archived && !ALLOWED_WHEN_ARCHIVED.has(command.type)) return { code: 'FORBIDDEN', message: 'this channel is archived; unarchive it first' };
    return null;
  }
}

function callerOf(principal: Principal): ChatCaller {
  return { tenant: principal.tenant, userId: principal.userId, workspaceRole: workspaceRoleOf(principal) };
}
