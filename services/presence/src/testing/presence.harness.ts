import { EventDataOf, EventOfType, EventTypeOf, TOPICS, TopicEvent, TopicName, validateEvent } from '@tandem/contracts';
import { MemoryEventBus, MemoryPresenceStore, Metrics, PresenceStore, PublishRecord, createLogger } from '@tandem/platform';
import { randomUUID } from 'node:crypto';
import { Clock } from '../clock';
import { PresenceExpiryService } from '../presence-expiry.service';
import { PresenceMetrics } from '../presence.metrics';
import { PresencePublisher } from '../presence.publisher';
import { PresenceRepository } from '../presence.repository';
import { PresenceCommand, PresenceService } from '../presence.service';
import { PresenceSettings } from '../presence.settings';
import { PresenceSweeper } from '../presence.sweeper';
import { PresenceViews } from '../presence.views';

type Commands = typeof TOPICS.presenceCommands;
type Events = typeof TOPICS.presenceEvents;
type EventType = EventTypeOf<Events>;

/** A clock that moves only when told. */
export class ManualClock extends Clock {
  constructor(private time = Date.parse('2030-01-06T09:00:00.000Z')) {
    super();
  }

  override now(): number {
    return this.time;
  }

  advance(ms: number): void {
    this.time += ms;
  }
}

/** The in-process bus, recording what was published on `presence.events.v1`; it can fail publishes on demand. */
export class RecordingBus extends MemoryEventBus {
  readonly events: Array<TopicEvent<Events>> = [];
  failures = 0;

  override async publish<T extends TopicName>(topic: T, records: readonly PublishRecord<T>[]): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('publish failed (test)');
    }
    await super.publish(topic, records);
    if (topic === TOPICS.presenceEvents) this.events.push(...records.map((r) => r.event as TopicEvent<Events>));
  }

  /** The data of the events of `type` published so far, optionally only those matching `where`. */
  published<E extends EventType>(type: E, where: (data: EventDataOf<Events, E>) => boolean = () => true): Array<EventDataOf<Events, E>> {
    return this.events.filter((e) => e.type === type).map((e) => e.data as EventDataOf<Events, E>).filter(where);
  }
}

export const testSettings = (overrides: Partial<Pick<PresenceSettings, 'ttlMs' | 'sweepMs' | 'typingTtlMs' | 'awayAfterMs'>> = {}) =>
  new PresenceSettings({ ttlMs: 30_000, sweepMs: 1_000, typingTtlMs: 5_000, awayAfterMs: 300_000, ...overrides });

/** One presence service instance built by hand around the given store, bus and clock. */
export function createPresence(options: { store: PresenceStore; bus: RecordingBus; clock: Clock; settings?: PresenceSettings; name?: string }) {
  const { store, bus, clock } = options;
  const settings = options.settings ?? testSettings();
  const logger = createLogger({ name: 'presence-test', level: 'silent' });
  const registry = new Metrics(options.name ?? 'presence-test');
  const repo = new PresenceRepository(store, settings);
  const metrics = new PresenceMetrics(registry, repo);
  const views = new PresenceViews(repo, clock, settings);
  const publisher = new PresencePublisher(bus, options.name ?? 'presence-test', views, repo, clock, metrics, settings);
  const service = new PresenceService(repo, publisher, clock, settings, logger);
  const expiry = new PresenceExpiryService(repo, publisher, clock, settings, metrics);
  const sweeper = new PresenceSweeper(repo, expiry, publisher, settings, logger);
  return { service, sweeper, views, metrics, registry, settings, repo };
}

/** How many expirations of `kind` an instance counted. */
export async function expirations(metrics: PresenceMetrics, kind: 'connection' | 'typing' | 'away' | 'status_text'): Promise<number> {
  return (await metrics.expirations.get()).values.find((v) => v.labels.kind === kind)?.value ?? 0;
}

/**
 * One connection (socket) of a user as a gateway reports it: each method makes a command, valid
 * against the contract, stamped with the clock's time.
 */
export function connection(clock: Clock, tenant: string, userId: string, connectionId: string, name = userId.toUpperCase(), device: string | null = null) {
  const command = <E extends EventTypeOf<Commands>>(type: E, data: Omit<EventDataOf<Commands, E>, 'userId' | 'connectionId'>): PresenceCommand => {
    const event = { id: randomUUID(), type, source: '/tests', specversion: '1.0', time: new Date(clock.now()).toISOString(), tenant, data: { ...data, userId, connectionId } };
    return validateEvent(TOPICS.presenceCommands, event as unknown as EventOfType<Commands, E>);
  };
  return {
    userId,
    connectionId,
    connected: () => command('tandem.presence.connected', { name, device }),
    heartbeat: () => command('tandem.presence.heartbeat', {}),
    disconnected: () => command('tandem.presence.disconnected', {}),
    joined: (room: string) => command('tandem.presence.joined', { room }),
    left: (room: string) => command('tandem.presence.left', { room }),
    activity: () => command('tandem.presence.activity', {}),
    status: (status: 'online' | 'away' | 'dnd' | 'invisible', text: string | null = null, textExpiresAt: string | null = null) =>
      command('tandem.presence.status', { status, text, textExpiresAt }),
    typing: (room: string, active = true, kind: 'typing' | 'editing' = 'typing', thread: string | null = null) => command('tandem.presence.typing', { room, thread, kind, active }),
  };
}

export type Connection = ReturnType<typeof connection>;

/** A presence service on the in-process store and bus with a manual clock, and helpers to drive it. */
export function setupPresence(
  options: { store?: PresenceStore | ((now: () => number) => PresenceStore); clock?: ManualClock; bus?: RecordingBus; settings?: PresenceSettings; tenant?: string; name?: string } = {},
) {
  const clock = options.clock ?? new ManualClock();
  const now = () => clock.now();
  const store = typeof options.store === 'function' ? options.store(now) : (options.store ?? new MemoryPresenceStore(now));
  const bus = options.bus ?? new RecordingBus();
  const tenant = options.tenant ?? 'acme';
  const sut = createPresence({ store, bus, clock, settings: options.settings, name: options.name });
  const send = (...commands: PresenceCommand[]) => sut.service.apply(commands);
  return {
    ...sut,
    clock,
    store,
    bus,
    tenant,
    send,
    connection: (userId: string, connectionId: string, name?: string, device?: string | null) => connection(clock, tenant, userId, connectionId, name, device),
    /** Lets `ms` pass in steps of `stepMs`, sweeping after each step and heartbeating `alive` every 10 s, as in production. */
    async pass(ms: number, alive: Connection[] = [], stepMs = 1_000): Promise<void> {
      for (let elapsed = 0; elapsed < ms; ) {
        const step = Math.min(stepMs, ms - elapsed);
        clock.advance(step);
        elapsed += step;
        if (alive.length > 0 && elapsed % 10_000 === 0) await send(...alive.map((c) => c.heartbeat()));
        await sut.sweeper.sweep();
      }
    },
    /** The last user event of `userId`. */
    lastUser: (userId: string) => bus.published('tandem.presence.user', (d) => d.userId === userId).at(-1),
    /** The rosters of `room` published so far (member ids), in order. */
    rosters: (room: string) => bus.published('tandem.presence.roster', (d) => d.room === room).map((d) => d.members),
    /** The typists of a place published so far (user ids), in order. */
    typists: (room: string, thread: string | null = null) => bus.published('tandem.presence.typists', (d) => d.room === room && d.thread === thread).map((d) => d.typing),
  };
}
