import { Injectable } from '@nestjs/common';
import type { ServerEvent, ServerToClientEvents } from '@tandem/contracts';
import type { Server } from 'socket.io';

/** Emits events to Socket.IO rooms (through the Redis adapter when several gateways share rooms). */
@Injectable()
export class RoomEmitterRepository {
  private server?: Server<object, ServerToClientEvents>;

  attach(server: Server<object, ServerToClientEvents>): void {
    this.server = server;
  }

  emit(room: string, event: ServerEvent): void {
    if (!this.server) throw new Error('the Socket.IO server is not attached yet');
    this.server.to(room).emit('event', event);
  }
}
