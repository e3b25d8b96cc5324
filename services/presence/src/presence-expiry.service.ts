import { Injectable } from '@nestjs/common';
import { Clock } from './clock';
import { PresenceMetrics } from './presence.metrics';
import { Pending, Touched, roomsOf, viewOf } from './presence.model';
import { PresencePublisher } from './presence.publisher';
import { Deadline, PresenceRepository } from './presence.repository';
import { PresenceSettings } from './presence.settings';

/**
 * What happens when a deadline passes: a connection without heartbeat is gone (with its rooms and
 * typing), a typist stops, a user turns away, a status text ends. Each handler re-reads the state and
 * acts only if the deadline still holds (a heartbeat may have come in between), so handling one twice
 * changes nothing.
 */
@Injectable()
export class PresenceExpiryService {
  constructor(
    private readonly repo: PresenceRepository,
    private readonly publisher: PresencePublisher,
    private readonly clock: Clock,
    private readonly settings: PresenceSettings,
    private readonly metrics: PresenceMetrics,
  ) {}

  /** Handles a deadline that passed; the rosters and typists it touched are noted in `pending` to publish. */
  async handle(deadline: Deadline, pending: Pending): Promise<void> {
    switch (deadline.kind) {
      case 'connection':
        return this.connection(deadline, pending);
      case 'typing':
        return this.typing(deadline, pending);
      case 'away':
      case 'text':
        return this.userDeadline(deadline, pending);
    }
  }

  private async connection({ tenant, userId, connectionId }: Extract<Deadline, { kind: 'connection' }>, pending: Pending): Promise<void> {
    const user = await this.repo.readUser(tenant, userId);
    const now = this.clock.now();
    const before = viewOf(user, now, this.settings);
    const roomsBefore = roomsOf(user, now, this.settings);
    const touched = new Touched();
    const c = user.connections.get(connectionId);
    // Still live means a heartbeat came after the deadline was taken (and set a new one).
    if (c?.state === 'live' && c.heartbeatAt + this.settings.ttlMs <= now) {
      const expired = { ...c, state: 'expired' as const };
      await this.repo.saveConnection(tenant, userId, connectionId, expired);
      user.connections.set(connectionId, expired);
      await this.repo.withdraw(tenant, userId, connectionId, c);
      touched.withdrawn(c);
      this.metrics.expirations.inc({ kind: 'connection' });
      await this.repo.forgetExpiredOfUser(tenant, userId);
    } else if (c?.state === 'expired') {
      // Handled before (this is a retry after a lease ran out): re-check what a crash may have left unsaid.
      touched.withdrawn(c);
    }
    await this.publisher.afterChange(user, before, roomsBefore, touched, pending);
  }

  private async typing({ tenant, room, thread }: Extract<Deadline, { kind: 'typing' }>, pending: Pending): Promise<void> {
    const expired = await this.repo.takeExpiredTypists(tenant, { room, thread });
    if (expired > 0) this.metrics.expirations.inc({ kind: 'typing' }, expired);
    const touched = new Touched();
    touched.place({ room, thread });
    pending.add(tenant, touched);
  }

  private async userDeadline({ kind, tenant, userId }: Extract<Deadline, { kind: 'away' | 'text' }>, pending: Pending): Promise<void> {
    const user = await this.repo.readUser(tenant, userId);
    const now = this.clock.now();
    // Counted here even if a heartbeat got to publish it first: this deadline fires once per expiry.
    if (kind === 'away' && viewOf(user, now, this.settings).status === 'away') this.metrics.expirations.inc({ kind: 'away' });
    const { text, textExpiresAt } = user.status ?? {};
    if (kind === 'text' && text && textExpiresAt !== null && textExpiresAt !== undefined && textExpiresAt <= now) this.metrics.expirations.inc({ kind: 'status_text' });
    await this.publisher.afterChange(user, null, [], new Touched(), pending);
  }
}
