import { Inject, Injectable } from '@nestjs/common';
import type { ChatChannel } from '@tandem/contracts';
import { Actor, canRead } from '../chat.access';
import { forbidden, invalid, notFound } from '../chat.errors';
import type { UserEvent } from '../chat.publisher';
import { refOf } from '../log/channel-tx';
import { CHAT_STORE, ChatStore } from '../store/chat-store.port';
import type { CommandOf } from './command-types';

/**
 * Following threads by choice. (Following by taking part — the root's author, repliers, mentioned
 * users — happens as replies are posted; an explicit unfollow is never overridden by it.)
 */
@Injectable()
export class ThreadsService {
  constructor(@Inject(CHAT_STORE) private readonly store: ChatStore) {}

  async follow(tenant: string, channel: ChatChannel | null, c: CommandOf<'tandem.chat.thread.follow'>, actor: Actor): Promise<UserEvent> {
    if (!channel) throw notFound(`there is no channel "${c.channelId}"`);
    if (!canRead(channel, await this.store.member(tenant, c.channelId, actor.userId), actor)) throw forbidden('you cannot read this channel');
    const root = await this.store.message(tenant, c.channelId, c.threadRootId);
    if (!root || root.threadRootId !== null) throw invalid(`there is no thread "${c.threadRootId}" in this channel`);
    await this.store.setFollow(tenant, { channelId: c.channelId, threadRootId: c.threadRootId, userId: actor.userId, following: c.following });
    return { type: 'tandem.chat.thread.followed', data: { channel: refOf(channel), userId: actor.userId, threadRootId: c.threadRootId, following: c.following } };
  }
}
