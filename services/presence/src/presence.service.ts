import { Inject, Injectable } from '@nestjs/common';
import { EventOfType, EventTypeOf, TOPICS, TopicEvent } from '@tandem/contracts';
import { LOGGER, Logger } from '@tandem/platform';
import { Clock } from './clock';
import { forEachLimited, groupBy } from './concurrency';
import { ConnectionRecord, MAX_TYPING_PLACES, Pending, Touched, TypingPlace, UserState, isLive, roomsOf, samePlace, viewOf } from './presence.model';
import { PresencePublisher } from './presence.publisher';
import { PresenceRepository } from './presence.repository';
import { PresenceSettings } from './presence.settings';

type Commands = typeof TOPICS.presenceCommands;
export type PresenceCommand = TopicEvent<Commands>;
type CommandOf<E extends EventTypeOf<Commands>> = EventOfType<Commands, E>;

/** Users whose commands are applied side by side (each user's in order). */
const CONCURRENCY = 32;

/**
 * Applies the gateways' presence commands to the stored state and publishes what others see change.
 * Every command is idempotent and order-tolerant: it sets state rather than counting, a closed
 * connection is remembered (so a late heartbeat or a redelivered `connected` cannot bring it back),
 * and what is published is compared with what was last published, so a redelivery publishes nothing
 * new, while a crash between storing and publishing is made good on redelivery.
 */
@Injectable()
export class PresenceService {
  constructor(
    private readonly repo: PresenceRepository,
    private readonly publisher: PresencePublisher,
    private readonly clock: Clock,
    private readonly settings: PresenceSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Applies commands of any users in partition order: each user's in order, different users side by side. */
  async apply(commands: readonly PresenceCommand[]): Promise<void> {
    const pending = new Pending();
    const byUser = groupBy(commands, (c) => `${c.tenant}/${c.data.userId}`);
    await forEachLimited(byUser, CONCURRENCY, async (own) => {
      for (const command of own) await this.applyOne(command, pending);
    });
    // Rosters and typists once per batch: a busy room is re-read once, not once per member's command.
    await this.publisher.flush(pending);
  }

  private async applyOne(command: PresenceCommand, pending: Pending): Promise<void> {
    const user = await this.repo.readUser(command.tenant, command.data.userId);
    const now = this.clock.now();
    const before = viewOf(user, now, this.settings);
    const roomsBefore = roomsOf(user, now, this.settings);
    const touched = new Touched();
    switch (command.type) {
      case 'tandem.presence.connected':
        await this.connected(user, command, touched);
        break;
      case 'tandem.presence.heartbeat':
        await this.heartbeat(user, command, touched);
        break;
      case 'tandem.presence.disconnected':
        await this.disconnected(user, command.data.connectionId, touched);
        break;
      case 'tandem.presence.joined':
        await this.joined(user, command.data.connectionId, command.data.room, touched);
        break;
      case 'tandem.presence.left':
        await this.left(user, command.data.connectionId, command.data.room, touched);
        break;
      case 'tandem.presence.activity':
        await this.noteActivity(user, this.eventTime(command));
        break;
      case 'tandem.presence.status':
        await this.status(user, command, touched);
        break;
      case 'tandem.presence.typing':
        await this.typing(user, command, touched);
        break;
    }
    await this.publisher.afterChange(user, before, roomsBefore, touched, pending);
  }

  private async connected(user: UserState, command: CommandOf<'tandem.presence.connected'>, touched: Touched): Promise<void> {
    const { connectionId, name, device } = command.data;
    const existing = user.connections.get(connectionId);
    if (existing?.state === 'disconnected') return this.ignore(command, 'the connection already disconnected');
    if (existing?.state === 'expired' && !this.isRecent(command)) return this.ignore(command, 'a stale command for an expired connection');
    const now = this.clock.now();
    if (!existing) await this.repo.forgetExpiredOfUser(user.tenant, user.userId);
    const record: ConnectionRecord = existing
      ? { ...existing, name, device }
      : { name, device, state: 'live', connectedAt: now, heartbeatAt: now, indexedAt: now, rooms: [], typing: [] };
    await this.keepAlive(user, connectionId, record, touched);
    await this.noteActivity(user, this.eventTime(command));
  }

  private async heartbeat(user: UserState, command: CommandOf<'tandem.presence.heartbeat'>, touched: Touched): Promise<void> {
    const { connectionId } = command.data;
    const existing = user.connections.get(connectionId);
    // Unknown: its `connected` was never seen or is long forgotten; without a name it cannot be shown.
    if (!existing) return this.ignore(command, 'an unknown connection');
    if (existing.state === 'disconnected') return this.ignore(command, 'the connection already disconnected');
    if (existing.state === 'expired' && !this.isRecent(command)) return this.ignore(command, 'a stale command for an expired connection');
    await this.keepAlive(user, connectionId, existing, touched);
  }

  /**
   * Stores the connection as live until a TTL from now. A connection that had expired (or was due to)
   * is revived with its rooms: the gateway still heartbeats it, so the socket is there.
   */
  private async keepAlive(user: UserState, connectionId: string, existing: ConnectionRecord, touched: Touched): Promise<void> {
    const now = this.clock.now();
    const revived = !isLive(existing, now, this.settings);
    const record: ConnectionRecord = { ...existing, state: 'live', heartbeatAt: now };
    if (revived || now - existing.indexedAt >= this.settings.ttlMs) {
      // Room entries expire unless refreshed; refreshing them every TTL keeps them ahead of the connection.
      for (const room of record.rooms) await this.repo.enterRoom(user.tenant, room, user.userId, connectionId);
      record.indexedAt = now;
      if (revived) record.rooms.forEach((r) => touched.rooms.add(r));
    }
    await this.save(user, connectionId, record);
    await this.repo.schedule({ kind: 'connection', tenant: user.tenant, userId: user.userId, connectionId }, this.settings.ttlMs);
    if (user.status && user.status.expiresAt - now < this.settings.retainMs / 2) {
      await this.repo.saveStatus(user.tenant, user.userId, user.status);
      user.status.expiresAt = now + this.settings.retainMs;
    }
  }

  private async disconnected(user: UserState, connectionId: string, touched: Touched): Promise<void> {
    const existing = user.connections.get(connectionId);
    if (existing?.state === 'disconnected') return;
    const now = this.clock.now();
    // Unknown: remembered anyway, so a `connected` or heartbeat arriving after it cannot open it.
    const record: ConnectionRecord = existing
      ? { ...existing, state: 'disconnected' }
      : { name: '', device: null, state: 'disconnected', connectedAt: now, heartbeatAt: now, indexedAt: now, rooms: [], typing: [] };
    await this.save(user, connectionId, record);
    await this.repo.cancel({ kind: 'connection', tenant: user.tenant, userId: user.userId, connectionId });
    if (existing?.state === 'live') {
      await this.repo.withdraw(user.tenant, user.userId, connectionId, existing);
      touched.withdrawn(existing);
    }
  }

  private async joined(user: UserState, connectionId: string, room: string, touched: Touched): Promise<void> {
    const c = user.connections.get(connectionId);
    if (!isLive(c, this.clock.now(), this.settings)) return;
    if (!c.rooms.includes(room)) await this.save(user, connectionId, { ...c, rooms: [...c.rooms, room] });
    await this.repo.forgetExpiredOfRoom(user.tenant, room);
    await this.repo.enterRoom(user.tenant, room, user.userId, connectionId);
    touched.rooms.add(room);
  }

  private async left(user: UserState, connectionId: string, room: string, touched: Touched): Promise<void> {
    const c = user.connections.get(connectionId);
    if (c?.state === 'live' && (c.rooms.includes(room) || c.typing.some((p) => p.room === room))) {
      const typing = c.typing.filter((p) => p.room === room);
      await this.save(user, connectionId, { ...c, rooms: c.rooms.filter((r) => r !== room), typing: c.typing.filter((p) => p.room !== room) });
      for (const place of typing) {
        await this.repo.stopTyping(user.tenant, place, user.userId, connectionId);
        touched.place(place);
      }
    }
    await this.repo.leaveRoom(user.tenant, room, user.userId, connectionId);
    touched.rooms.add(room);
  }

  private async status(user: UserState, command: CommandOf<'tandem.presence.status'>, touched: Touched): Promise<void> {
    const { status, text, textExpiresAt } = command.data;
    const now = this.clock.now();
    const record = { status, text, textExpiresAt: textExpiresAt ? Date.parse(textExpiresAt) : null };
    await this.repo.saveStatus(user.tenant, user.userId, record);
    user.status = { ...record, expiresAt: now + this.settings.retainMs };
    if (text && record.textExpiresAt !== null && record.textExpiresAt > now) {
      await this.repo.schedule({ kind: 'text', tenant: user.tenant, userId: user.userId }, record.textExpiresAt - now);
    }
    // Choosing a status is doing something: it ends automatic away like any other activity.
    await this.noteActivity(user, this.eventTime(command));
    touched.everything = true;
  }

  private async typing(user: UserState, command: CommandOf<'tandem.presence.typing'>, touched: Touched): Promise<void> {
    const { connectionId, room, thread, kind, active } = command.data;
    const c = user.connections.get(connectionId);
    if (!isLive(c, this.clock.now(), this.settings)) return;
    const place: TypingPlace = { room, thread };
    const deadline = { kind: 'typing' as const, tenant: user.tenant, userId: user.userId, connectionId, room, thread };
    const known = c.typing.some((p) => samePlace(p, place));
    if (active) {
      await this.repo.startTyping(user.tenant, place, { userId: user.userId, connectionId, name: c.name, kind });
      await this.repo.schedule(deadline, this.settings.typingTtlMs);
      if (!known) await this.save(user, connectionId, { ...c, typing: [...c.typing, place].slice(-MAX_TYPING_PLACES) });
    } else {
      await this.repo.stopTyping(user.tenant, place, user.userId, connectionId);
      await this.repo.cancel(deadline);
      if (known) await this.save(user, connectionId, { ...c, typing: c.typing.filter((p) => !samePlace(p, place)) });
    }
    touched.place(place);
  }

  /** Records activity at `at` (never moving it back), and when the user turns away without more. */
  private async noteActivity(user: UserState, at: number): Promise<void> {
    if ((user.activityAt ?? -Infinity) >= at) return;
    await this.repo.saveActivity(user.tenant, user.userId, at);
    user.activityAt = at;
    await this.repo.schedule({ kind: 'away', tenant: user.tenant, userId: user.userId }, at + this.settings.awayAfterMs - this.clock.now());
  }

  private async save(user: UserState, connectionId: string, record: ConnectionRecord): Promise<void> {
    await this.repo.saveConnection(user.tenant, user.userId, connectionId, record);
    user.connections.set(connectionId, record);
  }

  /** When the command happened by its own clock (never later than now): a redelivered one is old. */
  private eventTime(command: PresenceCommand): number {
    const at = Date.parse(command.time);
    return Number.isNaN(at) ? this.clock.now() : Math.min(at, this.clock.now());
  }

  /** Only a command sent within the last TTL may revive an expired connection, not a redelivered old one. */
  private isRecent(command: PresenceCommand): boolean {
    return this.eventTime(command) > this.clock.now() - this.settings.ttlMs;
  }

  private ignore(command: PresenceCommand, why: string): void {
    this.logger.debug({ type: command.type, tenant: command.tenant, userId: command.data.userId, connectionId: command.data.connectionId }, `ignored: ${why}`);
  }
}
