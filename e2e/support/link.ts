import { Server, Socket, connect, createServer } from 'node:net';
import { freePort } from './processes';

/**
 * A TCP link to one backend that a test can cut, as a phone losing its network: {@link cut} drops
 * every open connection and refuses new ones until {@link restore}. The client on the other side
 * sees a real network failure and reconnects by itself.
 */
export class Link {
  private readonly server: Server;
  private readonly open = new Set<Socket>();
  private down = false;
  readonly url: Promise<string>;

  constructor(backend: string) {
    const { hostname, port } = new URL(backend);
    this.server = createServer((client) => {
      client.on('error', () => undefined);
      if (this.down) return void client.destroy();
      const upstream = connect(Number(port), hostname);
      upstream.on('error', () => client.destroy());
      for (const s of [client, upstream]) {
        this.open.add(s);
        s.on('close', () => this.open.delete(s));
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.url = freePort().then((p) => new Promise((resolve) => this.server.listen(p, '127.0.0.1', () => resolve(`http://127.0.0.1:${p}`))));
  }

  cut(): void {
    this.down = true;
    for (const s of this.open) s.destroy();
  }

  restore(): void {
    this.down = false;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
