import { Inject, Injectable } from '@nestjs/common';
import type { ChatChannel, ChatReadState } from '@tandem/contracts';
import { Actor } from '../chat.access';
import { forbidden, invalid, notFound } from '../chat.errors';
import type { UserEvent } from '../chat.publisher';
import { refOf } from '../log/channel-tx';
import { CHAT_STORE, ChatMember, ChatStore } from '../store/chat-store.port';
import type { CommandOf } from './command-types';

/**
 * Unread state per user, channel and thread: last-read markers (moved forward by reading, back by
 * "mark unread from here"), unread counts (messages after the marker by others, tombstones not
 * counted) and mention counts. A member who never read a channel has read up to their joining; a
 * followed thread never read counts every reply by others. Every change is published to the
 * user's devices with the counts after it.
 */
@Injectable()
export class UnreadService {
  constructor(@Inject(CHAT_STORE) private readonly store: ChatStore) {}

  async mark(tenant: string, channel: ChatChannel | null, c: CommandOf<'tandem.chat.read.mark'>, actor: Actor): Promise<UserEvent> {
    if (!channel) throw notFound(`there is no channel "${c.channelId}"`);
    const member = await this.store.member(tenant, c.channelId, actor.userId);
    if (!member?.active) throw forbidden('read markers are kept for members; join the channel first');
    if (c.threadRootId) {
      const root = await this.store.message(tenant, c.channelId, c.threadRootId);
      if (!root || root.threadRootId !== null) throw invalid(`there is no thread "${c.threadRootId}" in this channel`);
    }
    const lastReadSeq = Math.min(c.lastReadSeq, channel.seq);
    await this.store.setReadMarker(tenant, { channelId: c.channelId, userId: actor.userId, threadRootId: c.threadRootId, lastReadSeq });
    const { unread, mentions } = await this.state(tenant, channel, member, c.threadRootId);
    return { type: 'tandem.chat.read.changed', data: { channel: refOf(channel), userId: actor.userId, threadRootId: c.threadRootId, lastReadSeq, unread, mentions } };
  }

  /** A member's read state of a channel (`threadRootId` null) or of one of its threads. */
  async state(tenant: string, channel: Pick<ChatChannel, 'channelId'>, member: ChatMember, threadRootId: string | null): Promise<ChatReadState> {
    const marker = await this.store.readMarker(tenant, channel.channelId, member.userId, threadRootId);
    const lastReadSeq = marker?.lastReadSeq ?? (threadRootId ? 0 : member.joinedSeq);
    const counts = await this.store.unread(tenant, { channelId: channel.channelId, threadRootId, afterSeq: lastReadSeq, userId: member.userId });
    return { channelId: channel.channelId, threadRootId, lastReadSeq, ...counts };
  }
}
