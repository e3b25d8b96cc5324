import { Inject, Injectable } from '@nestjs/common';
import type { ChatMessage } from '@tandem/contracts';
import type { Actor } from '../chat.access';
import { CHAT_STORE, ChatStore, wordsOf } from '../store/chat-store.port';

/**
 * Message search: messages whose text contains every word of the query as a whole word,
 * case-insensitively (punctuation and markdown ignored; no prefixes, stemming or phrases), newest
 * first, among the channels the caller may read — their channels and DMs, and every public
 * channel unless they are a guest. Deleted messages are never found.
 */
@Injectable()
export class SearchService {
  constructor(@Inject(CHAT_STORE) private readonly store: ChatStore) {}

  /** `channelId` narrows to one channel (the caller has been checked to read it). */
  async search(tenant: string, actor: Actor, query: string, channelId: string | null, limit: number): Promise<ChatMessage[]> {
    const words = wordsOf(query);
    if (!words.length) return [];
    if (channelId) return this.store.search(tenant, { channelIds: [channelId], publicToo: false }, words, limit);
    const channelIds = (await this.store.membershipsOf(tenant, actor.userId)).map((m) => m.channelId);
    return this.store.search(tenant, { channelIds, publicToo: actor.workspaceRole !== 'guest' }, words, limit);
  }
}
