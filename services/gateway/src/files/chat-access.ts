import { Injectable } from '@nestjs/common';
import type { ResourceRole } from '@tandem/contracts';
import type { Principal } from '@tandem/platform';
import { workspaceRoleOf } from '../access/effective-role';

/**
 * Who may read and post in a chat channel, for files attached to channels and messages. The chat
 * service owns channel membership; until it publishes it (issue 6), {@link WorkspaceChatAccess}
 * stands in.
 */
export interface ChatAccess {
  /** The user's role in the channel: `editor` may post (and attach), `viewer` may only read, `none` neither. */
  roleIn(principal: Principal, channelId: string): Promise<ResourceRole | 'none'>;
}

export const CHAT_ACCESS = Symbol('ChatAccess');

/**
 * The channel rule available before the chat service exists: every workspace member may read and
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
