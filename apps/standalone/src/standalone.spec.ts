import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@tandem/platform';
import { eventually } from '@tandem/platform/testing';
import { TandemClient } from '@tandem/sdk';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStandalone } from './standalone';

/** The embedded mode in one process: dev sign-in, the SDK over real sockets, data kept on disk. */
describe('standalone (embedded mode)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-standalone-'));
  const clients: TandemClient[] = [];
  let app: INestApplication | undefined;

  const start = async (port = 0) => {
    await app?.close();
    app = await startStandalone(loadConfig({ DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' }));
    return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  };
  const signIn = async (url: string, name: string) => {
    const res = await fetch(`${url}/auth/dev-sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
    return ((await res.json()) as { token: string }).token;
  };
  const client = (url: string, token: string) => {
    const c = new TandemClient({ url, getToken: () => token, ackTimeoutMs: 2_000 });
    clients.push(c);
    return c;
  };

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in, shares a counter between two clients and keeps it across a restart', async () => {
    let url = await start();
    const [ann, bob] = [client(url, await signIn(url, 'Ann')), client(url, await signIn(url, 'Bob'))];
    const [a, b] = await Promise.all([ann.counter('welcome'), bob.counter('welcome')]);
    await Promise.all([a.increment(), a.increment(), b.increment()]);
    await eventually(() => expect([a.value, b.value]).toEqual([3, 3]));
    ann.close();
    bob.close();

    url = await start();
    const carol = client(url, await signIn(url, 'Carol'));
    expect((await carol.counter('welcome')).value).toBe(3);
  });

  it('queues increments while the server is down and delivers them after it is back', async () => {
    let url = await start();
    const port = Number(new URL(url).port);
    const token = await signIn(url, 'Dee');
    const dee = client(url, token);
    const counter = await dee.counter('offline');
    await app!.close();
    app = undefined;
    await eventually(() => expect(dee.state).not.toBe('online'));
    const pending = [counter.increment(), counter.increment()];
    expect(dee.pendingCommands).toBe(2);
    url = await start(port);
    await Promise.all(pending);
    await eventually(() => expect(counter.value).toBe(2));
    expect(dee.pendingCommands).toBe(0);
  });

  it('refuses a socket with a forged token', async () => {
    const url = `http://127.0.0.1:${(app!.getHttpServer().address() as AddressInfo).port}`;
    const forged = client(url, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwidGVuYW50IjoibG9jYWwifQ.invalid');
    await expect(forged.ready()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('keeps the internal reads closed to browsers', async () => {
    const url = `http://127.0.0.1:${(app!.getHttpServer().address() as AddressInfo).port}`;
    expect((await fetch(`${url}/internal/docs/local/welcome`)).status).toBe(401);
  });
});
