import { z } from 'zod';
import { Id } from '../ids';

/** A room presence is tracked in: `<kind>:<id>` of a joined resource, e.g. `doc:plans`. */
export const PresenceRoom = z.string().regex(/^[a-z]+:[A-Za-z0-9_.:-]{1,128}$/, 'a presence room is <kind>:<id>');

/** What a user chose to show. `invisible` looks offline to everyone else. */
export const ChosenStatus = z.enum(['online', 'away', 'dnd', 'invisible']);
export type ChosenStatus = z.infer<typeof ChosenStatus>;

/** What others see: the chosen status, `away` after inactivity, `offline` with no live connection. */
export const ShownStatus = z.enum(['online', 'away', 'dnd', 'offline']);
export type ShownStatus = z.infer<typeof ShownStatus>;

const Connection = { connectionId: z.string().min(1).max(64), userId: Id };

/**
 * Event types carried by `presence.commands.v1` (gateway → presence service), keyed by
 * `<tenant>/user:<userId>` so one user's commands stay in order.
 */
export const PresenceCommandSchemas = {
  /** A socket of the user connected (one per device or tab). */
  'tandem.presence.connected': z.object({ ...Connection, name: z.string().min(1).max(200), device: z.string().max(64).nullable() }).strict(),
  /** The connection is still alive; without one within the TTL it is gone. */
  'tandem.presence.heartbeat': z.object(Connection).strict(),
  /** The socket closed cleanly. */
  'tandem.presence.disconnected': z.object(Connection).strict(),
  'tandem.presence.joined': z.object({ ...Connection, room: PresenceRoom }).strict(),
  'tandem.presence.left': z.object({ ...Connection, room: PresenceRoom }).strict(),
  /** The user did something (typed, clicked): clears automatic away. */
  'tandem.presence.activity': z.object(Connection).strict(),
  /** The user set a status and optional text (with an optional expiry of the text). */
  'tandem.presence.status': z
    .object({ ...Connection, status: ChosenStatus, text: z.string().max(200).nullable(), textExpiresAt: z.iso.datetime({ offset: true }).nullable() })
    .strict(),
  /** The user is typing (in a channel or thread) or editing (in a document); `active: false` stops at once. */
  'tandem.presence.typing': z
    .object({ ...Connection, room: PresenceRoom, thread: Id.nullable(), kind: z.enum(['typing', 'editing']), active: z.boolean() })
    .strict(),
};

export const PresenceMember = z.object({ userId: Id, name: z.string(), status: ShownStatus }).strict();
export type PresenceMember = z.infer<typeof PresenceMember>;

/** Event types carried by `presence.events.v1` (presence service → gateways). */
export const PresenceEventSchemas = {
  /** A user's status as others see it, after any change; keyed by `<tenant>/user:<userId>`. */
  'tandem.presence.user': z
    .object({ userId: Id, name: z.string(), status: ShownStatus, text: z.string().nullable(), connections: z.number().int().min(0) })
    .strict(),
  /** Who is in a room now (the whole roster, after any change); keyed by `<tenant>/<room>`. */
  'tandem.presence.roster': z.object({ room: PresenceRoom, members: z.array(PresenceMember) }).strict(),
  /** Who is typing or editing in a room (or one thread of it) now; keyed by `<tenant>/<room>`. */
  'tandem.presence.typists': z
    .object({ room: PresenceRoom, thread: Id.nullable(), typing: z.array(z.object({ userId: Id, name: z.string(), kind: z.enum(['typing', 'editing']) }).strict()) })
    .strict(),
};
