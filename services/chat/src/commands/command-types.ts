import type { ChatChannel, EventOfType, EventTypeOf, TOPICS } from '@tandem/contracts';
import type { ChannelTx } from '../log/channel-tx';
import { notFound, forbidden } from '../chat.errors';

type Commands = typeof TOPICS.chatCommands;
/** The data of one `chat.commands.v1` type. */
export type CommandOf<E extends EventTypeOf<Commands>> = EventOfType<Commands, E>['data'];
export type ChatCommandType = EventTypeOf<Commands>;

/** The channel a command needs to exist (and, unless `archivedOk`, not to be archived). */
export function existingChannel(tx: ChannelTx, archivedOk = false): ChatChannel {
  const channel = tx.channel;
  if (!channel) throw notFound(`there is no channel "${tx.channelId}"`);
  if (channel.archived && !archivedOk) throw forbidden('this channel is archived; unarchive it first');
  return channel;
}

export const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];
