import type { AclState, Notification, NotificationPreferences } from '@tandem/contracts';

/** A notification to store: everything but what the store assigns (`seq`, `createdAt`, `readAt`). */
export type NewNotification = Omit<Notification, 'seq' | 'createdAt' | 'readAt'> & {
  /** Derived from the source event: one notification per user and key, ever. */
  idempotencyKey: string;
};

/** A stored notification with its delivery state. */
export type StoredNotification = Notification & { published: boolean };

/** The last two ACLs seen of a resource: `previous` is what `current` is compared with. */
export type AclSnapshot = { previous: AclState | null; current: AclState };

/** An outgoing webhook of a tenant: every notification is POSTed to `url`, signed with `secret`. */
export type WebhookSettings = { url: string; secret: string; enabled: boolean };

/**
 * The notifications service's store: one inbox per user, preferences, the ACLs it compares, and
 * tenants' webhooks. MongoDB (mongoose, FerretDB 1.24) in production, files on disk in embedded
 * mode; `runNotificationStoreContract` holds both to the same behaviour. Every call is tenant-scoped.
 */
export interface NotificationStore {
  /**
   * Stores a notification unless one with the same `(userId, idempotencyKey)` exists (unique index):
   * returns the stored one and whether this call created it. Assigns the user's next `seq` (unique
   * per user; gaps allowed). A created one comes with the user's unread count after it, as cheaply
   * as the store can tell (what each push carries).
   */
  insert(tenant: string, notification: NewNotification, now: Date): Promise<{ created: boolean; notification: StoredNotification; unread?: number }>;
  /** Records that these notifications were published to the gateways. */
  markPublished(tenant: string, notifications: ReadonlyArray<{ userId: string; notificationId: string }>): Promise<void>;
  /** A page of the inbox, newest first, strictly before `beforeSeq` (null: from the newest). */
  list(tenant: string, userId: string, options: { beforeSeq: number | null; limit: number; unreadOnly: boolean }): Promise<Notification[]>;
  /** Notifications after `sinceSeq`, oldest first, at most `limit`. */
  since(tenant: string, userId: string, sinceSeq: number, limit: number): Promise<Notification[]>;
  /** The user's unread count, counted (what every answer to the user carries). */
  unreadCount(tenant: string, userId: string): Promise<number>;
  /** Marks one read; false if it was read already or does not exist. */
  markRead(tenant: string, userId: string, notificationId: string, now: Date): Promise<boolean>;
  /** Marks every unread one read; returns how many changed. */
  markAllRead(tenant: string, userId: string, now: Date): Promise<number>;
  /** Deletes one; false if there was none. A deleted notification is never created again. */
  delete(tenant: string, userId: string, notificationId: string): Promise<boolean>;
  /** Preferences of each user (the defaults for those who never set any). */
  preferences(tenant: string, userIds: readonly string[]): Promise<Map<string, NotificationPreferences>>;
  savePreferences(tenant: string, userId: string, preferences: NotificationPreferences): Promise<void>;
  /** The ACLs last seen of a resource, or null. */
  acl(tenant: string, resourceId: string): Promise<AclSnapshot | null>;
  saveAcl(tenant: string, resourceId: string, snapshot: AclSnapshot): Promise<void>;
  /** Users who follow any of `targets` (`player:<id>`, `board:<id>`), each once. */
  followers(tenant: string, targets: readonly string[]): Promise<string[]>;
  /** Follows or unfollows a stats target. */
  setFollow(tenant: string, userId: string, target: string, following: boolean): Promise<void>;
  /** The targets a user follows. */
  following(tenant: string, userId: string): Promise<string[]>;
  webhook(tenant: string): Promise<WebhookSettings | null>;
  /** Sets the tenant's webhook, or removes it (`null`). */
  saveWebhook(tenant: string, settings: WebhookSettings | null): Promise<void>;
  checkReady(): Promise<void>;
  close(): Promise<void>;
}

export const NOTIFICATION_STORE = Symbol('NotificationStore');
