import type { EventOfType, MuteScope, NotificationType, TOPICS, TopicEvent } from '@tandem/contracts';
import { Candidate, clip } from './candidate';

type ChatEvent = TopicEvent<typeof TOPICS.chatEvents>;
type Posted = EventOfType<typeof TOPICS.chatEvents, 'tandem.chat.message.posted'>['data'];

/** When one message concerns a user several ways, the strongest reason wins (one notification per message). */
const PRIORITY: NotificationType[] = ['chat.mention', 'file.shared', 'chat.dm', 'chat.reply'];

/**
 * Notifications from `chat.events.v1`: a new message notifies the users it mentions (`@user` of a
 * member; `@channel`/`@here`: every member), the other members of a DM, and the followers of the
 * thread it replies to; an edit notifies users it newly mentions. Never the author, and never a
 * user the event does not show as a member when it lists the members (private channels, DMs).
 * `@here` notifies every member: the service does not know who is online, and an offline member
 * sees it on their next visit anyway.
 */
export function mapChatEvent(event: ChatEvent): Candidate[] {
  switch (event.type) {
    case 'tandem.chat.message.posted':
      return fromPosted(event.data);
    case 'tandem.chat.message.edited': {
      const { message, channel, excerpt } = event.data;
      if (message.deleted) return [];
      const reasons = new Map<string, NotificationType>(event.data.addedMentions.map((id) => [id, 'chat.mention']));
      return candidates(reasons, { channel, message, excerpt });
    }
    default:
      return [];
  }
}

function fromPosted(d: Posted): Candidate[] {
  const { message, channel } = d;
  if (message.deleted) return [];
  const members = d.memberIds ? new Set(d.memberIds) : null;
  const reasons = new Map<string, NotificationType>();
  const add = (userId: string, type: NotificationType) => {
    const had = reasons.get(userId);
    if (!had || PRIORITY.indexOf(type) < PRIORITY.indexOf(had)) reasons.set(userId, type);
  };
  for (const id of message.mentions.userIds) add(id, 'chat.mention');
  if ((message.mentions.channel || message.mentions.here) && d.memberIds) for (const id of d.memberIds) add(id, 'chat.mention');
  if (channel.kind === 'dm' && d.memberIds) for (const id of d.memberIds) add(id, message.attachments.length ? 'file.shared' : 'chat.dm');
  if (message.threadRootId && d.threadFollowerIds) for (const id of d.threadFollowerIds) add(id, 'chat.reply');
  // Only members of a channel whose members the event lists can read it.
  if (members) for (const id of [...reasons.keys()]) if (!members.has(id)) reasons.delete(id);
  return candidates(reasons, { channel, message, excerpt: d.excerpt });
}

function candidates(reasons: Map<string, NotificationType>, { channel, message, excerpt }: Pick<Posted, 'channel' | 'message' | 'excerpt'>): Candidate[] {
  reasons.delete(message.authorId);
  const where = channel.kind === 'dm' ? 'a direct message' : `#${channel.name}`;
  const scopes: MuteScope[] = [{ kind: 'channel', id: channel.channelId }];
  if (message.threadRootId) scopes.push({ kind: 'thread', id: message.threadRootId });
  const file = message.attachments[0];
  const titles: Partial<Record<NotificationType, string>> = {
    'chat.dm': `${message.authorId} sent you a direct message`,
    'chat.reply': `${message.authorId} replied in a thread in ${where}`,
    'chat.mention': `${message.authorId} mentioned you in ${where}`,
    'file.shared': `${message.authorId} shared ${file ? (file.name ?? 'a file') : 'a file'} with you`,
  };
  return [...reasons].map(([userId, type]) => ({
    userId,
    type,
    title: clip(titles[type]!, 300),
    body: clip(excerpt, 500),
    actorId: message.authorId,
    link:
      type === 'file.shared'
        ? { kind: 'file' as const, fileId: file.fileId, docId: null, channelId: channel.channelId }
        : { kind: 'chat' as const, channelId: channel.channelId, messageId: message.messageId, threadRootId: message.threadRootId, seq: message.seq },
    scopes,
    // One per message and user, whatever the reason and however often the event is delivered.
    idempotencyKey: `chat:${channel.channelId}:${message.messageId}`,
    requiresDoc: null,
  }));
}
