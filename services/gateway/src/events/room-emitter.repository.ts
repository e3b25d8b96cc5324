import { Injectable } from '@nestjs/common';
import type { ServerEvent, ServerToClientEvents } from '@tandem/contracts';
import type { Server, Socket } from 'socket.io';

/** The Socket.IO side of the gateway: emits to rooms (through the Redis adapter when several gateways share rooms) and finds this process's sockets. */
@Injectable()
export class RoomEmitterRepository {
  private server?: Server<object, ServerToClientEvents>;

  attach(server: Server<object, ServerToClientEvents>): void {
    this.server = server;
  }

  emit(room: string, event: ServerEvent): void {
    this.require().to(room).emit('event', event);
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
