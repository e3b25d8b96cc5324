import { Injectable } from '@nestjs/common';
import { CursorPosition, ResourceRef, roomOf } from '@tandem/contracts';
import { Metrics } from '@tandem/platform';
import { Counter } from 'prom-client';
import type { Socket } from 'socket.io';
import type { SocketSession } from '../session/socket-session';

/** At most one cursor update per user and resource per this many ms reaches the room. */
export const CURSOR_INTERVAL_MS = 50;

interface Pending {
  socket: Socket;
  session: SocketSession;
  resource: ResourceRef;
  cursor: CursorPosition;
}

/**
 * Relays cursors and selections straight to the room — never to Kafka, never stored. Per user and
 * resource, latest wins: updates inside the 50 ms window replace each other, and the emit is
 * volatile, so under load cursors are dropped rather than queued in front of edits.
 */
@Injectable()
export class CursorRelay {
  private readonly lastSent = new Map<string, number>();
  private readonly pending = new Map<string, Pending>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();  private readonly dropped: Counter;

  constructor(metrics: Metrics) {
    this.dropped = new Counter({ name: 'tandem_cursor_updates_dropped_total', help: 'Cursor updates replaced by a newer one before they were sent', registers: [metrics.registry] });
  }

  move(socket: Socket, session: SocketSession, resource: ResourceRef, cursor: CursorPosition): void {
    const key = `${session.principal.tenant}/${session.principal.userId}/${resource.kind}:${resource.id}`;
    if (this.pending.has(key)) this.dropped.inc();
    this.pending.set(key, { socket, session, resource, cursor });
    const wait = CURSOR_INTERVAL_MS - (Date.now() - (this.lastSent.get(key) ?? 0));
    if (wait <= 0) this.flush(key);
    else if (!this.timers.has(key)) this.timers.set(key, setTimeout(() => this.flush(key), wait));
  }

  /** Forgets a user's pending cursors (their last socket disconnected). */
  forget(session: SocketSession): void {
    const prefix = `${session.principal.tenant}/${session.principal.userId}/`;
    for (const key of [...this.lastSent.keys()]) {
      if (!key.startsWith(prefix)) continue;
      this.lastSent.delete(key);
      this.pending.delete(key);
      clearTimeout(this.timers.get(key));
      this.timers.delete(key);
    }
  }

  private flush(key: string): void {
    this.timers.delete(key);
    const p = this.pending.get(key);
    this.pending.delete(key);
    if (!p) return;
    this.lastSent.set(key, Date.now());
    const { principal } = p.session;
    p.socket.to(roomOf(principal.tenant, p.resource)).volatile.emit('event', { type: 'presence.cursor', resource: p.resource, userId: principal.userId, name: principal.name, cursor: p.cursor });
  }
}
