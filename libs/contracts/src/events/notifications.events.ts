import { z } from 'zod';
import { Id } from '../ids';
import { ResourceRole } from './acl.events';
import { DocKindSchema } from './doc-kind';

/**
 * What a notification is about. Each source maps to one or more types; a user can switch any type
 * off in their preferences.
 */
export const NOTIFICATION_TYPES = [
  /** `@you`, `@channel` or `@here` in a channel you are a member of. */
  'chat.mention',
  /** A direct message to you. */
  'chat.dm',
  /** A reply in a thread you follow. */
  'chat.reply',
  /** You were given access (or a stronger role) to a document or board. */
  'doc.shared',
  /** You were assigned a kanban card. */
  'card.assigned',
  /** A file was shared with you. */
  'file.shared',
  /** A player you follow set a new personal best. */
  'stats.personal-best',
  /** A player you follow changed rank on a leaderboard. */
  'stats.rank-changed',
] as const;
export const NotificationType = z.enum(NOTIFICATION_TYPES);
export type NotificationType = z.infer<typeof NotificationType>;

/** Where a notification leads: the source a client opens when the user clicks it. */
export const NotificationLink = z.discriminatedUnion('kind', [
  /** A chat message (its place in the channel is `seq`; a thread reply has `threadRootId`). */
  z.object({ kind: z.literal('chat'), channelId: Id, messageId: Id, threadRootId: Id.nullable(), seq: z.number().int().min(0) }).strict(),
  /** A document or board; `role` is what the user may do there now, `docKind` which kind it is (null when not known yet). */
  z.object({ kind: z.literal('doc'), docId: Id, role: ResourceRole.nullable(), docKind: DocKindSchema.nullable().default(null) }).strict(),
  /** A card of a kanban board. */
  z.object({ kind: z.literal('card'), docId: Id, cardId: z.string().min(1).max(128) }).strict(),
  z.object({ kind: z.literal('file'), fileId: Id, docId: Id.nullable(), channelId: Id.nullable() }).strict(),
  /** A leaderboard (and the player the event was about). */
  z.object({ kind: z.literal('leaderboard'), boardId: Id, playerId: Id.nullable() }).strict(),
  /** A player's profile (and the match the event came from). */
  z.object({ kind: z.literal('player'), playerId: Id, matchId: Id.nullable() }).strict(),
]);

/** What a user can follow to hear about stats: a player, or a leaderboard. */
export const FollowTarget = z.object({ kind: z.enum(['player', 'board']), id: Id }).strict();
export type FollowTarget = z.infer<typeof FollowTarget>;
export type NotificationLink = z.infer<typeof NotificationLink>;

/** What can be muted: a whole channel, a document (or board), or one thread. */
export const MuteScope = z.object({ kind: z.enum(['channel', 'doc', 'thread']), id: Id }).strict();
export type MuteScope = z.infer<typeof MuteScope>;

/**
 * One notification in a user's inbox. `seq` grows per user (gaps allowed): "everything after the
 * last seq I saw" is the catch-up query. `notificationId` is derived from the source event, so the
 * same source never makes two.
 */
export const Notification = z
  .object({
    notificationId: Id,
    userId: Id,
    seq: z.number().int().min(1),
    type: NotificationType,
    title: z.string().max(300),
    body: z.string().max(500),
    /** Who caused it (null when the source does not say). */
    actorId: Id.nullable(),
    link: NotificationLink,
    /** The scopes that mute it (its channel, thread or document). */
    scopes: z.array(MuteScope),
    /** When the source event happened. */
    sourceTime: z.iso.datetime({ offset: true }),
    createdAt: z.iso.datetime({ offset: true }),
    readAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .strict();
export type Notification = z.infer<typeof Notification>;

/** A user's notification preferences. Muted scopes and disabled types create nothing; do-not-disturb stores but does not push. */
export const NotificationPreferences = z
  .object({
    muted: z.array(MuteScope).max(1000),
    disabledTypes: z.array(NotificationType),
    doNotDisturb: z.boolean(),
  })
  .strict();
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;

export const DEFAULT_NOTIFICATION_PREFERENCES: NotificationPreferences = { muted: [], disabledTypes: [], doNotDisturb: false };

/**
 * Event types carried by `notifications.events.v1` (notifications service → gateways), keyed by
 * `<tenant>/<userId>`: every device of the user gets each one, in order. `unread` is the user's
 * unread count after the change, so every badge shows the same number.
 */
export const NotificationsEventSchemas = {
  /** A notification was created for `userId` (not published while they are in do-not-disturb). */
  'tandem.notifications.created': z.object({ userId: Id, notification: Notification, unread: z.number().int().min(0) }).strict(),
  /**
   * Notifications were marked read (`notificationIds`, or every one: `all`) or deleted: the unread
   * count changed on one device, every other device follows.
   */
  'tandem.notifications.changed': z
    .object({
      userId: Id,
      readIds: z.array(Id).max(1000),
      allRead: z.boolean(),
      deletedIds: z.array(Id).max(1000),
      unread: z.number().int().min(0),
    })
    .strict(),
};
