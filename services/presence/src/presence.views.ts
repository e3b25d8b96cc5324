import { Injectable } from '@nestjs/common';
import { Clock } from './clock';
import { PresenceMember, Typist, TypingPlace, UserState, UserView, byUserId, isInRoom, isLive, viewOf } from './presence.model';
import { PresenceRepository } from './presence.repository';
import { PresenceSettings } from './presence.settings';

/**
 * What others see, computed from the store: a user's status, a room's roster, a (room, thread)'s
 * typists. Room and typing entries only point at connections; whether those are still live (and
 * whether their user is invisible) is always checked against the user's own record.
 */
@Injectable()
export class PresenceViews {
  constructor(
    private readonly repo: PresenceRepository,
    private readonly clock: Clock,
    private readonly settings: PresenceSettings,
  ) {}

  view(user: UserState): UserView {
    return viewOf(user, this.clock.now(), this.settings);
  }

  async user(tenant: string, userId: string): Promise<{ state: UserState; view: UserView }> {
    const state = await this.repo.readUser(tenant, userId);
    return { state, view: this.view(state) };
  }

  /** Users' statuses in the order asked; users never seen are offline. */
  async users(tenant: string, userIds: readonly string[]): Promise<UserView[]> {
    return Promise.all(userIds.map(async (id) => (await this.user(tenant, id)).view));
  }

  /** Who is in a room now (invisible users are not listed), by user id; and the roster last published. */
  async roster(tenant: string, room: string): Promise<{ members: PresenceMember[]; published: string | null }> {
    const { entries, published } = await this.repo.roomEntries(tenant, room);
    const users = await this.readUsers(tenant, entries.map((e) => e.userId));
    const now = this.clock.now();
    const members: PresenceMember[] = [];
    for (const user of users) {
      const view = viewOf(user, now, this.settings);
      if (view.status !== 'offline' && isInRoom(user, room, now, this.settings)) members.push({ userId: user.userId, name: view.name, status: view.status });
    }
    return { members: members.sort(byUserId), published };
  }

  /** Who is typing in a place now (one entry per user, their newest signal's kind); and what was last published. */
  async typists(tenant: string, place: TypingPlace): Promise<{ typing: Typist[]; published: string | null }> {
    const { entries, published } = await this.repo.typingEntries(tenant, place);
    const users = new Map((await this.readUsers(tenant, entries.map((e) => e.userId))).map((u) => [u.userId, u]));
    const now = this.clock.now();
    const typing = new Map<string, Typist>();
    for (const e of entries) {
      const user = users.get(e.userId)!;
      if (typing.has(e.userId) || !isLive(user.connections.get(e.connectionId), now, this.settings)) continue;
      const view = viewOf(user, now, this.settings);
      if (view.status !== 'offline') typing.set(e.userId, { userId: e.userId, name: view.name, kind: e.kind });
    }
    return { typing: [...typing.values()].sort(byUserId), published };
  }

  private readUsers(tenant: string, userIds: string[]): Promise<UserState[]> {
    return Promise.all([...new Set(userIds)].map((id) => this.repo.readUser(tenant, id)));
  }
}
