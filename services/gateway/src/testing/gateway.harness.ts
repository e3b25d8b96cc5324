import { INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AclState, TOPICS, aggregateKey, emptyAcl } from '@tandem/contracts';
import { EVENT_BUS, EventBus, PlatformModule, loadConfig, signToken } from '@tandem/platform';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, Socket } from 'socket.io-client';
import { GatewayModule } from '../gateway.module';

export const secret = 'gateway-spec-secret-long-enough-0000';

/** A gateway for tests: real sockets, with the in-process bus and a stand-in docs service over HTTP. */
export async function setup(extraEnv: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-gw-'));
  const docsValues = new Map<string, number>();
  const acls = new Map<string, AclState>();
  let docsDown = false;
  const docsServer: Server = createServer((req, res) => {
    if (docsDown) return void res.writeHead(503).end();
    const parts = (req.url ?? '').split('/');
    const reply = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (parts[2] === 'acl') return reply(acls.get(`${parts[3]}/${parts[5]}`) ?? emptyAcl('doc', parts[5]));
    const [, , , tenant, docId] = parts;
    reply({ kind: 'doc', docId, docType: 'counter', seq: 0, value: docsValues.get(`${tenant}/${docId}`) ?? 0 });
  });
  await new Promise<void>((r) => docsServer.listen(0, '127.0.0.1', r));
  const docsUrl = `http://127.0.0.1:${(docsServer.address() as AddressInfo).port}`;
  const config = loadConfig({
    DATA_DIR: dataDir,
    JWT_SECRET: secret,
    LOG_LEVEL: 'silent',
    SOCKET_RATE_PER_SECOND: '20',
    SOCKET_RATE_BURST: '20',
    MAX_ROOMS_PER_SOCKET: '3',
    MAX_CONNECTIONS_PER_USER: '4',
    MAX_MESSAGE_BYTES: '4096',
    TOKEN_REFRESH_LEAD_SECONDS: '2',
    ...extraEnv,
  });

  @Module({ imports: [PlatformModule.forRoot({ service: 'gateway', config }), GatewayModule.forRoot({ config, devSignIn: false, docsUrl: () => docsUrl, presenceUrl: () => docsUrl })] })
  class App {}

  const moduleRef = await Test.createTestingModule({ imports: [App] }).compile();
  const app: INestApplication = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const bus = app.get<EventBus>(EVENT_BUS);
  const sockets: Socket[] = [];
  const connect = async (tenant: string, token?: string, auth: Record<string, string> = {}) => {
    const socket = io(url, { transports: ['websocket'], auth: { token: token ?? (await signToken(secret, { sub: 'u1', tenant })), ...auth }, reconnection: false, forceNew: true });
    sockets.push(socket);
    return socket;
  };
  /** Stands in for the docs service: stores the ACL it serves and publishes it on acl.v1. */
  const setAcl = async (tenant: string, acl: AclState) => {
    acls.set(`${tenant}/${acl.resource.id}`, acl);
    await bus.publish(TOPICS.acl, [
      { key: aggregateKey(tenant, `doc:${acl.resource.id}`), event: { id: `acl-${tenant}-${acl.version}`, type: 'tandem.acl.changed', source: '/test', specversion: '1.0', time: new Date().toISOString(), tenant, data: acl } },
    ]);
  };
  return {
    app,
    bus,
    connect,
    docsValues,
    setAcl,
    url,
    setDocsDown: (down: boolean) => (docsDown = down),
    teardown: async () => {
      sockets.forEach((s) => s.close());
      await app.close();
      await new Promise((r) => docsServer.close(r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const connected = (s: Socket) => new Promise<void>((resolve, reject) => (s.once('connect', resolve), s.once('connect_error', reject)));

