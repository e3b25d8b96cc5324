import { signToken } from '@tandem/platform';
import { eventually, requireEnv, uniqueId } from '@tandem/platform/testing';
import { CounterHandle, TandemClient } from '@tandem/sdk';
import { randomBytes } from 'node:crypto';
import { io } from 'socket.io-client';
import { RunningProcess, startProcess, stopAll } from './support/processes';

/**
 * Access control on real Kafka, FerretDB and Redis with real sockets: a docs service that owns the
 * ACLs and two gateways that apply `acl.v1`, driven through the admin HTTP API and the SDK.
 */
describe('access control across gateways', () => {
  const jwtSecret = randomBytes(32).toString('hex');
  const internalToken = randomBytes(24).toString('hex');
  const audience = 'tandem-e2e';
  let docs: RunningProcess;
  let gateways: RunningProcess[];
  const clients: TandemClient[] = [];
  let tenant: string;

  beforeAll(async () => {
    const env = {
      KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
      MONGO_URL: requireEnv('MONGO_URL'),
      REDIS_URL: requireEnv('REDIS_URL'),
      JWT_SECRET: jwtSecret,
      JWT_AUDIENCE: audience,
      INTERNAL_TOKEN: internalToken,
    };
    docs = await startProcess('docs', 'services/docs/src/main.ts', env);
    gateways = await Promise.all([1, 2].map((n) => startProcess(`gateway-${n}`, 'services/gateway/src/main.ts', { ...env, DOCS_URL: docs.url })));
  });
  beforeEach(() => {
    tenant = uniqueId('tenant');
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => stopAll());

  const tokenOf = (sub: string, t = tenant, roles = ['member']) => signToken(jwtSecret, { sub, tenant: t, roles, audience });
  async function connect(sub: string, gateway = 0, t = tenant): Promise<TandemClient> {
    const token = await tokenOf(sub, t);
    const client = new TandemClient({ url: gateways[gateway].url, getToken: () => token });
    clients.push(client);
    await client.ready();
    return client;
  }
  async function api(sub: string, method: string, path: string, body?: unknown, t = tenant) {
    const res = await fetch(`${gateways[0].url}/api/v1/resources/doc/${path}`, {
      method,
      headers: { authorization: `Bearer ${await tokenOf(sub, t)}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  /** Ann creates a document (she owns it) that members cannot see unless granted. */
  async function privateDoc(id: string): Promise<CounterHandle> {
    const ann = await connect('ann');
    const doc = await ann.counter(id);
    await doc.increment();
    await eventually(async () => expect((await api('ann', 'GET', `${id}/acl`)).body).toMatchObject({ grants: [{ userId: 'ann', role: 'owner' }] }), 10_000);
    expect((await api('ann', 'PUT', `${id}/workspace-access`, { access: 'none' })).status).toBe(202);
    await eventually(async () => expect((await api('ann', 'GET', `${id}/acl`)).body).toMatchObject({ workspaceAccess: 'none' }), 10_000);
    return doc;
  }
  const grant = async (id: string, userId: string, role: string) => expect((await api('ann', 'PUT', `${id}/grants/${userId}`, { role })).status).toBe(202);
  const aclVersion = async (id: string) => (await api('ann', 'GET', `${id}/acl`)).body.version as number;

  it('refuses forged, expired, wrong-audience and wrong-tenant tokens at the handshake', async () => {
    const good = await tokenOf('u');
    const cases: Array<[string, string, Record<string, string>]> = [
      ['TOKEN_INVALID', good.slice(0, -3) + 'abc', {}],
      ['TOKEN_EXPIRED', await signToken(jwtSecret, { sub: 'u', tenant, audience }, -10), {}],
      ['TOKEN_INVALID', await signToken(jwtSecret, { sub: 'u', tenant, audience: 'another-app' }), {}],
      ['WRONG_TENANT', good, { tenant: `${tenant}-other` }],
    ];
    for (const [code, token, extra] of cases) {
      const socket = io(gateways[0].url, { transports: ['websocket'], auth: { token, ...extra }, reconnection: false, forceNew: true });
      const error = await new Promise<{ data?: { code: string } }>((resolve) => socket.once('connect_error', resolve));
      socket.close();
      expect(error.data?.code).toBe(code);
    }
  });

  it('refuses a viewer’s write, which then appears nowhere', async () => {
    const annDoc = await privateDoc('plans');
    await grant('plans', 'vic', 'viewer');
    await eventually(async () => expect(await aclVersion('plans')).toBe(3), 10_000);
    const vic = await (await connect('vic', 1)).counter('plans');
    expect(vic.role).toBe('viewer');
    await expect(vic.increment()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await new Promise((r) => setTimeout(r, 500));
    expect([annDoc.value, vic.value]).toEqual([1, 1]);
  });

  it('kicks a user removed while connected within a second, measured, and sends them nothing more', async () => {
    const annDoc = await privateDoc('secret');
    await grant('secret', 'bob', 'editor');
    await eventually(async () => expect(await aclVersion('secret')).toBe(3), 10_000);
    const bob = await (await connect('bob', 1)).counter('secret');
    const kicked = new Promise<number>((resolve) => bob.onChange((c) => c.kicked && resolve(Date.now())));
    const removedAt = Date.now();
    expect((await api('ann', 'DELETE', 'secret/grants/bob')).status).toBe(202);
    const kickedAt = await kicked;
    console.log(`removal → kicked on the other gateway: ${kickedAt - removedAt} ms`);
    expect(kickedAt - removedAt).toBeLessThan(1000);
    expect(bob.kicked?.reason).toBe('ACCESS_REVOKED');
    const before = bob.value;
    await annDoc.increment();
    await eventually(() => expect(annDoc.value).toBe(2));
    await new Promise((r) => setTimeout(r, 500));
    expect(bob.value).toBe(before);
  });

  it('ends a revoked share link for a connected user, and refuses it afterwards', async () => {
    await privateDoc('shared');
    const created = await api('ann', 'POST', 'shared/links', { role: 'viewer', expiresInSeconds: 600 });
    expect(created.status).toBe(201);
    const link = created.body.token as string;
    await eventually(async () => expect((await api('ann', 'GET', 'shared/acl')).body.links).toHaveLength(1), 10_000);
    const lou = await connect('lou', 1);
    const viaLink = await lou.counter('shared', { link });
    expect(viaLink.role).toBe('viewer');
    expect((await api('ann', 'DELETE', `shared/links/${created.body.linkId as string}`)).status).toBe(202);
    await eventually(() => expect(viaLink.kicked?.reason).toBe('LINK_REVOKED'), 2_000);
    await expect((await connect('lou', 0)).counter('shared', { link })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('gives a reconnecting user the lowered role', async () => {
    await privateDoc('notes');
    await grant('notes', 'cat', 'editor');
    await eventually(async () => expect(await aclVersion('notes')).toBe(3), 10_000);
    const first = await connect('cat', 1);
    expect((await first.counter('notes')).role).toBe('editor');
    first.close();
    await grant('notes', 'cat', 'viewer');
    await eventually(async () => expect(await aclVersion('notes')).toBe(4), 10_000);
    const again = await (await connect('cat', 1)).counter('notes');
    expect(again.role).toBe('viewer');
    await expect(again.increment()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('only lets an owner change access', async () => {
    await privateDoc('mine');
    await grant('mine', 'ed', 'editor');
    await eventually(async () => expect(await aclVersion('mine')).toBe(3), 10_000);
    expect((await api('ed', 'PUT', 'mine/grants/ed', { role: 'owner' })).status).toBe(403);
    expect((await api('ed', 'GET', 'mine/acl')).status).toBe(200);
    expect((await api('stranger', 'GET', 'mine/acl')).status).toBe(403);
    expect((await api('ann', 'PUT', 'mine/grants/ed', { role: 'emperor' })).status).toBe(400);
  });

  describe('tenant isolation', () => {
    it('keeps every read path of another tenant’s document closed', async () => {
      const annDoc = await privateDoc('board');
      await grant('board', 'ann-friend', 'editor');
      const link = (await api('ann', 'POST', 'board/links', { role: 'editor' })).body.token as string;
      const other = `${tenant}-b`;

      // Socket: the same id in another tenant is another document; nothing of tenant A shows.
      const mallory = await connect('mallory', 0, other);
      const theirs = await mallory.counter('board');
      expect(theirs.value).toBe(0);
      await theirs.increment();
      await eventually(() => expect(theirs.value).toBe(1));
      expect(annDoc.value).toBe(1);

      // A share link of tenant A does not open anything for tenant B.
      await expect((await connect('mallory2', 1, other)).counter('board', { link })).rejects.toMatchObject({ code: 'FORBIDDEN' });

      // Admin API: tenant B sees its own (different) document's ACL, never tenant A's grants.
      const seen = await api('mallory', 'GET', 'board/acl', undefined, other);
      expect(JSON.stringify(seen.body)).not.toContain('ann');

      // Service-to-service reads need the internal token, which browsers never get.
      for (const path of [`internal/docs/${tenant}/board`, `internal/acl/${tenant}/doc/board`]) {
        expect((await fetch(`${docs.url}/${path}`)).status).toBe(401);
        expect((await fetch(`${docs.url}/${path}`, { headers: { authorization: `Bearer ${await tokenOf('mallory', other)}` } })).status).toBe(401);
      }
    });
  });
});
