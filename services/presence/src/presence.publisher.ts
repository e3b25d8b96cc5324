import { Inject, Injectable } from '@nestjs/common';
import { EventDataOf, EventTypeOf, TOPICS, TopicEvent, aggregateKey } from '@tandem/contracts';
import { EVENT_BUS, EventBus, SERVICE_NAME, currentTraceparent } from '@tandem/platform';
import { randomUUID } from 'node:crypto';
import { Clock } from './clock';
import { PresenceMetrics } from './presence.metrics';
import { forEachLimited } from './concurrency';
import { Pending, Touched, TypingPlace, UserState, UserView, roomsOf } from './presence.model';
import { PresenceRepository } from './presence.repository';
import { PresenceSettings } from './presence.settings';
import { PresenceViews } from './presence.views';

type Events = typeof TOPICS.presenceEvents;

/** A snapshot as computed now, and the one last published (JSON, if known). */
interface Snapshot {
  json: string;
  published: string | null;
}

/** Rosters and typists computed side by side when flushing. */
const CONCURRENCY = 16;

/** Re-reads after publishing at most this many times while others keep changing the same thing. */
const MAX_ROUNDS = 3;

/**
 * Publishes a user's view, a room's roster or a place's typists whenever it differs from what was
 * last published. Several instances may change one room at once, so each one re-reads after
 * publishing and publishes again if what it sent is already stale: the last event on the key is then
 * always the current state. The published snapshot is stored after the event, so a crash in between
 * republishes (harmless) rather than never publishing.
 */
@Injectable()
export class PresencePublisher {
  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly views: PresenceViews,
    private readonly repo: PresenceRepository,
    private readonly clock: Clock,
    private readonly metrics: PresenceMetrics,
    private readonly settings: PresenceSettings,
  ) {}

  /**
   * Publishes the view of `user` (already stored) if it changed, and notes in `pending` the rosters and
   * typists the change touched. If what others see of the user in a roster (status, name) changed
   * since `before` or since the last published view, all their rooms and typing places are noted.
   */
  async afterChange(user: UserState, before: UserView | null, roomsBefore: Iterable<string>, touched: Touched, pending: Pending): Promise<void> {
    const after = this.views.view(user);
    const published = user.published ? (JSON.parse(user.published) as UserView) : null;
    const shown = (v: UserView | null) => v && `${v.status}|${v.name}`;
    if (touched.everything || (before && shown(before) !== shown(after)) || shown(published) !== shown(after)) {
      for (const room of [...roomsBefore, ...roomsOf(user, this.clock.now(), this.settings)]) touched.rooms.add(room);
      for (const c of user.connections.values()) c.typing.forEach((p) => touched.place(p));
    }
    await this.user(user.tenant, user.userId, user);
    pending.add(user.tenant, touched);
  }

  /** Publishes the pending rosters and typists that changed. */
  async flush(pending: Pending): Promise<void> {
    await forEachLimited(pending.rooms, CONCURRENCY, ({ tenant, room }) => this.roster(tenant, room));
    await forEachLimited(pending.places, CONCURRENCY, ({ tenant, place }) => this.typists(tenant, place));
  }

  /** Publishes the user's view if it changed; `known` saves the first read when the caller has the state. */
  async user(tenant: string, userId: string, known?: UserState): Promise<void> {
    const read = async (state?: UserState): Promise<Snapshot> => {
      const s = state ?? (await this.repo.readUser(tenant, userId));
      return { json: JSON.stringify(this.views.view(s)), published: s.published };
    };
    await this.converge(await read(known), () => read(), async (json) => {
      await this.publish(tenant, `user:${userId}`, 'tandem.presence.user', JSON.parse(json));
      await this.repo.saveUserPublished(tenant, userId, json);
    });
  }

  async roster(tenant: string, room: string): Promise<void> {
    const read = async (): Promise<Snapshot> => {
      const { members, published } = await this.views.roster(tenant, room);
      return { json: JSON.stringify({ room, members }), published };
    };
    await this.converge(await read(), read, async (json) => {
      await this.publish(tenant, room, 'tandem.presence.roster', JSON.parse(json));
      await this.repo.saveRosterPublished(tenant, room, json);
    });
  }

  async typists(tenant: string, place: TypingPlace): Promise<void> {
    const read = async (): Promise<Snapshot> => {
      const { typing, published } = await this.views.typists(tenant, place);
      return { json: JSON.stringify({ room: place.room, thread: place.thread, typing }), published };
    };
    await this.converge(await read(), read, async (json) => {
      await this.publish(tenant, place.room, 'tandem.presence.typists', JSON.parse(json));
      await this.repo.saveTypistsPublished(tenant, place, json);
    });
  }

  private async converge(first: Snapshot, reread: () => Promise<Snapshot>, send: (json: string) => Promise<void>): Promise<void> {
    let current = first;
    let sent: string | null = null;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      // After our own publish, compare with what we sent: another instance may have stored a newer
      // snapshot while our older event landed after theirs.
      if (current.json === (sent ?? current.published)) return;
      await send(current.json);
      sent = current.json;
      current = await reread();
    }
  }

  private async publish<E extends EventTypeOf<Events>>(tenant: string, aggregate: string, type: E, data: EventDataOf<Events, E>): Promise<void> {
    const traceparent = currentTraceparent();
    const event = {
      id: randomUUID(),
      type,
      source: `/${this.service}`,
      specversion: '1.0',
      time: new Date(this.clock.now()).toISOString(),
      tenant,
      ...(traceparent ? { traceparent } : {}),
      data,
    } as TopicEvent<Events>;
    await this.bus.publish(TOPICS.presenceEvents, [{ key: aggregateKey(tenant, aggregate), event }]);
    this.metrics.published.inc({ type });
  }
}
