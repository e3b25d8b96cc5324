import { z } from 'zod';
import { CommandId, Id } from '../ids';
import {
  ChannelKind,
  ChannelName,
  ChannelRole,
  ChatAttachment,
  ChatChange,
  ChatChannel,
  ChatMessage,
  ChatText,
  Emoji,
  MAX_DM_PARTICIPANTS,
} from '../events/chat.events';

/**
 * Chat over the client ↔ gateway protocol. Writes are `command`s (each with a client-generated
 * `commandId`, acknowledged once Kafka has it, kept in the SDK's outbox until then); reads and room
 * subscriptions are `chat` requests answered in their acknowledgement, and the same reads are
 * served over HTTP at `/api/v1/chat/...`.
 */

const C = { commandId: CommandId, channelId: Id };

export const ChatClientCommand = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('chat.channel.create'), ...C, kind: ChannelKind.exclude(['dm']), name: ChannelName, topic: z.string().max(250).optional(), description: z.string().max(1000).optional(), memberIds: z.array(Id).max(1000).optional() })
    .strict(),
  z.object({ type: z.literal('chat.channel.update'), ...C, name: ChannelName.optional(), topic: z.string().max(250).optional(), description: z.string().max(1000).optional() }).strict(),
  z.object({ type: z.literal('chat.channel.archive'), ...C, archived: z.boolean() }).strict(),
  z.object({ type: z.literal('chat.channel.join'), ...C }).strict(),
  z.object({ type: z.literal('chat.channel.leave'), ...C }).strict(),
  z.object({ type: z.literal('chat.member.add'), ...C, userId: Id, role: ChannelRole.optional() }).strict(),
  z.object({ type: z.literal('chat.member.remove'), ...C, userId: Id }).strict(),
  z.object({ type: z.literal('chat.member.role'), ...C, userId: Id, role: ChannelRole }).strict(),
  z
    .object({
      type: z.literal('chat.message.post'),
      ...C,
      messageId: Id,
      text: ChatText,
      threadRootId: Id.nullable().optional(),
      alsoToChannel: z.boolean().optional(),
      attachments: z.array(ChatAttachment).max(10).optional(),
      /** Every member of a DM, the sender included: starts the DM `dmChannelId(participants)` on its first message. */
      participants: z.array(Id).min(2).max(MAX_DM_PARTICIPANTS).optional(),
    })
    .strict(),
  z.object({ type: z.literal('chat.message.edit'), ...C, messageId: Id, text: ChatText }).strict(),
  z.object({ type: z.literal('chat.message.delete'), ...C, messageId: Id }).strict(),
  z.object({ type: z.literal('chat.reaction.add'), ...C, messageId: Id, emoji: Emoji }).strict(),
  z.object({ type: z.literal('chat.reaction.remove'), ...C, messageId: Id, emoji: Emoji }).strict(),
  z.object({ type: z.literal('chat.message.pin'), ...C, messageId: Id, pinned: z.boolean() }).strict(),
  z.object({ type: z.literal('chat.read.mark'), ...C, threadRootId: Id.nullable().optional(), lastReadSeq: z.number().int().min(0) }).strict(),
  z.object({ type: z.literal('chat.thread.follow'), ...C, threadRootId: Id, following: z.boolean() }).strict(),
]);
export type ChatClientCommand = z.infer<typeof ChatClientCommand>;

const Limit = z.coerce.number().int().min(1).max(200).default(50);

/** Where a history page starts: strictly before or after a seq, or around one (that message included). */
export const HistoryAnchor = z.object({ seq: z.coerce.number().int().min(0), direction: z.enum(['before', 'after', 'around']) }).strict();

/** Reads and room subscriptions, answered in the acknowledgement (socket) or as JSON (HTTP). */
export const ChatRequest = z.discriminatedUnion('type', [
  /** Enters the channel's room (members, or anyone who may read a public channel) and returns its state. */
  z.object({ type: z.literal('chat.subscribe'), channelId: Id }).strict(),
  z.object({ type: z.literal('chat.unsubscribe'), channelId: Id }).strict(),
  /** The caller's channels and DMs with unread and mention counts, most recent activity first. */
  z.object({ type: z.literal('chat.channels') }).strict(),
  /** Public channels whose name contains `query` (case-insensitive). */
  z.object({ type: z.literal('chat.browse'), query: z.string().max(80).default(''), limit: Limit }).strict(),
  /** A page of a channel's messages (or of one thread's replies), ordered by seq. No anchor: the latest page. */
  z.object({ type: z.literal('chat.history'), channelId: Id, threadRootId: Id.nullable().default(null), anchor: HistoryAnchor.nullable().default(null), limit: Limit }).strict(),
  /** Every change after `sinceSeq` (posts, edits, deletes, reactions, pins, members), in seq order. */
  z.object({ type: z.literal('chat.catchup'), channelId: Id, sinceSeq: z.coerce.number().int().min(0), limit: z.coerce.number().int().min(1).max(1000).default(500) }).strict(),
  /** Messages whose text contains every word of `query`, in the channels the caller can read. */
  z.object({ type: z.literal('chat.search'), query: z.string().trim().min(1).max(200), channelId: Id.nullable().default(null), limit: Limit }).strict(),
  /** Read markers, unread and mention counts of every channel and followed thread. */
  z.object({ type: z.literal('chat.unread') }).strict(),
  z.object({ type: z.literal('chat.members'), channelId: Id }).strict(),
  /** One message with its edit history. */
  z.object({ type: z.literal('chat.message'), channelId: Id, messageId: Id }).strict(),
  z.object({ type: z.literal('chat.pins'), channelId: Id }).strict(),
]);
export type ChatRequest = z.infer<typeof ChatRequest>;

/** The caller's read state of a channel (`threadRootId` null) or of a thread. */
export type ChatReadState = { channelId: string; threadRootId: string | null; lastReadSeq: number; unread: number; mentions: number };

/** A channel in the caller's list: the channel, their role, read state, and a DM's members. */
export type ChatChannelListItem = ChatChannel & { role: ChannelRole; lastReadSeq: number; unread: number; mentions: number; memberIds: string[] | null };

/** What each request answers with (inside `{ ok: true, ... }`). */
export interface ChatResponses {
  'chat.subscribe': { channel: ChatChannel; role: ChannelRole | null; read: ChatReadState | null };
  'chat.unsubscribe': object;
  'chat.channels': { channels: ChatChannelListItem[] };
  'chat.browse': { channels: ChatChannel[] };
  'chat.history': { messages: ChatMessage[]; hasBefore: boolean; hasAfter: boolean; latestSeq: number };
  'chat.catchup': { changes: ChatChange[]; latestSeq: number; complete: boolean };
  'chat.search': { messages: ChatMessage[] };
  'chat.unread': { channels: ChatReadState[]; threads: Array<ChatReadState & { following: boolean }> };
  'chat.members': { members: Array<{ userId: string; role: ChannelRole }> };
  'chat.message': { message: ChatMessage; edits: Array<{ text: string; editedAt: string }> };
  'chat.pins': { messages: ChatMessage[] };
}

/** Events the gateway pushes for chat (to a channel's room, or to all of one user's sockets). */
export type ChatServerEvent =
  /** A change of a subscribed channel's stream (or of a channel the user was just added to). */
  | { type: 'chat.change'; change: ChatChange }
  /** The user's read state changed (on any of their devices). */
  | ({ type: 'chat.read' } & ChatReadState)
  | { type: 'chat.thread.followed'; channelId: string; threadRootId: string; following: boolean }
  /** The chat service refused an acknowledged command; it changed nothing. */
  | { type: 'chat.rejected'; channelId: string; commandId: string; code: string; message: string }
  /** The socket left the channel's room: the user no longer may read it. */
  | { type: 'chat.removed'; channelId: string; message: string };

/** Socket.IO room of a chat channel, tenant-scoped. */
export function channelRoom(tenant: string, channelId: string): string {
  return `t:${tenant}:channel:${channelId}`;
}

/** Socket.IO room of all of one user's sockets, for their read markers and rejected commands. */
export function chatUserRoom(tenant: string, userId: string): string {
  return `t:${tenant}:chat-user:${userId}`;
}

/** The chat service's answer to "what may this user do in this channel?" (internal, gateway ↔ chat). */
export type ChatChannelAccess = { exists: boolean; kind: ChannelKind | null; archived: boolean; role: ChannelRole | null; canRead: boolean };
