import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TOPICS, aggregateKey } from '@tandem/contracts';
import { EVENT_BUS, EventBus, PlatformModule, loadConfig } from '@tandem/platform';
import { eventually } from '@tandem/platform/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Clock } from './clock';
import { PresenceModule } from './presence.module';
import { PresenceCommand } from './presence.service';
import { connection } from './testing/presence.harness';

const TOKEN = 'internal-token-for-tests';

/** The presence service as `main.ts` builds it, on the embedded bus and store, over real HTTP. */
describe(PresenceModule.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-presence-'));
  let app: INestApplication;
  let url: string;
  let bus: EventBus;

  beforeAll(async () => {
    const config = loadConfig({ DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', INTERNAL_TOKEN: TOKEN, PRESENCE_TTL_MS: '1000', PRESENCE_SWEEP_MS: '50' });
    @Module({ imports: [PlatformModule.forRoot({ service: 'presence', config, presenceStore: true }), PresenceModule.forRoot(config)] })
    class App {}
    app = await NestFactory.create(App, { logger: false });
    app.enableShutdownHooks();
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    bus = app.get(EVENT_BUS);
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (...commands: PresenceCommand[]) =>
    bus.publish(
      TOPICS.presenceCommands,
      commands.map((event) => ({ key: aggregateKey(event.tenant, `user:${event.data.userId}`), event })),
    );
  const get = async (path: string, token: string | null = TOKEN) => {
    const res = await fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('consumes commands, answers reads for gateways behind the internal token, and expires connections by itself', async () => {
    const ann = connection(new Clock(), 'acme', 'ann', 'sock-1', 'Ann');
    await send(ann.connected(), ann.joined('doc:plans'));
    await eventually(async () => expect((await get('/internal/presence/acme/rooms/doc:plans')).body).toEqual({ room: 'doc:plans', members: [{ userId: 'ann', name: 'Ann', status: 'online' }] }));
    expect((await get('/internal/presence/acme/users?ids=ann,zed')).body).toEqual({
      users: [
        { userId: 'ann', name: 'Ann', status: 'online', text: null, connections: 1 },
        { userId: 'zed', name: 'zed', status: 'offline', text: null, connections: 0 },
      ],
    });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^tandem_presence_online_users\{[^}]*\} 1$/m);
    expect(metrics).toMatch(/^tandem_presence_live_connections\{[^}]*\} 1$/m);
    expect(metrics).toMatch(/^tandem_presence_events_published_total\{type="tandem.presence.user"[^}]*\} 1$/m);
    // No heartbeats: gone after the TTL (plus the sweeper's start-up grace of one TTL).
    await eventually(async () => expect((await get('/internal/presence/acme/users?ids=ann')).body.users).toEqual([expect.objectContaining({ status: 'offline' })]), 5_000);
    expect((await get('/internal/presence/acme/rooms/doc:plans')).body.members).toEqual([]);
  });

  it('refuses reads without the internal token and names what is wrong with a bad request', async () => {
    expect((await get('/internal/presence/acme/users?ids=ann', null)).status).toBe(401);
    expect((await get('/internal/presence/acme/users')).status).toBe(400);
    expect((await get('/internal/presence/acme/users?ids=a%2Fb')).body).toMatchObject({ statusCode: 400, message: expect.stringContaining('ids must be') });
    expect((await get(`/internal/presence/acme/users?ids=${Array.from({ length: 501 }, (_, i) => `u${i}`).join(',')}`)).status).toBe(400);
    expect((await get('/internal/presence/acme/rooms/plans')).body).toMatchObject({ statusCode: 400, message: expect.stringContaining('<kind>:<id>') });
  });
});
