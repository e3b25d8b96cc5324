/**
 * The floor of the chat benchmark: a bare Socket.IO server that relays a message to a room, with
 * nothing else on the path (no auth, Kafka, store or validation). Run as its own process, like the
 * gateway, by `bench/chat.ts` (`post`) and `bench/typing-scale.ts` (`change`: Automerge changes,
 * binary, relayed to the rest of the room). `/readyz` answers once it listens.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer((req, res) => {
  res.writeHead(req.url === '/readyz' ? 200 : 404).end();
});
const io = new Server(http, { transports: ['websocket'] });
io.on('connection', (socket) => {
  socket.on('join', (room: string, ack: () => void) => {
    void socket.join(room);
    ack();
  });
  // The relay acknowledges like the gateway does, then emits to the room like the gateway's consumer.
  socket.on('post', (message: { room: string; messageId: string; text: string }, ack: (r: { ok: true }) => void) => {
    ack({ ok: true });
    io.to(message.room).emit('event', { type: 'relay', messageId: message.messageId, text: message.text });
  });
  // Like the gateway's document relay: to the others in the room at once, acknowledged, nothing stored.
  socket.on('change', (message: { room: string; changes: Uint8Array }, ack?: () => void) => {
    socket.to(message.room).emit('change', message.changes);
    ack?.();
  });
});
http.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => io.close(() => process.exit(0)));
