import type { CommandAck, JoinAck } from '@tandem/contracts';
import { io, Socket } from 'socket.io-client';

/**
 * A raw Socket.IO connection joined to one document's room: what a benchmark needs to time single
 * commands (the SDK hides command ids and retries). No reconnection, so a drop shows up as lost deliveries.
 */
export async function joinRoom(url: string, token: string, docId: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const ack = (await socket.timeout(10_000).emitWithAck('join', { type: 'join', resource: { kind: 'doc', id: docId } })) as JoinAck;
  if (!ack.ok) throw new Error(`could not join ${docId}: ${ack.error.code} ${ack.error.message}`);
  return socket;
}

/** Sends one counter increment; `onAck` gets the answer (or null after 10 s without one). */
export function increment(socket: Socket, docId: string, commandId: string, onAck: (ack: CommandAck | null) => void): void {
  socket.timeout(10_000).emit('command', { type: 'doc.counter.increment', commandId, docId, by: 1 }, (timeout: Error | null, ack?: CommandAck) => onAck(timeout ? null : (ack ?? null)));
}

/** The loopback addresses the benchmarks may talk to. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
