import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { CursorPosition, ResourceRef, roomOf } from '@tandem/contracts';
import { Metrics } from '@tandem/platform';
import { Counter } from 'prom-client';
import type { SocketSession } from '../session/socket-session';
import { RoomEmitterRepository } from '../events/room-emitter.repository';

/** Cursors of a room are sent at most once per this many ms: each user's latest position, in one batch. */
export const CURSOR_INTERVAL_MS = 50;

/**
 * A user who has not moved for this long has their last position sent once more, not droppable: the
 * batch that carried it may have been dropped, and nothing newer would ever replace it.
 */
export const CURSOR_SETTLE_MS = 500;

type Entry = { userId: string; name: string; cursor: CursorPosition };

interface RoomBatch {
  resource: ResourceRef;
  cursors: Map<string, Entry>;
  timer: ReturnType<typeof setTimeout>;
}

/** The users of a room who moved since their position was last sent reliably. */
interface RoomSettling {
  resource: ResourceRef;
  moved: Map<string, { entry: Entry; movedAt: number; session: SocketSession; socket: CursorSocket }>;
  timer: ReturnType<typeof setTimeout>;
}

/** What the relay needs of the socket that moved: whether it is still connected. */
export type CursorSocket = { readonly connected: boolean };

/**
 * Relays cursors and selections straight to the room — never to Kafka, never stored. Per room, the
 * updates of a 50 ms window are gathered (each user's latest wins) and sent as one volatile batch: a
 * reader gets at most 20 packets a second per room however many people move, and under load cursors
 * are dropped rather than queued in front of edits. Socket.IO drops a volatile packet whenever the
 * reader's connection is busy writing (any other event in flight), so a user's last position could
 * be lost for good, their caret left where it was before; once a user has not moved for
 * {@link CURSOR_SETTLE_MS}, their last position is sent again, reliably, if they are still in the room.
 */
@Injectable()
export class CursorRelay implements OnModuleDestroy {
  private readonly rooms = new Map<string, RoomBatch>();
  private readonly settling = new Map<string, RoomSettling>();
  private readonly superseded: Counter;
  private readonly settled: Counter;

  constructor(
    private readonly emitter: RoomEmitterRepository,
    metrics: Metrics,
  ) {
    this.superseded = new Counter({ name: 'tandem_cursor_updates_dropped_total', help: 'Cursor updates replaced by a newer one of the same user before they were sent', registers: [metrics.registry] });
    this.settled = new Counter({ name: 'tandem_cursor_settles_total', help: "Users' last cursor positions sent again, reliably, once they stopped moving", registers: [metrics.registry] });
  }

  move(session: SocketSession, socket: CursorSocket, resource: ResourceRef, cursor: CursorPosition): void {
    const { tenant, userId, name } = session.principal;
    const room = roomOf(tenant, resource);
    const entry = { userId, name, cursor };
    let batch = this.rooms.get(room);
    if (!batch) {
      const timer = setTimeout(() => this.flush(room), CURSOR_INTERVAL_MS);
      this.rooms.set(room, (batch = { resource, cursors: new Map(), timer }));
    }
    if (batch.cursors.has(userId)) this.superseded.inc();
    batch.cursors.set(userId, entry);

    let settling = this.settling.get(room);
    if (!settling) {
      const timer = setTimeout(() => this.settle(room), CURSOR_SETTLE_MS);
      this.settling.set(room, (settling = { resource, moved: new Map(), timer }));
    }
    settling.moved.set(userId, { entry, movedAt: Date.now(), session, socket });
  }

  onModuleDestroy(): void {
    for (const { timer } of [...this.rooms.values(), ...this.settling.values()]) clearTimeout(timer);
    this.rooms.clear();
    this.settling.clear();
  }

  private flush(room: string): void {
    const batch = this.rooms.get(room);
    this.rooms.delete(room);
    if (!batch || batch.cursors.size === 0) return;
    // Through the Redis adapter: readers of this room on other gateways get it too.
    this.emitter.broadcastVolatile(room, { type: 'presence.cursors', resource: batch.resource, cursors: [...batch.cursors.values()] });
  }

  /** Sends, reliably, the last position of each user of the room who has stopped moving. */
  private settle(room: string): void {
    const settling = this.settling.get(room);
    if (!settling) return;
    const now = Date.now();
    const still: Entry[] = [];
    let nextAt = Infinity;
    for (const [userId, m] of settling.moved) {
      if (now - m.movedAt < CURSOR_SETTLE_MS) {
        nextAt = Math.min(nextAt, m.movedAt + CURSOR_SETTLE_MS);
        continue;
      }
      settling.moved.delete(userId);
      if (m.socket.connected && m.session.joined.has(room)) still.push(m.entry); // still there
    }
    if (still.length > 0) {
      this.settled.inc(still.length);
      this.emitter.broadcast(room, { type: 'presence.cursors', resource: settling.resource, cursors: still });
    }
    if (settling.moved.size === 0) this.settling.delete(room);
    else settling.timer = setTimeout(() => this.settle(room), Math.max(1, nextAt - now));
  }
}
