import { Injectable } from '@nestjs/common';
import { CursorPosition, ResourceRef, roomOf } from '@tandem/contracts';
import { Metrics } from '@tandem/platform';
import { Counter } from 'prom-client';
import type { SocketSession } from '../session/socket-session';
import { RoomEmitterRepository } from '../events/room-emitter.repository';

/** Cursors of a room are sent at most once per this many ms: each user's latest position, in one batch. */
export const CURSOR_INTERVAL_MS = 50;

interface RoomBatch {
  resource: ResourceRef;
  cursors: Map<string, { userId: string; name: string; cursor: CursorPosition }>;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Relays cursors and selections straight to the room — never to Kafka, never stored. Per room, the
 * updates of a 50 ms window are gathered (each user's latest wins) and sent as one volatile batch: a
 * reader gets at most 20 packets a second per room however many people move, and under load cursors
 * are dropped rather than queued in front of edits.
 */
@Injectable()
export class CursorRelay {
  private readonly rooms = new Map<string, RoomBatch>();
  private readonly superseded: Counter;

  constructor(
    private readonly emitter: RoomEmitterRepository,
    metrics: Metrics,
  ) {
    this.superseded = new Counter({ name: 'tandem_cursor_updates_dropped_total', help: 'Cursor updates replaced by a newer one of the same user before they were sent', registers: [metrics.registry] });
  }

  move(session: SocketSession, resource: ResourceRef, cursor: CursorPosition): void {
    const { tenant, userId, name } = session.principal;
    const room = roomOf(tenant, resource);
    let batch = this.rooms.get(room);
    if (!batch) {
      const timer = setTimeout(() => this.flush(room), CURSOR_INTERVAL_MS);
      this.rooms.set(room, (batch = { resource, cursors: new Map(), timer }));
    }
    if (batch.cursors.has(userId)) this.superseded.inc();
    batch.cursors.set(userId, { userId, name, cursor });
  }

  private flush(room: string): void {
    const batch = this.rooms.get(room);
    this.rooms.delete(room);
    if (!batch || batch.cursors.size === 0) return;
    // Through the Redis adapter: readers of this room on other gateways get it too.
    this.emitter.broadcastVolatile(room, { type: 'presence.cursors', resource: batch.resource, cursors: [...batch.cursors.values()] });
  }
}
