import type { ChosenStatus, EventDataOf, PresenceMember, ShownStatus, TOPICS } from '@tandem/contracts';
import type { PresenceSettings } from './presence.settings';

export type UserView = EventDataOf<typeof TOPICS.presenceEvents, 'tandem.presence.user'>;
export type TypistsView = EventDataOf<typeof TOPICS.presenceEvents, 'tandem.presence.typists'>;
export type Typist = TypistsView['typing'][number];
export type { PresenceMember };

/** A (room, thread) where people type; `thread` null is the room itself. */
export interface TypingPlace {
  room: string;
  thread: string | null;
}

/**
 * One connection of a user, as stored. It is kept after it closes (`disconnected` or `expired`) as a
 * tombstone, so late commands cannot bring it back and an expired one can be revived with its rooms.
 */
export interface ConnectionRecord {
  name: string;
  device: string | null;
  state: 'live' | 'disconnected' | 'expired';
  connectedAt: number;
  heartbeatAt: number;
  /** When the room entries of this connection were last all written (they expire unless refreshed). */
  indexedAt: number;
  rooms: string[];
  /** Where it typed recently (its typing entries may have expired since). */
  typing: TypingPlace[];
}

export interface StatusRecord {
  status: ChosenStatus;
  text: string | null;
  textExpiresAt: number | null;
}

/** Everything stored about one user, read at once. */
export interface UserState {
  tenant: string;
  userId: string;
  connections: Map<string, ConnectionRecord>;
  status: (StatusRecord & { expiresAt: number }) | null;
  /** When the user last did something (or connected). */
  activityAt: number | null;
  /** The view last published (JSON), if known. */
  published: string | null;
}

export function emptyUser(tenant: string, userId: string): UserState {
  return { tenant, userId, connections: new Map(), status: null, activityAt: null, published: null };
}

/** Connections typing places are remembered for at most (the oldest are forgotten first). */
export const MAX_TYPING_PLACES = 50;

export function isLive(c: ConnectionRecord | undefined, now: number, settings: PresenceSettings): c is ConnectionRecord {
  return c !== undefined && c.state === 'live' && c.heartbeatAt + settings.ttlMs > now;
}

export function liveConnections(user: UserState, now: number, settings: PresenceSettings): Array<[string, ConnectionRecord]> {
  return [...user.connections].filter(([, c]) => isLive(c, now, settings));
}

/** Rooms the user is in: those any live connection joined. */
export function roomsOf(user: UserState, now: number, settings: PresenceSettings): Set<string> {
  return new Set(liveConnections(user, now, settings).flatMap(([, c]) => c.rooms));
}

export function isInRoom(user: UserState, room: string, now: number, settings: PresenceSettings): boolean {
  return liveConnections(user, now, settings).some(([, c]) => c.rooms.includes(room));
}

/**
 * What everyone else sees of a user. Online while any connection lives; `invisible` is shown offline
 * (with no text and no connections, so nothing gives it away); automatic `away` after inactivity only
 * when the chosen status is `online`; the text until it expires.
 */
export function viewOf(user: UserState, now: number, settings: PresenceSettings): UserView {
  const live = liveConnections(user, now, settings);
  const chosen = user.status?.status ?? 'online';
  let status: ShownStatus;
  if (live.length === 0 || chosen === 'invisible') status = 'offline';
  else if (chosen === 'online' && (user.activityAt ?? -Infinity) + settings.awayAfterMs <= now) status = 'away';
  else status = chosen;
  const s = user.status;
  const text = chosen !== 'invisible' && s?.text && (s.textExpiresAt === null || s.textExpiresAt > now) ? s.text : null;
  return { userId: user.userId, name: nameOf(user, live), status, text, connections: status === 'offline' ? 0 : live.length };
}

/** The name of the newest live connection; else of the newest known one; else the last published; else the id. */
function nameOf(user: UserState, live: Array<[string, ConnectionRecord]>): string {
  const newest = (cs: ConnectionRecord[]) => cs.filter((c) => c.name).sort((a, b) => b.connectedAt - a.connectedAt)[0]?.name;
  const published = user.published ? (JSON.parse(user.published) as UserView).name : undefined;
  return newest(live.map(([, c]) => c)) ?? newest([...user.connections.values()]) ?? published ?? user.userId;
}

export function samePlace(a: TypingPlace, b: TypingPlace): boolean {
  return a.room === b.room && a.thread === b.thread;
}

export const byUserId = <T extends { userId: string }>(a: T, b: T) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);

/** What a change may have altered for others besides the user's own view: rosters and typists to re-check. */
export class Touched {
  readonly rooms = new Set<string>();
  private readonly placesByKey = new Map<string, TypingPlace>();
  /** Re-check every room and typing place of the user, whatever changed (a chosen status). */
  everything = false;

  place(p: TypingPlace): void {
    this.placesByKey.set(`${p.room}/${p.thread ?? ''}`, { room: p.room, thread: p.thread });
  }

  /** A connection left all its rooms and typing places. */
  withdrawn(c: ConnectionRecord): void {
    c.rooms.forEach((r) => this.rooms.add(r));
    c.typing.forEach((p) => this.place(p));
  }

  get places(): TypingPlace[] {
    return [...this.placesByKey.values()];
  }
}

/** Rosters and typists to re-check after a batch of changes, each once however many changes touched it. */
export class Pending {
  private readonly roomsByKey = new Map<string, { tenant: string; room: string }>();
  private readonly placesByKey = new Map<string, { tenant: string; place: TypingPlace }>();

  add(tenant: string, touched: Touched): void {
    for (const room of touched.rooms) this.roomsByKey.set(`${tenant}/${room}`, { tenant, room });
    for (const place of touched.places) this.placesByKey.set(`${tenant}/${place.room}/${place.thread ?? ''}`, { tenant, place });
  }

  get rooms(): Array<{ tenant: string; room: string }> {
    return [...this.roomsByKey.values()];
  }

  get places(): Array<{ tenant: string; place: TypingPlace }> {
    return [...this.placesByKey.values()];
  }
}
