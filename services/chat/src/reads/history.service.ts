import { Inject, Injectable } from '@nestjs/common';
import type { ChatChannel, ChatResponses } from '@tandem/contracts';
import { CHAT_STORE, ChatStore } from '../store/chat-store.port';

type Anchor = { seq: number; direction: 'before' | 'after' | 'around' } | null;

/**
 * History pages of a channel (or one thread), always in seq order. Paging is by the per-channel
 * seq, never by time, so messages sharing a timestamp are neither skipped nor repeated: the next
 * page older is `before` the first seq of this one, the next newer `after` its last. The flag in
 * the paging direction is exact (one more message is read); the other one says whether the
 * stream goes on that way at all (that page may hold no messages), which costs no query — on
 * FerretDB every range query is a scan.
 */
@Injectable()
export class HistoryService {
  constructor(@Inject(CHAT_STORE) private readonly store: ChatStore) {}

  async page(tenant: string, channel: ChatChannel, threadRootId: string | null, anchor: Anchor, limit: number): Promise<ChatResponses['chat.history']> {
    const id = channel.channelId;
    const q = (direction: 'before' | 'after', seq: number, n: number) => this.store.history(tenant, id, { threadRootId, direction, seq, limit: n });
    const latestSeq = channel.seq;
    if (!anchor) {
      const rows = await q('before', Number.MAX_SAFE_INTEGER, limit + 1);
      return { messages: rows.slice(0, limit).reverse(), hasBefore: rows.length > limit, hasAfter: false, latestSeq };
    }
    if (anchor.direction === 'before') {
      const rows = await q('before', anchor.seq, limit + 1);
      return { messages: rows.slice(0, limit).reverse(), hasBefore: rows.length > limit, hasAfter: anchor.seq <= latestSeq, latestSeq };
    }
    if (anchor.direction === 'after') {
      const rows = await q('after', anchor.seq, limit + 1);
      return { messages: rows.slice(0, limit), hasBefore: anchor.seq > 0 && latestSeq > 0, hasAfter: rows.length > limit, latestSeq };
    }
    // Around: the anchor and what follows it take the larger half, what precedes it the rest.
    const newer = Math.ceil(limit / 2);
    const older = limit - newer;
    const [after, before] = await Promise.all([q('after', anchor.seq - 1, newer + 1), q('before', anchor.seq, older + 1)]);
    return { messages: [...before.slice(0, older).reverse(), ...after.slice(0, newer)], hasBefore: before.length > older, hasAfter: after.length > newer, latestSeq };
  }
}
