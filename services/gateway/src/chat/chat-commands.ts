import type { ChatClientCommand, ClientCommand, EventOfType, EventTypeOf, TOPICS } from '@tandem/contracts';
import type { Principal } from '@tandem/platform';

type Commands = typeof TOPICS.chatCommands;
export type ChatServiceCommand = { [E in EventTypeOf<Commands>]: { type: E; data: EventOfType<Commands, E>['data'] } }[EventTypeOf<Commands>];

/** True for the commands the chat service handles. */
export function isChatCommand(command: ClientCommand): command is ChatClientCommand {
  return command.type.startsWith('chat.');
}

/** The workspace role the chat service needs to know (admins own every channel; guests see only their own). */
export function workspaceRoleOf(principal: Principal): 'admin' | 'member' | 'guest' {
  if (principal.roles.includes('admin')) return 'admin';
  if (principal.roles.includes('guest') && !principal.roles.includes('member')) return 'guest';
  return 'member';
}

/** Turns a client's chat command into the `chat.commands.v1` record data, naming the caller as the actor. */
export function toServiceCommand(principal: Principal, command: ChatClientCommand): ChatServiceCommand {
  const base = { commandId: command.commandId, channelId: command.channelId, userId: principal.userId, workspaceRole: workspaceRoleOf(principal) };
  switch (command.type) {
    case 'chat.channel.create':
      return {
        type: 'tandem.chat.channel.create',
        data: { ...base, kind: command.kind, name: command.name, topic: command.topic ?? '', description: command.description ?? '', memberIds: command.memberIds ?? [] },
      };
    case 'chat.channel.update': {
      const data: ChatServiceCommand['data'] & { name?: string; topic?: string; description?: string } = { ...base };
      if (command.name !== undefined) data.name = command.name;
      if (command.topic !== undefined) data.topic = command.topic;
      if (command.description !== undefined) data.description = command.description;
      return { type: 'tandem.chat.channel.update', data };
    }
    case 'chat.channel.archive':
      return { type: 'tandem.chat.channel.archive', data: { ...base, archived: command.archived } };
    case 'chat.channel.join':
      return { type: 'tandem.chat.member.join', data: base };
    case 'chat.channel.leave':
      return { type: 'tandem.chat.member.leave', data: base };
    case 'chat.member.add':
      return { type: 'tandem.chat.member.add', data: { ...base, subject: command.userId, role: command.role ?? 'editor' } };
    case 'chat.member.remove':
      return { type: 'tandem.chat.member.remove', data: { ...base, subject: command.userId } };
    case 'chat.member.role':
      return { type: 'tandem.chat.member.role', data: { ...base, subject: command.userId, role: command.role } };
    case 'chat.message.post':
      return {
        type: 'tandem.chat.message.post',
        data: {
          ...base,
          messageId: command.messageId,
          text: command.text,
          threadRootId: command.threadRootId ?? null,
          alsoToChannel: command.alsoToChannel ?? false,
          attachments: command.attachments ?? [],
          participants: command.participants ?? null,
        },
      };
    case 'chat.message.edit':
      return { type: 'tandem.chat.message.edit', data: { ...base, messageId: command.messageId, text: command.text } };
    case 'chat.message.delete':
      return { type: 'tandem.chat.message.delete', data: { ...base, messageId: command.messageId } };
    case 'chat.reaction.add':
      return { type: 'tandem.chat.reaction.add', data: { ...base, messageId: command.messageId, emoji: command.emoji } };
    case 'chat.reaction.remove':
      return { type: 'tandem.chat.reaction.remove', data: { ...base, messageId: command.messageId, emoji: command.emoji } };
    case 'chat.message.pin':
      return { type: 'tandem.chat.message.pin', data: { ...base, messageId: command.messageId, pinned: command.pinned } };
    case 'chat.read.mark':
      return { type: 'tandem.chat.read.mark', data: { ...base, threadRootId: command.threadRootId ?? null, lastReadSeq: command.lastReadSeq } };
    case 'chat.thread.follow':
      return { type: 'tandem.chat.thread.follow', data: { ...base, threadRootId: command.threadRootId, following: command.following } };
  }
}
