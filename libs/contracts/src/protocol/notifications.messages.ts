import { z } from 'zod';
import { Id } from '../ids';
import { FollowTarget, MuteScope, Notification, NotificationPreferences, NotificationType } from '../events/notifications.events';

/**
 * Notifications over the client ↔ gateway protocol: `notifications` requests answered in their
 * acknowledgement (the same requests are served over HTTP at `/api/v1/notifications/...`), and
 * `notification` / `notifications.changed` events pushed to every socket of the user.
 */

const Limit = z.coerce.number().int().min(1).max(200).default(50);

export const NotificationsRequest = z.discriminatedUnion('type', [
  /** A page of the inbox, newest first: everything before `beforeSeq` (no anchor: the newest). */
  z.object({ type: z.literal('notifications.list'), beforeSeq: z.coerce.number().int().min(1).nullable().default(null), limit: Limit, unreadOnly: z.boolean().default(false) }).strict(),
  /** Catch-up: every notification after `sinceSeq` (the last one this device saw), oldest first. */
  z.object({ type: z.literal('notifications.since'), sinceSeq: z.coerce.number().int().min(0), limit: z.coerce.number().int().min(1).max(1000).default(500) }).strict(),
  z.object({ type: z.literal('notifications.unread') }).strict(),
  z.object({ type: z.literal('notifications.read'), notificationId: Id }).strict(),
  z.object({ type: z.literal('notifications.read-all') }).strict(),
  z.object({ type: z.literal('notifications.delete'), notificationId: Id }).strict(),
  z.object({ type: z.literal('notifications.preferences') }).strict(),
  /** Changes preferences (fields left out are kept). */
  z
    .object({
      type: z.literal('notifications.preferences.set'),
      muted: z.array(MuteScope).max(1000).optional(),
      disabledTypes: z.array(NotificationType).optional(),
      doNotDisturb: z.boolean().optional(),
    })
    .strict(),
  /** Mutes or unmutes one channel, document or thread. */
  z.object({ type: z.literal('notifications.mute'), scope: MuteScope, muted: z.boolean() }).strict(),
  /** Follows (or unfollows) a player or a leaderboard: their personal bests and rank changes notify you. */
  z.object({ type: z.literal('notifications.follow'), target: FollowTarget, following: z.boolean() }).strict(),
  /** The players and leaderboards you follow. */
  z.object({ type: z.literal('notifications.following') }).strict(),
]);
export type NotificationsRequest = z.infer<typeof NotificationsRequest>;

/** What each request answers with (inside `{ ok: true, ... }`). */
export interface NotificationsResponses {
  'notifications.list': { notifications: Notification[]; hasMore: boolean; unread: number };
  'notifications.since': { notifications: Notification[]; complete: boolean; latestSeq: number; unread: number };
  'notifications.unread': { unread: number };
  'notifications.read': { changed: boolean; unread: number };
  'notifications.read-all': { changed: number; unread: number };
  'notifications.delete': { deleted: boolean; unread: number };
  'notifications.preferences': { preferences: NotificationPreferences };
  'notifications.preferences.set': { preferences: NotificationPreferences };
  'notifications.mute': { preferences: NotificationPreferences };
  'notifications.follow': { following: FollowTarget[] };
  'notifications.following': { following: FollowTarget[] };
}

/** Events pushed to every socket of the user. */
export type NotificationsServerEvent =
  /** A new notification; `unread` is the badge count after it. */
  | { type: 'notification'; notification: Notification; unread: number }
  /** Read or deleted on some device: every badge shows `unread`. */
  | { type: 'notifications.changed'; readIds: string[]; allRead: boolean; deletedIds: string[]; unread: number };

/** The signed body of an outgoing webhook call (see docs/notifications.md). */
export type NotificationWebhookPayload = { tenant: string; notification: Notification; deliveredAt: string };
