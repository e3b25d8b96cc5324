import { Injectable } from '@nestjs/common';
import type { ServerEvent, ServerToClientEvents } from '@tandem/contracts';
import { Metrics, SpanKind, markSpan } from '@tandem/platform';
import type { Server, Socket } from 'socket.io';

/**
 * The Socket.IO side of the gateway: emits Kafka events to this process's sockets in a room, and
 * finds them. Every gateway reads every event (in consumer groups of its own) and emits locally, so a
 * crashed gateway never holds up the others' deliveries; the Redis adapter carries only what starts
 * at a socket (cursors).
 */
@Injectable()
export class RoomEmitterRepository {
  private server?: Server<object, ServerToClientEvents>;

  constructor(private readonly metrics: Metrics) {}

  attach(server: Server<object, ServerToClientEvents>): void {
    this.server = server;
    // Socket.IO keeps a room per socket id besides the named ones: count only the named rooms.
    this.metrics.countRoomsWith(() => {
      const ns = server.of('/');
      let rooms = 0;
      for (const name of ns.adapter.rooms.keys()) if (!ns.sockets.has(name)) rooms++;
      return rooms;
    });
  }

  emit(room: string, event: ServerEvent): void {
    // The last hop of a trace: the consumer's span (the event's trace) → this emit.
    markSpan(`socket emit ${event.type}`, { 'tandem.room': room, 'tandem.event.type': event.type }, SpanKind.PRODUCER);
    this.require().local.to(room).emit('event', event);
  }

  /** Emits once to each of this process's sockets in any of `rooms`. */
  emitToRooms(rooms: string[], event: ServerEvent): void {
    this.require().local.to(rooms).emit('event', event);
  }

  /** Emits to every socket in `room` on every gateway (Redis adapter), queued like any event. */
  broadcast(room: string, event: ServerEvent): void {
    this.require().to(room).emit('event', event);
  }

  /** Emits to every socket in `room` on every gateway (Redis adapter), droppable under load. */
  broadcastVolatile(room: string, event: ServerEvent): void {
    this.require().volatile.to(room).emit('event', event);
  }

  /** Sockets of this gateway process in `room` (other gateways handle their own). */
  localSocketsIn(room: string): Socket[] {
    const server = this.require();
    const ids = server.of('/').adapter.rooms.get(room);
    if (!ids) return [];
    return [...ids].map((id) => server.of('/').sockets.get(id)).filter((s): s is Socket => s !== undefined);
  }

  private require(): Server<object, ServerToClientEvents> {
    if (!this.server) throw new Error('the Socket.IO server is not attached yet');
    return this.server;
  }
}
