import { Injectable } from '@nestjs/common';
import { ChatMessage, ChatReaction, excerptOf } from '@tandem/contracts';
import { Actor, requireRole } from '../chat.access';
import { forbidden, invalid, notFound } from '../chat.errors';
import { ChangeCause, ChannelTx } from '../log/channel-tx';
import { mentionsOf } from '../mentions';
import type { ChatWrite } from '../store/chat-store.port';
import { CommandOf, existingChannel, unique } from './command-types';
import { DmsService } from './dms.service';

/**
 * Messages: posting (idempotent on the client-generated message id), thread replies with the
 * root's summary and automatic follows, edits with their history, tombstone deletes, reactions
 * and pins. Each changes the channel's stream by one seq, or not at all when it changes nothing.
 */
@Injectable()
export class MessagesService {
  constructor(private readonly dms: DmsService) {}

  async post(tx: ChannelTx, c: CommandOf<'tandem.chat.message.post'>, actor: Actor, cause: ChangeCause): Promise<void> {
    if (!tx.channel) {
      if (!c.participants) throw notFound(`there is no channel "${c.channelId}"`);
      this.dms.start(tx, c.participants, actor, cause);
    }
    const channel = existingChannel(tx);
    // A resend of a message stored already (a retry, a reconnect, the outbox) changes nothing.
    if (await tx.message(c.messageId)) return;
    const member = await tx.member(actor.userId);
    let root: ChatMessage | null = null;
    if (c.threadRootId) {
      requireRole(channel, member, actor, 'commenter', 'reply in a thread');
      root = await tx.message(c.threadRootId);
      if (!root) throw notFound(`there is no message "${c.threadRootId}" to reply to in this channel`);
      if (root.threadRootId !== null) throw invalid('replies go to the thread of a top-level message, not to another reply');
      if (root.deleted) throw invalid('that message was deleted; its thread takes no more replies');
    } else requireRole(channel, member, actor, 'editor', 'post messages');
    const mentions = await mentionsOf(c.text, async (id) => (await tx.member(id))?.active === true);
    const seq = tx.nextSeq;
    const message: ChatMessage = {
      messageId: c.messageId,
      channelId: c.channelId,
      seq,
      version: seq,
      authorId: actor.userId,
      text: c.text,
      createdAt: cause.time,
      editedAt: null,
      deleted: false,
      threadRootId: root?.messageId ?? null,
      alsoToChannel: root !== null && c.alsoToChannel,
      attachments: c.attachments,
      mentions,
      reactions: [],
      pinned: false,
      thread: null,
    };
    const writes: ChatWrite[] = [{ kind: 'message', message, channelKind: channel.kind }];
    let rootAfter: ChatMessage | null = null;
    let threadFollowerIds: string[] | null = null;
    if (root) {
      const t = root.thread;
      rootAfter = {
        ...root,
        version: seq,
        thread: { replyCount: (t?.replyCount ?? 0) + 1, participantIds: unique([...(t?.participantIds ?? []), actor.userId]), lastReplyAt: cause.time, lastReplySeq: seq },
      };
      writes.push({ kind: 'message', message: rootAfter, channelKind: channel.kind });
      // The root's author, the replier and whoever the reply mentions follow the thread (unless they chose not to).
      const auto = unique([root.authorId, actor.userId, ...mentions.userIds]);
      for (const userId of auto) writes.push({ kind: 'auto-follow', channelId: c.channelId, threadRootId: root.messageId, userId });
      threadFollowerIds = await tx.followers(root.messageId, auto);
    }
    const everyone = channel.kind !== 'public' || mentions.channel || mentions.here;
    const memberIds = everyone ? (await tx.members()).map((m) => m.userId) : null;
    const activity = message.alsoToChannel || !root ? { lastActivityAt: cause.time } : {};
    tx.record('tandem.chat.message.posted', cause, { ...channel, ...activity }, { message, excerpt: excerptOf(c.text), root: rootAfter, memberIds, threadFollowerIds }, writes);
  }

  async edit(tx: ChannelTx, c: CommandOf<'tandem.chat.message.edit'>, actor: Actor, cause: ChangeCause): Promise<void> {
    const channel = existingChannel(tx);
    requireRole(channel, await tx.member(actor.userId), actor, 'commenter', 'edit messages');
    const before = await this.live(tx, c.messageId);
    if (before.authorId !== actor.userId) throw forbidden('only its author can edit a message');
    if (before.text === c.text) return;
    const mentions = await mentionsOf(c.text, async (id) => (await tx.member(id))?.active === true);
    const seq = tx.nextSeq;
    const message: ChatMessage = { ...before, text: c.text, editedAt: cause.time, mentions, version: seq };
    const addedMentions = mentions.userIds.filter((id) => !before.mentions.userIds.includes(id));
    const writes: ChatWrite[] = [
      { kind: 'message', message, channelKind: channel.kind },
      { kind: 'edit', channelId: c.channelId, messageId: c.messageId, edit: { seq, text: before.text, editedAt: before.editedAt ?? before.createdAt } },
    ];
    tx.record('tandem.chat.message.edited', cause, channel, { message, excerpt: excerptOf(c.text), addedMentions }, writes);
  }

  async delete(tx: ChannelTx, c: CommandOf<'tandem.chat.message.delete'>, actor: Actor, cause: ChangeCause): Promise<void> {
    const channel = existingChannel(tx);
    const before = await tx.message(c.messageId);
    if (!before) throw notFound(`there is no message "${c.messageId}" in this channel`);
    if (before.deleted) return;
    const role = requireRole(channel, await tx.member(actor.userId), actor, 'commenter', 'delete messages');
    if (before.authorId !== actor.userId && role !== 'owner') throw forbidden("only its author or a channel owner can delete someone's message");
    const seq = tx.nextSeq;
    const message: ChatMessage = { ...before, text: '', attachments: [], reactions: [], mentions: { userIds: [], channel: false, here: false }, pinned: false, deleted: true, version: seq };
    const writes: ChatWrite[] = [{ kind: 'message', message, channelKind: channel.kind }];
    let root: ChatMessage | null = null;
    if (before.threadRootId) {
      const r = await tx.message(before.threadRootId);
      if (r?.thread) {
        root = { ...r, version: seq, thread: { ...r.thread, replyCount: Math.max(0, r.thread.replyCount - 1) } };
        writes.push({ kind: 'message', message: root, channelKind: channel.kind });
      }
    }
    tx.record('tandem.chat.message.deleted', cause, channel, { message, root }, writes);
  }

  async react(tx: ChannelTx, c: CommandOf<'tandem.chat.reaction.add'>, added: boolean, actor: Actor, cause: ChangeCause): Promise<void> {
    const channel = existingChannel(tx);
    requireRole(channel, await tx.member(actor.userId), actor, 'commenter', 'react');
    const before = await this.live(tx, c.messageId);
    const has = before.reactions.some((r) => r.emoji === c.emoji && r.userIds.includes(actor.userId));
    if (has === added) return;
    const reactions: ChatReaction[] = added
      ? before.reactions.some((r) => r.emoji === c.emoji)
        ? before.reactions.map((r) => (r.emoji === c.emoji ? { emoji: r.emoji, userIds: [...r.userIds, actor.userId] } : r))
        : [...before.reactions, { emoji: c.emoji, userIds: [actor.userId] }]
      : before.reactions.map((r) => (r.emoji === c.emoji ? { emoji: r.emoji, userIds: r.userIds.filter((u) => u !== actor.userId) } : r)).filter((r) => r.userIds.length > 0);
    const message: ChatMessage = { ...before, reactions, version: tx.nextSeq };
    tx.record('tandem.chat.reaction.changed', cause, channel, { message, emoji: c.emoji, added }, [{ kind: 'message', message, channelKind: channel.kind }]);
  }

  async pin(tx: ChannelTx, c: CommandOf<'tandem.chat.message.pin'>, actor: Actor, cause: ChangeCause): Promise<void> {
    const channel = existingChannel(tx);
    requireRole(channel, await tx.member(actor.userId), actor, 'editor', 'pin messages');
    const before = await this.live(tx, c.messageId);
    if (before.pinned === c.pinned) return;
    const message: ChatMessage = { ...before, pinned: c.pinned, version: tx.nextSeq };
    tx.record('tandem.chat.message.pinned', cause, channel, { message, pinned: c.pinned }, [{ kind: 'message', message, channelKind: channel.kind }]);
  }

  private async live(tx: ChannelTx, messageId: string): Promise<ChatMessage> {
    const message = await tx.message(messageId);
    if (!message) throw notFound(`there is no message "${messageId}" in this channel`);
    if (message.deleted) throw invalid('that message was deleted');
    return message;
  }
}
