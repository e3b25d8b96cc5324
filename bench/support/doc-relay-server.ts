/**
 * The floor of the documents fan-out benchmark: a bare Socket.IO server that relays a client's
 * Automerge change bytes to the rest of its room, with nothing else on the path (no auth, Kafka,
 * store, validation or merge). Run as its own process by `bench/docs-fanout.ts`; `/readyz` answers
 * once it listens.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer((req, res) => {
  res.writeHead(req.url === '/readyz' ? 200 : 404).end();
});
const io = new Server(http, { transports: ['websocket'], maxHttpBufferSize: 1e6 });
io.on('connection', (socket) => {
  socket.on('join', (room: string, ack: () => void) => {
    void socket.join(room);
    ack();
  });
  // Like the gateway: relayed to the others first, then acknowledged.
  socket.on('change', (message: { room: string; changes: Buffer }, ack: () => void) => {
    socket.to(message.room).emit('change', message.changes);
    ack();
  });
});
http.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => io.close(() => process.exit(0)));
