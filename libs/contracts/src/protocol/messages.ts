import { z } from 'zod';
import { CommandId, Id } from '../ids';
import type { ResourceRole } from '../events/acl.events';
import { ChosenStatus, PresenceMember, ShownStatus } from '../events/presence.events';
import type { MatchBoard } from '../events/stats.events';
import { ChatClientCommand, ChatRequest, ChatResponses, ChatServerEvent } from './chat.messages';
import type { AttachmentTarget, FileFailureReason, FileView } from '../events/files.events';
import { NotificationsRequest, NotificationsResponses, NotificationsServerEvent } from './notifications.messages';
import { DocChangeCommand, DocJoinOptions, DocSyncState, DocsRequest, DocsResponses, DocsServerEvent } from './docs.messages';

/**
 * The client ↔ gateway protocol, carried over Socket.IO. Clients send `join`, `leave` and `command`
 * (each with an acknowledgement callback); the gateway pushes `event`s to the rooms a client joined.
 * Every message is a discriminated union on `type`.
 */

/** A resource a client can join: its room receives the resource's events. */
/**
 * `match`: a live stats board; `leaderboard`: the rank changes of a leaderboard (its id is the
 * board id). Both are watchable by anyone of the tenant and read-only.
 */
export const ResourceRef = z.object({ kind: z.enum(['doc', 'match', 'leaderboard']), id: Id }).strict();
export type ResourceRef = z.infer<typeof ResourceRef>;

/** Stats resources: public within the tenant, read-only, and not tracked by presence (a final can have thousands of watchers). */
export function isStatsResource(resource: ResourceRef): resource is ResourceRef & { kind: 'match' | 'leaderboard' } {
  return resource.kind === 'match' || resource.kind === 'leaderboard';
}

/**
 * Where someone types: a joined resource, or a chat channel the socket subscribed to
 * (`chat.subscribe`). Its presence room is `<kind>:<id>`, its Socket.IO room that of the resource or
 * channel.
 */
export const TypingPlaceRef = z.object({ kind: z.enum(['doc', 'match', 'channel']), id: Id }).strict();
export type TypingPlaceRef = z.infer<typeof TypingPlaceRef>;

/** Joins a resource's room; `link` is a share-link token granting a role on that resource. */
/** `doc`: join a collaborative document of that kind and get what it lacks (see docs.messages.ts); without it, the counter. */
export const JoinMessage = z.object({ type: z.literal('join'), resource: ResourceRef, link: z.string().min(1).max(4096).optional(), doc: DocJoinOptions.optional() }).strict();
export const LeaveMessage = z.object({ type: z.literal('leave'), resource: ResourceRef }).strict();

export const CounterIncrementCommand = z
  .object({
    type: z.literal('doc.counter.increment'),
    commandId: CommandId,
    docId: Id,
    by: z.number().int().min(-1_000_000).max(1_000_000),
  })
  .strict();

/** Every command a client may send. The gateway acknowledges it only once Kafka has it durably. */
export const ClientCommand = z.discriminatedUnion('type', [CounterIncrementCommand, DocChangeCommand, ...ChatClientCommand.options]);
export type ClientCommand = z.infer<typeof ClientCommand>;

/** A cursor or selection: Automerge cursors for text (`anchor`/`head`), coordinates for canvases. Never stored. */
export const CursorPosition = z
  .object({
    anchor: z.string().max(256).optional(),
    head: z.string().max(256).optional(),
    x: z.number().finite().optional(),
    y: z.number().finite().optional(),
  })
  .strict();
export type CursorPosition = z.infer<typeof CursorPosition>;

/** Presence messages: status, typing/editing, activity, cursors and following other users. */
export const PresenceMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('presence.status'), status: ChosenStatus, text: z.string().max(200).nullable().default(null), textExpiresAt: z.iso.datetime({ offset: true }).nullable().default(null) }).strict(),
  z.object({ type: z.literal('presence.typing'), resource: TypingPlaceRef, thread: Id.nullable().default(null), kind: z.enum(['typing', 'editing']), active: z.boolean() }).strict(),
  z.object({ type: z.literal('presence.activity') }).strict(),
  z.object({ type: z.literal('presence.cursor'), resource: ResourceRef, cursor: CursorPosition }).strict(),
  z.object({ type: z.literal('presence.follow'), userIds: z.array(Id).min(1).max(500) }).strict(),
  z.object({ type: z.literal('presence.unfollow'), userIds: z.array(Id).min(1).max(500) }).strict(),
]);
export type PresenceMessage = z.infer<typeof PresenceMessage>;

/** A user's status as shown to others. */
export type UserPresence = { userId: string; name: string; status: ShownStatus; text: string | null; connections: number };

/** Replaces the socket's token before it expires (answer to `auth.expiring`). */
export const AuthRefreshMessage = z.object({ type: z.literal('auth.refresh'), token: z.string().min(1).max(8192) }).strict();
export type AuthRefreshMessage = z.infer<typeof AuthRefreshMessage>;
export type JoinMessage = z.infer<typeof JoinMessage>;
export type LeaveMessage = z.infer<typeof LeaveMessage>;

/** The current state of a joined resource, returned in the join acknowledgement. */
export type ResourceState = { kind: 'doc'; docId: string; docType: 'counter'; seq: number; value: number };

/** What joining a `match` answers: its board so far (null before any of its events was ingested). */
export type MatchWatchState = { kind: 'match'; matchId: string; board: MatchBoard | null };

/** What joining a `leaderboard` answers: that its rank changes will come (read the ranks over HTTP). */
export type LeaderboardWatchState = { kind: 'leaderboard'; boardId: string };

/** Why a socket lost a resource (or the whole connection). */
export type KickReason = 'ACCESS_REVOKED' | 'LINK_REVOKED' | 'LINK_EXPIRED' | 'TOKEN_EXPIRED';

/** Events pushed by the gateway: to a room, or to one socket. */
export type ServerEvent =
  | { type: 'doc.counter.changed'; docId: string; seq: number; value: number; commandIds: string[] }
  /** The socket was removed from the resource's room and gets nothing more from it. */
  | { type: 'kicked'; resource: ResourceRef | null; reason: KickReason; message: string }
  /** The socket's role on the resource was lowered; it stays in the room. */
  | { type: 'downgraded'; resource: ResourceRef; role: ResourceRole; message: string }
  /** The token expires at `expiresAt` (ms since epoch): send `auth.refresh` before, or be disconnected. */
  | { type: 'auth.expiring'; expiresAt: number }
  /** Who is in the resource's room now (after every change). */
  | { type: 'presence.roster'; resource: ResourceRef; members: PresenceMember[] }
  /** Who is typing or editing in the resource or channel (or one thread of it) now. */
  | { type: 'presence.typing'; resource: TypingPlaceRef; thread: string | null; typing: Array<{ userId: string; name: string; kind: 'typing' | 'editing' }> }
  /** Where users' cursors are: one batch per room every 50 ms, each user's latest position once (may be dropped). */
  | { type: 'presence.cursors'; resource: ResourceRef; cursors: Array<{ userId: string; name: string; cursor: CursorPosition }> }
  /** A followed user's status changed. */
  | ({ type: 'presence.user' } & UserPresence)
  /** A file attached to something in this room passed verification, or its previews are ready. */
  | { type: 'file.uploaded' | 'file.preview.ready'; file: FileView }
  /** Preview generation of a file in this room progressed (0..1). */
  | { type: 'file.preview.progress'; fileId: string; target: AttachmentTarget; progress: number; step: string }
  /** A file in this room was refused (and deleted) or its preview failed. */
  | { type: 'file.failed'; fileId: string; target: AttachmentTarget; name: string; reason: FileFailureReason; message: string }
  /** A file in this room was deleted with its previews. */
  | { type: 'file.deleted'; fileId: string; target: AttachmentTarget; deletedBy: string }
  /** A watched match's board changed (at most ~10 per second per match). */
  | { type: 'stats.board'; board: MatchBoard }
  /** A player in a watched match beat their personal best of a stat. */
  | { type: 'stats.record'; matchId: string; playerId: string; stat: string; value: number; previous: number | null }
  /** A player's rank on a watched leaderboard's period changed (one event per player whose score moved them; others shifted by it get none). */
  | { type: 'stats.rank'; boardId: string; period: string; playerId: string; rank: number; previousRank: number | null; score: number }
  /** A message without an acknowledgement callback was refused; `event` names it. */
  | { type: 'protocol.error'; event: string; error: ProtocolError }
  /** Chat: stream changes, read state, rejected commands (see chat.messages.ts). */
  | ChatServerEvent
  /** Notifications: new ones and badge changes, to every socket of the user (see notifications.messages.ts). */
  | NotificationsServerEvent
  /** Collaborative documents: relayed changes, merges, rejections (see docs.messages.ts). */
  | DocsServerEvent;

/** Codes of protocol errors; every failed acknowledgement carries one and a message saying what to do. */
export type ProtocolErrorCode =
  | 'INVALID_MESSAGE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'LIMIT_EXCEEDED'
  | 'INTERNAL';

/** `retryAfterMs` comes with `RATE_LIMITED`: when sending again will be accepted. */
export type ProtocolError = { code: ProtocolErrorCode; message: string; retryAfterMs?: number };

export type Ack<T = object> = ({ ok: true } & T) | { ok: false; error: ProtocolError };
export type JoinAck = Ack<{ state: ResourceState | DocSyncState | MatchWatchState | LeaderboardWatchState; role: ResourceRole }>;
export type CommandAck = Ack<{ commandId: string }>;

/** Socket.IO event map, client → server. */
export interface ClientToServerEvents {
  join(message: JoinMessage, ack: (result: JoinAck) => void): void;
  leave(message: LeaveMessage, ack: (result: Ack) => void): void;
  command(message: ClientCommand, ack: (result: CommandAck) => void): void;
  'auth.refresh'(message: AuthRefreshMessage, ack: (result: Ack<{ expiresAt: number }>) => void): void;
  /** Follow answers with the followed users' current statuses. */
  presence(message: PresenceMessage, ack?: (result: Ack<{ users?: UserPresence[] }>) => void): void;
  /** Chat reads and channel-room subscriptions; the answer's shape is `ChatResponses[type]`. */
  chat(message: ChatRequest, ack: (result: Ack<ChatResponses[keyof ChatResponses]>) => void): void;
  /** Inbox reads, read marks and preferences; the answer's shape is `NotificationsResponses[type]`. */
  notifications(message: NotificationsRequest, ack: (result: Ack<NotificationsResponses[keyof NotificationsResponses]>) => void): void;
  /** Document sync and history; the answer's shape is `DocsResponses[type]`. */
  docs(message: DocsRequest, ack: (result: Ack<DocsResponses[keyof DocsResponses]>) => void): void;
}

/** Socket.IO event map, server → client. */
export interface ServerToClientEvents {
  event(message: ServerEvent): void;
}

/** Socket.IO room of a user's followers (tenant-scoped). */
export function userStatusRoom(tenant: string, userId: string): string {
  return `t:${tenant}:user:${userId}`;
}

/** The presence room name of a resource (`doc:plans`), as `presence.*.v1` carry it. */
export function presenceRoomOf(resource: ResourceRef | TypingPlaceRef): string {
  return `${resource.kind}:${resource.id}`;
}

/** Socket.IO room name of a resource, tenant-scoped so tenants never share a room. */
export function roomOf(tenant: string, resource: ResourceRef | TypingPlaceRef): string {
  return `t:${tenant}:${resource.kind}:${resource.id}`;
}
