import { Inject, Injectable } from '@nestjs/common';
import type { ChatChannel, ChatChannelAccess, ChatChange, ChatRequest, ChatResponses } from '@tandem/contracts';
import { Actor, canRead, roleIn } from '../chat.access';
import { forbidden, notFound } from '../chat.errors';
import { ChatMetrics } from '../chat.metrics';
import { UnreadService } from '../commands/unread.service';
import { CHAT_STORE, ChatMember, ChatStore } from '../store/chat-store.port';
import { HistoryService } from './history.service';
import { SearchService } from './search.service';

type Read = Exclude<ChatRequest, { type: 'chat.unsubscribe' }>;
type Answer = ChatResponses[keyof ChatResponses];

/**
 * The chat service's reads, for the gateway (socket acknowledgements and `/api/v1/chat`): every
 * read of a channel checks first that the caller may read it — a member, or a workspace member in
 * a public channel — and answers FORBIDDEN otherwise, never a partial answer.
 */
@Injectable()
export class ChatQueriesService {
  constructor(
    @Inject(CHAT_STORE) private readonly store: ChatStore,
    private readonly unread: UnreadService,
    private readonly history: HistoryService,
    private readonly searches: SearchService,
    private readonly metrics: ChatMetrics,
  ) {}

  /** What the actor may do in a channel (the gateway's membership check). */
  async access(tenant: string, channelId: string, actor: Actor): Promise<ChatChannelAccess> {
    const channel = await this.store.channel(tenant, channelId);
    if (!channel) return { exists: false, kind: null, archived: false, role: null, canRead: false };
    const member = await this.store.member(tenant, channelId, actor.userId);
    return { exists: true, kind: channel.kind, archived: channel.archived, role: roleIn(channel, member, actor), canRead: canRead(channel, member, actor) };
  }

  async handle(tenant: string, actor: Actor, request: Read): Promise<Answer> {
    switch (request.type) {
      case 'chat.subscribe': {
        const { channel, member } = await this.readable(tenant, request.channelId, actor);
        return { channel, role: roleIn(channel, member, actor), read: member?.active ? await this.unread.state(tenant, channel, member, null) : null };
      }
      case 'chat.channels':
        return { channels: await this.channelList(tenant, actor) };
      case 'chat.browse':
        return { channels: actor.workspaceRole === 'guest' ? [] : await this.store.browse(tenant, request.query.trim(), request.limit) };
      case 'chat.history': {
        const { channel } = await this.readable(tenant, request.channelId, actor);
        return this.history.page(tenant, channel, request.threadRootId, request.anchor, request.limit);
      }
      case 'chat.catchup': {
        const { channel } = await this.readable(tenant, request.channelId, actor);
        const rows = await this.store.changesAfter(tenant, channel.channelId, request.sinceSeq, request.limit + 1);
        const changes: ChatChange[] = rows.slice(0, request.limit).map(({ event, channelId, seq, time, data }) => ({ event, channelId, seq, time, data }) as ChatChange);
        this.metrics.catchupSize.observe(changes.length);
        const complete = rows.length <= request.limit;
        return { changes, latestSeq: complete ? Math.max(channel.seq, request.sinceSeq) : changes.at(-1)!.seq, complete };
      }
      case 'chat.search':
        if (request.channelId) await this.readable(tenant, request.channelId, actor);
        return { messages: await this.searches.search(tenant, actor, request.query, request.channelId, request.limit) };
      case 'chat.unread':
        return this.unreadAll(tenant, actor);
      case 'chat.members': {
        await this.readable(tenant, request.channelId, actor);
        return { members: (await this.store.members(tenant, request.channelId)).map((m) => ({ userId: m.userId, role: m.role })) };
      }
      case 'chat.message': {
        await this.readable(tenant, request.channelId, actor);
        const message = await this.store.message(tenant, request.channelId, request.messageId);
        if (!message) throw notFound(`there is no message "${request.messageId}" in this channel`);
        const edits = await this.store.edits(tenant, request.channelId, request.messageId);
        return { message, edits: edits.map(({ text, editedAt }) => ({ text, editedAt })) };
      }
      case 'chat.pins': {
        await this.readable(tenant, request.channelId, actor);
        return { messages: await this.store.pins(tenant, request.channelId) };
      }
    }
  }

  private async readable(tenant: string, channelId: string, actor: Actor): Promise<{ channel: ChatChannel; member: ChatMember | null }> {
    const channel = await this.store.channel(tenant, channelId);
    if (!channel) throw notFound(`there is no channel "${channelId}"`);
    const member = await this.store.member(tenant, channelId, actor.userId);
    if (!canRead(channel, member, actor)) throw forbidden(channel.kind === 'dm' ? 'this is a direct message between other people' : 'this channel is private; ask one of its members to invite you');
    return { channel, member };
  }

  /** The actor's channels and DMs, most recent activity first, with their read state. */
  private async channelList(tenant: string, actor: Actor) {
    const memberships = await this.store.membershipsOf(tenant, actor.userId);
    const byId = new Map(memberships.map((m) => [m.channelId, m]));
    const channels = await this.store.channels(tenant, [...byId.keys()]);
    const items = await Promise.all(
      channels.map(async (channel) => {
        const member = byId.get(channel.channelId)!;
        const read = await this.unread.state(tenant, channel, member, null);
        const memberIds = channel.kind === 'dm' ? (await this.store.members(tenant, channel.channelId)).map((m) => m.userId) : null;
        return { ...channel, role: member.role, lastReadSeq: read.lastReadSeq, unread: read.unread, mentions: read.mentions, memberIds };
      }),
    );
    return items.sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt) || a.channelId.localeCompare(b.channelId));
  }

  private async unreadAll(tenant: string, actor: Actor): Promise<ChatResponses['chat.unread']> {
    const memberships = await this.store.membershipsOf(tenant, actor.userId);
    const byId = new Map(memberships.map((m) => [m.channelId, m]));
    const channels = await Promise.all(memberships.map((m) => this.unread.state(tenant, { channelId: m.channelId }, m, null)));
    const follows = (await this.store.followedBy(tenant, actor.userId)).filter((f) => byId.has(f.channelId));
    const threads = await Promise.all(follows.map(async (f) => ({ ...(await this.unread.state(tenant, { channelId: f.channelId }, byId.get(f.channelId)!, f.threadRootId)), following: true })));
    return { channels: channels.sort((a, b) => a.channelId.localeCompare(b.channelId)), threads: threads.sort((a, b) => a.channelId.localeCompare(b.channelId) || a.threadRootId!.localeCompare(b.threadRootId!)) };
  }
}
