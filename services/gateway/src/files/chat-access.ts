import { Injectable } from '@nestjs/common';
import type { ResourceRole } from '@tandem/contracts';
import type { Principal } from '@tandem/platform';
import { workspaceRoleOf } from '../access/effective-role';
import { ChatAccessCache } from '../chat/chat-access.cache';

/**
 * Who may read and post in a chat channel, for files attached to channels and messages. The chat
 * service owns channel membership: {@link ChatServiceAccess} asks it (when `CHAT_URL` is set, or in
 * the embedded mode, which wires the chat module in); {@link WorkspaceChatAccess} stands in where no
 * chat service is wired.
 */
export interface ChatAccess {
  /** The user's role in the channel: `editor` may post (and attach), `viewer` may only read, `none` neither. */
  roleIn(principal: Principal, channelId: string): Promise<ResourceRole | 'none'>;
}

export const CHAT_ACCESS = Symbol('ChatAccess');

/** Channel roles as the chat service answers them (cached by the gateway, dropped on membership events). */
@Injectable()
export class ChatServiceAccess implements ChatAccess {
  constructor(private readonly cache: ChatAccessCache) {}

  async roleIn(principal: Principal, channelId: string): Promise<ResourceRole | 'none'> {
    const access = await this.cache.get({ tenant: principal.tenant, userId: principal.userId, workspaceRole: workspaceRoleOf(principal) }, channelId);
    if (!access.exists) return 'none';
    // An archived channel is read-only; a reader who is not a member (public channels) only views.
    const role = access.role ?? (access.canRead ? 'viewer' : 'none');
    return access.archived && role !== 'none' ? 'viewer' : role;
  }
}

/**
 * The channel rule where no chat service is wired: every workspace member may read and
 * post in every channel of the tenant, admins own them, guests see none. Private channels and
 * direct messages need the chat service's membership (replace this provider with one reading it).
 */
@Injectable()
export class WorkspaceChatAccess implements ChatAccess {
  async roleIn(principal: Principal): Promise<ResourceRole | 'none'> {
    switch (workspaceRoleOf(principal)) {
      case 'admin':
        return 'owner';
      case 'member':
        return 'editor';
      case 'guest':
        return 'none';
    }
  }
}
