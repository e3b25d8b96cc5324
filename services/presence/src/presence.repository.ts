import { Inject, Injectable } from '@nestjs/common';
import { PRESENCE_STORE, PresenceStore } from '@tandem/platform';
import { ConnectionRecord, StatusRecord, TypingPlace, UserState, emptyUser } from './presence.model';
import { PresenceSettings } from './presence.settings';

/** Something that happens at a time unless pushed back: the sweeper handles each once it is due. */
export type Deadline =
  | { kind: 'connection'; tenant: string; userId: string; connectionId: string }
  | { kind: 'typing'; tenant: string; userId: string; connectionId: string; room: string; thread: string | null }
  | { kind: 'away'; tenant: string; userId: string }
  | { kind: 'text'; tenant: string; userId: string };

export interface RoomEntry {
  userId: string;
  connectionId: string;
}

export interface TypingEntry extends RoomEntry {
  name: string;
  kind: 'typing' | 'editing';
}

/** The one set of every deadline, across tenants: one atomic `takeExpired` finds all that are due. */
const DEADLINES = 'deadlines';
/** Member holding the last published snapshot in a user, room or typing set (ids never contain `~`). */
const PUBLISHED = '~pub';
const LEASE = 'lease|';

// Tenant, user and room ids never contain `/` or `|`; connection ids may, so they come last or encoded.
const userSet = (tenant: string, userId: string) => `u/${tenant}/${userId}`;
const roomSet = (tenant: string, room: string) => `r/${tenant}/${room}`;
const typingSet = (tenant: string, p: TypingPlace) => `t/${tenant}/${p.room}/${p.thread ?? ''}`;
const entryOf = (userId: string, connectionId: string) => `${userId}/${connectionId}`;

function parseEntry(member: string): RoomEntry {
  const at = member.indexOf('/');
  return { userId: member.slice(0, at), connectionId: member.slice(at + 1) };
}

export function encodeDeadline(d: Deadline): string {
  const parts = (() => {
    switch (d.kind) {
      case 'connection':
        return ['conn', d.tenant, d.userId, d.connectionId];
      case 'typing':
        return ['typing', d.tenant, d.room, d.thread ?? '', d.userId, d.connectionId];
      case 'away':
      case 'text':
        return [d.kind, d.tenant, d.userId];
    }
  })();
  return parts.map(encodeURIComponent).join('|');
}

export function decodeDeadline(member: string): Deadline | null {
  let kind: string;
  let p: string[];
  try {
    [kind, ...p] = member.split('|').map(decodeURIComponent);
  } catch {
    return null;
  }
  if (kind === 'conn' && p.length === 3) return { kind: 'connection', tenant: p[0], userId: p[1], connectionId: p[2] };
  if (kind === 'typing' && p.length === 5) return { kind: 'typing', tenant: p[0], room: p[1], thread: p[2] || null, userId: p[3], connectionId: p[4] };
  if ((kind === 'away' || kind === 'text') && p.length === 2) return { kind, tenant: p[0], userId: p[1] };
  return null;
}

/**
 * Presence state in the presence store: per user a set of their connections, chosen status, last
 * activity and last published view; per room the connections in it; per (room, thread) the typists;
 * and one set of deadlines. Everything expires by itself; nothing outlives a day without use.
 */
@Injectable()
export class PresenceRepository {
  constructor(
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    private readonly settings: PresenceSettings,
  ) {}

  async readUser(tenant: string, userId: string): Promise<UserState> {
    const user = emptyUser(tenant, userId);
    for (const { member, data, expiresAt } of await this.store.list(userSet(tenant, userId))) {
      const value = parse(data);
      if (value === undefined) continue;
      if (member.startsWith('c/')) user.connections.set(member.slice(2), value as ConnectionRecord);
      else if (member === 'status') user.status = { ...(value as StatusRecord), expiresAt };
      else if (member === 'activity') user.activityAt = (value as { at: number }).at;
      else if (member === PUBLISHED) user.published = data;
    }
    return user;
  }

  async saveConnection(tenant: string, userId: string, connectionId: string, record: ConnectionRecord): Promise<void> {
    const ttl = record.state === 'live' ? this.settings.liveRecordTtlMs : this.settings.closedRecordTtlMs;
    await this.store.upsert(userSet(tenant, userId), `c/${connectionId}`, JSON.stringify(record), ttl);
  }

  async saveStatus(tenant: string, userId: string, status: StatusRecord): Promise<void> {
    await this.store.upsert(userSet(tenant, userId), 'status', JSON.stringify(status), this.settings.retainMs);
  }

  async saveActivity(tenant: string, userId: string, at: number): Promise<void> {
    await this.store.upsert(userSet(tenant, userId), 'activity', JSON.stringify({ at }), this.settings.retainMs);
  }

  async saveUserPublished(tenant: string, userId: string, json: string): Promise<void> {
    await this.store.upsert(userSet(tenant, userId), PUBLISHED, json, this.settings.retainMs);
  }

  /** Drops the user's records that expired (old tombstones): housekeeping, nothing is reported. */
  async forgetExpiredOfUser(tenant: string, userId: string): Promise<void> {
    await this.store.takeExpired(userSet(tenant, userId));
  }

  /** Takes a closed connection out of its rooms and typing places. */
  async withdraw(tenant: string, userId: string, connectionId: string, record: ConnectionRecord): Promise<void> {
    await Promise.all([
      ...record.rooms.map((room) => this.leaveRoom(tenant, room, userId, connectionId)),
      ...record.typing.map(async (place) => {
        await this.stopTyping(tenant, place, userId, connectionId);
        await this.cancel({ kind: 'typing', tenant, userId, connectionId, ...place });
      }),
    ]);
  }

  /** The connections entered in a room (some may have gone since: check them against their users). */
  async roomEntries(tenant: string, room: string): Promise<{ entries: RoomEntry[]; published: string | null }> {
    const listed = await this.store.list(roomSet(tenant, room));
    return { entries: listed.filter((e) => e.member !== PUBLISHED).map((e) => parseEntry(e.member)), published: listed.find((e) => e.member === PUBLISHED)?.data ?? null };
  }

  async enterRoom(tenant: string, room: string, userId: string, connectionId: string): Promise<void> {
    await this.store.upsert(roomSet(tenant, room), entryOf(userId, connectionId), '', this.settings.roomEntryTtlMs);
  }

  async leaveRoom(tenant: string, room: string, userId: string, connectionId: string): Promise<void> {
    await this.store.remove(roomSet(tenant, room), entryOf(userId, connectionId));
  }

  async saveRosterPublished(tenant: string, room: string, json: string): Promise<void> {
    await this.store.upsert(roomSet(tenant, room), PUBLISHED, json, this.settings.publishedRoomTtlMs);
  }

  async forgetExpiredOfRoom(tenant: string, room: string): Promise<void> {
    await this.store.takeExpired(roomSet(tenant, room));
  }

  async typingEntries(tenant: string, place: TypingPlace): Promise<{ entries: TypingEntry[]; published: string | null }> {
    const listed = await this.store.list(typingSet(tenant, place));
    const entries = listed
      .filter((e) => e.member !== PUBLISHED)
      .map((e) => ({ ...parseEntry(e.member), ...(parse(e.data) as { name: string; kind: TypingEntry['kind'] }), expiresAt: e.expiresAt }))
      .sort((a, b) => b.expiresAt - a.expiresAt) // newest signal first
      .map(({ expiresAt: _, ...e }) => e);
    return { entries, published: listed.find((e) => e.member === PUBLISHED)?.data ?? null };
  }

  async startTyping(tenant: string, place: TypingPlace, entry: TypingEntry): Promise<void> {
    await this.store.upsert(typingSet(tenant, place), entryOf(entry.userId, entry.connectionId), JSON.stringify({ name: entry.name, kind: entry.kind }), this.settings.typingTtlMs);
  }

  async stopTyping(tenant: string, place: TypingPlace, userId: string, connectionId: string): Promise<void> {
    await this.store.remove(typingSet(tenant, place), entryOf(userId, connectionId));
  }

  /** Removes the typists whose signal expired; returns how many (each is reported to one caller). */
  async takeExpiredTypists(tenant: string, place: TypingPlace): Promise<number> {
    return (await this.store.takeExpired(typingSet(tenant, place))).filter((m) => m !== PUBLISHED).length;
  }

  async saveTypistsPublished(tenant: string, place: TypingPlace, json: string): Promise<void> {
    await this.store.upsert(typingSet(tenant, place), PUBLISHED, json, this.settings.publishedRoomTtlMs);
  }

  /** Sets (or pushes back) a deadline to `inMs` from now. */
  async schedule(deadline: Deadline, inMs: number): Promise<void> {
    await this.store.upsert(DEADLINES, encodeDeadline(deadline), '', Math.max(1, inMs));
  }

  async cancel(deadline: Deadline): Promise<void> {
    await this.store.remove(DEADLINES, encodeDeadline(deadline));
  }

  /**
   * Takes the deadlines that are due (each is given to exactly one caller), with those whose handler
   * died holding their lease. Call {@link lease} for each at once and {@link release} once handled.
   */
  async takeDue(): Promise<Deadline[]> {
    const taken = new Set((await this.store.takeExpired(DEADLINES)).map((m) => (m.startsWith(LEASE) ? m.slice(LEASE.length) : m)));
    return [...taken].map(decodeDeadline).filter((d): d is Deadline => d !== null);
  }

  async lease(deadline: Deadline): Promise<void> {
    await this.store.upsert(DEADLINES, LEASE + encodeDeadline(deadline), '', this.settings.leaseMs);
  }

  async release(deadline: Deadline): Promise<void> {
    await this.store.remove(DEADLINES, LEASE + encodeDeadline(deadline));
  }

  /** Every live connection (by its pending expiry), for the gauges. */
  async liveConnections(): Promise<Array<{ tenant: string; userId: string }>> {
    const due = (await this.store.list(DEADLINES)).map((e) => decodeDeadline(e.member));
    return due.filter((d): d is Extract<Deadline, { kind: 'connection' }> => d?.kind === 'connection');
  }
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}
