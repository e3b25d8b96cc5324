import type { ChannelRole, ChatChannel } from '@tandem/contracts';
import { forbidden } from './chat.errors';
import type { ChatMember } from './store/chat-store.port';

/** Who is acting, as the gateway authenticated them. */
export type Actor = { userId: string; workspaceRole: 'admin' | 'member' | 'guest' };

const RANK: Record<ChannelRole, number> = { viewer: 0, commenter: 1, editor: 2, owner: 3 };

/**
 * The actor's role in a channel: their membership's, else `owner` for a workspace admin (of any
 * channel but a DM, which stays private to its members), else none.
 */
export function roleIn(channel: ChatChannel, member: ChatMember | null, actor: Actor): ChannelRole | null {
  if (member?.active) return member.role;
  if (actor.workspaceRole === 'admin' && channel.kind !== 'dm') return 'owner';
  return null;
}

/** Members read; so does every workspace member (not a guest) in a public channel. */
export function canRead(channel: ChatChannel, member: ChatMember | null, actor: Actor): boolean {
  return roleIn(channel, member, actor) !== null || (channel.kind === 'public' && actor.workspaceRole !== 'guest');
}

/** Refuses unless the actor's role is at least `min`; `what` names the action in the message. */
export function requireRole(channel: ChatChannel, member: ChatMember | null, actor: Actor, min: ChannelRole, what: string): ChannelRole {
  const role = roleIn(channel, member, actor);
  if (role === null) throw forbidden(`you are not a member of this channel; ${channel.kind === 'public' ? 'join it' : 'ask a member to invite you'} to ${what}`);
  if (RANK[role] < RANK[min]) throw forbidden(`${what} needs the ${min} role in this channel; you are ${role}`);
  return role;
}

export function atLeast(role: ChannelRole | null, min: ChannelRole): boolean {
  return role !== null && RANK[role] >= RANK[min];
}
