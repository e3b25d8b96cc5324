import { Schema } from 'mongoose';

/**
 * FerretDB 1.24 on SQLite narrows a query in SQL only for a filter that is exactly `{ _id: <string> }`;
 * any other filter reads the whole collection. So everything done per notification (the duplicate
 * check, the seq and unread counter, preferences, ACLs, publish marks) is addressed by an `_id`
 * built from the tenant and user (ids never contain `/`); the secondary indexes serve MongoDB and
 * the per-user reads (pages, catch-up).
 */
const StringId = { _id: { type: String, required: true } };

/**
 * `notifications`: every user's inbox, `_id` `<tenant>/<userId>/<notificationId>`. The unique index
 * on the idempotency key (derived from the source event) is what makes a redelivered or duplicated
 * event create nothing twice; deleted ones stay as tombstones for the same reason.
 */
export const NotificationSchema = new Schema(
  {
    ...StringId,
    tenant: { type: String, required: true },
    userId: { type: String, required: true },
    idempotencyKey: { type: String, required: true },
    notificationId: { type: String, required: true },
    seq: { type: Number, required: true },
    type: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, default: '' },
    actorId: { type: String, default: null },
    link: { type: Schema.Types.Mixed, required: true },
    scopes: { type: Schema.Types.Mixed, default: [] },
    sourceTime: { type: String, required: true },
    createdAt: { type: String, required: true },
    readAt: { type: String, default: null },
    published: { type: Boolean, default: false },
    deleted: { type: Boolean, default: false },
  },
  { collection: 'notifications', versionKey: false, minimize: false },
);
NotificationSchema.index({ tenant: 1, userId: 1, idempotencyKey: 1 }, { unique: true });
NotificationSchema.index({ tenant: 1, userId: 1, seq: 1 }, { unique: true });
NotificationSchema.index({ tenant: 1, userId: 1, notificationId: 1 });

/**
 * `notification_counters`, `_id` `<tenant>/<userId>`: the last seq given out per user, and the
 * user's unread count (kept with every change of a notification's read or deleted state, so the
 * count that goes with each push is one read, not a count over the inbox).
 */
export const NotificationCounterSchema = new Schema(
  { ...StringId, tenant: { type: String, required: true }, userId: { type: String, required: true }, seq: { type: Number }, unread: { type: Number } },
  { collection: 'notification_counters', versionKey: false },
);
NotificationCounterSchema.index({ tenant: 1, userId: 1 }, { unique: true });

/** `notification_preferences`, `_id` `<tenant>/<userId>`: one row per user who changed theirs. */
export const NotificationPreferencesSchema = new Schema(
  { ...StringId, tenant: { type: String, required: true }, userId: { type: String, required: true }, preferences: { type: Schema.Types.Mixed, required: true } },
  { collection: 'notification_preferences', versionKey: false, minimize: false },
);
NotificationPreferencesSchema.index({ tenant: 1, userId: 1 }, { unique: true });

/** `notification_acls`, `_id` `<tenant>/<resourceId>`: the last two ACLs seen per resource, to tell who was just given access. */
export const NotificationAclSchema = new Schema(
  { ...StringId, tenant: { type: String, required: true }, resourceId: { type: String, required: true }, snapshot: { type: Schema.Types.Mixed, required: true } },
  { collection: 'notification_acls', versionKey: false, minimize: false },
);
NotificationAclSchema.index({ tenant: 1, resourceId: 1 }, { unique: true });

/** `notification_webhooks`, `_id` the tenant: a tenant's outgoing webhook. */
export const NotificationWebhookSchema = new Schema(
  { ...StringId, tenant: { type: String, required: true }, settings: { type: Schema.Types.Mixed, required: true } },
  { collection: 'notification_webhooks', versionKey: false, minimize: false },
);
NotificationWebhookSchema.index({ tenant: 1 }, { unique: true });

/** `notification_follows`: the stats targets (`player:<id>`, `board:<id>`) each user follows. */
export const NotificationFollowSchema = new Schema(
  { tenant: { type: String, required: true }, userId: { type: String, required: true }, target: { type: String, required: true } },
  { collection: 'notification_follows', versionKey: false },
);
NotificationFollowSchema.index({ tenant: 1, userId: 1, target: 1 }, { unique: true });
NotificationFollowSchema.index({ tenant: 1, target: 1 });

/** `notification_published`, `_id` the notification's row `_id`: notifications published to the gateways. */
export const NotificationPublishedSchema = new Schema({ ...StringId }, { collection: 'notification_published', versionKey: false });
