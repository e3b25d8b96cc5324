import { Injectable } from '@nestjs/common';
import type { ChatChannelAccess } from '@tandem/contracts';
import { ChatCaller, ChatReadRepository } from './chat-read.repository';

/** Memberships kept per gateway at most; the oldest are dropped (and asked again when needed). */
export const CHAT_ACCESS_CACHE_SIZE = 50_000;

/**
 * What each user may do in each channel, as the chat service (the authority) answered, kept while
 * chat events say nothing changed. Only memberships are kept: a refusal is asked again every time,
 * so a user who just joined is never refused from a stale entry. Events on `chat.events.v1` drop the
 * entries they touch (member left or role changed, channel archived).
 */
@Injectable()
export class ChatAccessCache {
  private readonly entries = new Map<string, ChatChannelAccess>();

  constructor(private readonly repository: ChatReadRepository) {}

  async get(caller: ChatCaller, channelId: string): Promise<ChatChannelAccess> {
    const key = `${caller.tenant}/${channelId}/${caller.userId}/${caller.workspaceRole}`;
    const hit = this.entries.get(key);
    if (hit) return hit;
    const access = await this.repository.access(caller, channelId);
    if (access.role !== null) {
      this.entries.set(key, access);
      if (this.entries.size > CHAT_ACCESS_CACHE_SIZE) this.entries.delete(this.entries.keys().next().value!);
    }
    return access;
  }

  /** Forgets one user's entry in a channel (their membership changed). */
  forgetMember(tenant: string, channelId: string, userId: string): void {
    const prefix = `${tenant}/${channelId}/${userId}/`;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  /** Forgets every entry of a channel (it was archived or changed). */
  forgetChannel(tenant: string, channelId: string): void {
    const prefix = `${tenant}/${channelId}/`;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
