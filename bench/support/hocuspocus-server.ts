/**
 * The Hocuspocus reference of `bench/docs-fanout.ts`: `@hocuspocus/server` with no extensions, so
 * it relays Yjs updates between the clients of a document in memory and persists nothing. Run as its
 * own process; `/readyz` answers once it listens.
 */
import { Server } from '@hocuspocus/server';

const server = new Server({
  port: Number(process.env.PORT ?? 0),
  address: process.env.HOST ?? '127.0.0.1',
  quiet: true,
  stopOnSignals: false,
  async onRequest({ request, response }) {
    if (request.url !== '/readyz') return;
    response.writeHead(200).end();
    // Hocuspocus's own answer is skipped when a hook rejects; rejecting without a value is its convention for "handled".
    throw null;
  },
});
void server.listen();
process.on('SIGTERM', () => void server.destroy().finally(() => process.exit(0)));
