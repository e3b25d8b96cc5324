import { Injectable } from '@nestjs/common';
import type { ChannelRole, ChatChannel } from '@tandem/contracts';
import { Actor, atLeast, requireRole, roleIn } from '../chat.access';
import { forbidden, invalid } from '../chat.errors';
import type { ChangeCause, ChannelTx } from '../log/channel-tx';
import type { ChatMember, ChatWrite } from '../store/chat-store.port';
import { CommandOf, existingChannel, unique } from './command-types';

const notDm = (channel: ChatChannel, what: string) => {
  if (channel.kind === 'dm') throw invalid(`a DM cannot ${what}; create a private channel for that`);
};

/**
 * Channels: create (idempotent on the channel id), rename and set the topic or description,
 * archive, and membership — join a public channel, leave, invite, remove and change roles.
 */
@Injectable()
export class ChannelsService {
  async create(tx: ChannelTx, c: CommandOf<'tandem.chat.channel.create'>, actor: Actor, cause: ChangeCause): Promise<void> {
    if (tx.channel) throw invalid(`a channel with the id "${c.channelId}" exists already; pick another id`);
    if (actor.workspaceRole === 'guest') throw forbidden('guests cannot create channels; ask a member to invite you');
    if (c.channelId.startsWith('dm-')) throw invalid('channel ids starting with "dm-" are kept for direct messages');
    const seq = tx.nextSeq;
    const memberIds = unique([actor.userId, ...c.memberIds]);
    const channel: ChatChannel = {
      channelId: c.channelId,
      kind: c.kind,
      name: c.name,
      topic: c.topic,
      description: c.description,
      archived: false,
      createdBy: actor.userId,
      createdAt: cause.time,
      seq,
      memberCount: memberIds.length,
      lastActivityAt: cause.time,
    };
    const writes: ChatWrite[] = memberIds.map((userId) => ({ kind: 'member', member: member(c.channelId, userId, userId === actor.userId ? 'owner' : 'editor', seq) }));
    tx.record('tandem.chat.channel.created', cause, channel, { info: channel, memberIds }, writes);
  }

  async update(tx: ChannelTx, c: CommandOf<'tandem.chat.channel.update'>, actor: Actor, cause: ChangeCause): Promise<void> {
    const channel = existingChannel(tx);
    notDm(channel, 'be renamed or given a topic');
    requireRole(channel, await tx.member(actor.userId), actor, 'owner', 'change the channel');
    const after = { ...channel, name: c.name ?? channel.name, topic: c.topic ?? channel.topic, description: c.description ?? channel.description };
    if (after.name === channel.name && after.topic === channel.topic && after.description === channel.description) return;
    tx.record('tandem.chat.channel.updated', cause, after, { info: after }, []);
  }

  async archive(tx: ChannelTx, c: CommandOf<'tandem.chat.channel.archive'>, actor: Actor, cause: ChangeCause): Promise<void> {
    const channel = existingChannel(tx, true);
    notDm(channel, 'be archived');
    requireRole(channel, await tx.member(actor.userId), actor, 'owner', 'archive the channel');
    if (channel.archived === c.archived) return;
    const after = { ...channel, archived: c.archived };
    tx.record('tandem.chat.channel.updated', cause, after, { info: after }, []);
  }

  async join(tx: ChannelTx, c: CommandOf<'tandem.chat.member.join'>, actor: Actor, cause: ChangeCause): Promise<void> {
    const channel = existingChannel(tx);
    if ((await tx.member(actor.userId))?.active) return;
    if (channel.kind !== 'public' || actor.workspaceRole === 'guest') throw forbidden('this channel is private; ask one of its members to invite you');
    this.joined(tx, channel, actor.userId, 'editor', actor, cause);
  }

  async leave(tx: ChannelTx, c: CommandOf<'tandem.chat.member.leave'>, actor: Actor, cause: ChangeCause): Promise<void> {
    const channel = existingChannel(tx, true);
    notDm(channel, 'be left');
    const m = await tx.member(actor.userId);
    if (!m?.active) return;
    this.left(tx, channel, m, 'left', actor, cause);
  }

  async add(tx: ChannelTx, c: CommandOf<'tandem.chat.member.add'>, actor: Actor, cause: ChangeCause): Promise<void> {
    const channel = existingChannel(tx);
    notDm(channel, 'get new members');
    const role = roleIn(channel, await tx.member(actor.userId), actor);
    // Owners invite; in a public channel, which anyone may join anyway, any editor may invite.
    const may = role === 'owner' || (channel.kind === 'public' && atLeast(role, 'editor'));
    if (!may) throw forbidden(channel.kind === 'public' ? 'inviting needs the editor role in this channel' : 'only owners of a private channel invite to it');
    if (c.role === 'owner' && role !== 'owner') throw forbidden('only an owner can make someone an owner');
    if ((await tx.member(c.subject))?.active) return;
    this.joined(tx, channel, c.subject, c.role, actor, cause);
  }

  async remove(tx: ChannelTx, c: CommandOf<'tandem.chat.member.remove'>, actor: Actor, cause: ChangeCause): Promise<void> {
    const channel = existingChannel(tx, true);
    notDm(channel, 'lose members');
    requireRole(channel, await tx.member(actor.userId), actor, 'owner', 'remove members');
    const m = await tx.member(c.subject);
    if (!m?.active) return;
    this.left(tx, channel, m, c.subject === actor.userId ? 'left' : 'removed', actor, cause);
  }

  async role(tx: ChannelTx, c: CommandOf<'tandem.chat.member.role'>, actor: Actor, cause: ChangeCause): Promise<void> {
    const channel = existingChannel(tx);
    notDm(channel, 'have roles');
    requireRole(channel, await tx.member(actor.userId), actor, 'owner', 'change roles');
    const m = await tx.member(c.subject);
    if (!m?.active) throw invalid(`${c.subject} is not a member of this channel; invite them first`);
    if (m.role === c.role) return;
    const seq = tx.nextSeq;
    tx.record('tandem.chat.member.role-changed', cause, channel, { userId: c.subject, role: c.role }, [{ kind: 'member', member: { ...m, role: c.role, version: seq } }]);
  }

  private joined(tx: ChannelTx, channel: ChatChannel, userId: string, role: ChannelRole, actor: Actor, cause: ChangeCause): void {
    const seq = tx.nextSeq;
    const memberCount = channel.memberCount + 1;
    tx.record('tandem.chat.member.joined', cause, { ...channel, memberCount }, { userId, role, memberCount }, [{ kind: 'member', member: member(channel.channelId, userId, role, seq) }]);
  }

  private left(tx: ChannelTx, channel: ChatChannel, m: ChatMember, reason: 'left' | 'removed', actor: Actor, cause: ChangeCause): void {
    const seq = tx.nextSeq;
    const memberCount = Math.max(0, channel.memberCount - 1);
    tx.record('tandem.chat.member.left', cause, { ...channel, memberCount }, { userId: m.userId, reason, memberCount }, [{ kind: 'member', member: { ...m, active: false, version: seq } }]);
  }
}

function member(channelId: string, userId: string, role: ChannelRole, seq: number): ChatMember {
  return { channelId, userId, role, joinedSeq: seq, active: true, version: seq };
}
