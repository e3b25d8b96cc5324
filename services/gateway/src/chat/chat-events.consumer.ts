import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CHAT_STREAM_TYPES, ChatChange, ChatStreamType, TOPICS, TopicEvent, channelRoom, chatUserRoom } from '@tandem/contracts';
import { EVENT_BUS, EventBus, Metrics, Subscription } from '@tandem/platform';
import { gatewayGroup } from '../events/gateway-group';
import { RoomEmitterRepository } from '../events/room-emitter.repository';
import type { SocketSession } from '../session/socket-session';
import { ChatAccessCache } from './chat-access.cache';
import { GatewayChatService } from './chat.service';

type ChatEvent = TopicEvent<typeof TOPICS.chatEvents>;
const STREAM = new Set<string>(CHAT_STREAM_TYPES);

/**
 * Turns `chat.events.v1` into emits to this gateway's sockets (in a consumer group of its own, like
 * every gateway reader): stream changes to the channel's room, and to the user rooms of whoever must
 * learn of a channel they have not subscribed to yet (new members, DM participants); read markers,
 * thread follows and rejections to the user's own sockets. Membership changes drop the cached
 * answers they touch, and a user removed from a private channel leaves its room at once.
 */
@Injectable()
export class ChatEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly metrics: Metrics,
    private readonly rooms: RoomEmitterRepository,
    private readonly access: ChatAccessCache,
    private readonly chat: GatewayChatService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      groupId: gatewayGroup('chat'),
      topics: [TOPICS.chatEvents],
      handleBatch: async ({ records }) => {
        for (const { event } of records) this.handle(event);
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  private handle(event: ChatEvent): void {
    const { tenant } = event;
    if (STREAM.has(event.type)) return this.stream(tenant, event as Extract<ChatEvent, { type: ChatStreamType }>);
    switch (event.type) {
      case 'tandem.chat.read.changed': {
        const d = event.data;
        this.rooms.emit(chatUserRoom(tenant, d.userId), { type: 'chat.read', channelId: d.channel.channelId, threadRootId: d.threadRootId, lastReadSeq: d.lastReadSeq, unread: d.unread, mentions: d.mentions });
        break;
      }
      case 'tandem.chat.thread.followed': {
        const d = event.data;
        this.rooms.emit(chatUserRoom(tenant, d.userId), { type: 'chat.thread.followed', channelId: d.channel.channelId, threadRootId: d.threadRootId, following: d.following });
        break;
      }
      case 'tandem.chat.command.rejected': {
        const d = event.data;
        this.rooms.emit(chatUserRoom(tenant, d.userId), { type: 'chat.rejected', channelId: d.channelId, commandId: d.commandId, code: d.code, message: d.message });
        break;
      }
    }
  }

  private stream(tenant: string, event: Extract<ChatEvent, { type: ChatStreamType }>): void {
    const channelId = event.data.channel.channelId;
    const change = { event: event.type, channelId, seq: event.data.seq, time: event.time, data: event.data } as ChatChange;
    const targets = [channelRoom(tenant, channelId)];
    switch (event.type) {
      case 'tandem.chat.channel.created':
        for (const id of event.data.memberIds) targets.push(chatUserRoom(tenant, id));
        break;
      case 'tandem.chat.channel.updated':
        this.access.forgetChannel(tenant, channelId);
        break;
      case 'tandem.chat.member.joined':
      case 'tandem.chat.member.role-changed':
        this.access.forgetMember(tenant, channelId, event.data.userId);
        targets.push(chatUserRoom(tenant, event.data.userId));
        break;
      case 'tandem.chat.member.left':
        this.access.forgetMember(tenant, channelId, event.data.userId);
        targets.push(chatUserRoom(tenant, event.data.userId));
        break;
      case 'tandem.chat.message.posted':
        if (event.data.channel.kind === 'dm') for (const id of event.data.memberIds ?? []) targets.push(chatUserRoom(tenant, id));
        break;
    }
    this.rooms.emitToRooms(targets, { type: 'chat.change', change });
    if (event.type === 'tandem.chat.member.left' && event.data.channel.kind !== 'public') this.removeFromRoom(tenant, channelId, event.data.userId);
    this.metrics.messagesOut.inc({ type: event.type });
    this.metrics.fanoutLatency.observe({ type: event.type }, Math.max(0, Date.now() - Date.parse(event.time)) / 1000);
  }

  /** The user may no longer read the channel: their sockets here leave its room and are told. */
  private removeFromRoom(tenant: string, channelId: string, userId: string): void {
    const room = channelRoom(tenant, channelId);
    for (const socket of this.rooms.localSocketsIn(room)) {
      const session = socket.data as SocketSession;
      if (session.principal.userId !== userId) continue;
      this.chat.channelRoomsOf(session).delete(room);
      void socket.leave(room);
      socket.emit('event', { type: 'chat.removed', channelId, message: 'you are no longer a member of this channel' });
      this.metrics.kicks.inc({ reason: 'CHAT_REMOVED' });
    }
  }
}
