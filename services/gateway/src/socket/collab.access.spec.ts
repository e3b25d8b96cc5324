import { AclState, ServerEvent, emptyAcl } from '@tandem/contracts';
import { signToken } from '@tandem/platform';
import { eventually, uniqueId } from '@tandem/platform/testing';
import type { Socket } from 'socket.io-client';
import { connected, secret, setup } from '../testing/gateway.harness';

const acl = (id: string, version: number, changes: Partial<AclState> = {}): AclState => ({ ...emptyAcl('doc', id), version, workspaceAccess: 'none', ...changes });
const increment = (socket: Socket, docId: string, n = 0) => socket.emitWithAck('command', { type: 'doc.counter.increment', commandId: `cmd-${uniqueId()}-${n}`, docId, by: 1 });
const join = (socket: Socket, id: string, link?: string) => socket.emitWithAck('join', { type: 'join', resource: { kind: 'doc', id }, ...(link ? { link } : {}) });
const events = (socket: Socket) => {
  const seen: ServerEvent[] = [];
  socket.on('event', (e: ServerEvent) => seen.push(e));
  return seen;
};

describe('gateway access control', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => (ctx = await setup()));
  afterAll(async () => ctx.teardown());

  async function user(tenant: string, sub: string, roles: string[] = ['member']) {
    const socket = await ctx.connect(tenant, await signToken(secret, { sub, tenant, roles }));
    await connected(socket);
    return socket;
  }

  it('refuses to join a resource without a role, and refuses a viewer’s write', async () => {
    const tenant = uniqueId('tenant');
    await ctx.setAcl(tenant, acl('private', 1, { grants: [{ userId: 'ann', role: 'owner' }, { userId: 'vic', role: 'viewer' }] }));
    const eve = await user(tenant, 'eve');
    expect(await join(eve, 'private')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const vic = await user(tenant, 'vic');
    expect(await join(vic, 'private')).toMatchObject({ ok: true, role: 'viewer' });
    expect(await increment(vic, 'private')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/editor/) } });
  });

  it('kicks a connected user whose access is removed, within a second, and stops delivering to them', async () => {
    const tenant = uniqueId('tenant');
    await ctx.setAcl(tenant, acl('doc', 1, { grants: [{ userId: 'bob', role: 'editor' }] }));
    const bob = await user(tenant, 'bob');
    const seen = events(bob);
    expect(await join(bob, 'doc')).toMatchObject({ ok: true, role: 'editor' });
    const removedAt = Date.now();
    await ctx.setAcl(tenant, acl('doc', 2));
    await eventually(() => expect(seen).toContainEqual(expect.objectContaining({ type: 'kicked', reason: 'ACCESS_REVOKED', resource: { kind: 'doc', id: 'doc' } })));
    expect(Date.now() - removedAt).toBeLessThan(1000);
    expect(await increment(bob, 'doc')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('downgrades a connected user whose role is lowered, who then cannot write', async () => {
    const tenant = uniqueId('tenant');
    await ctx.setAcl(tenant, acl('doc', 1, { grants: [{ userId: 'cat', role: 'editor' }] }));
    const cat = await user(tenant, 'cat');
    const seen = events(cat);
    await join(cat, 'doc');
    expect(await increment(cat, 'doc')).toMatchObject({ ok: true });
    await ctx.setAcl(tenant, acl('doc', 2, { grants: [{ userId: 'cat', role: 'viewer' }] }));
    await eventually(() => expect(seen).toContainEqual(expect.objectContaining({ type: 'downgraded', role: 'viewer' })));
    expect(await increment(cat, 'doc', 1)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('ignores an ACL change older than the one it holds', async () => {
    const tenant = uniqueId('tenant');
    await ctx.setAcl(tenant, acl('doc', 5, { grants: [{ userId: 'dan', role: 'editor' }] }));
    const dan = await user(tenant, 'dan');
    await join(dan, 'doc');
    await ctx.setAcl(tenant, acl('doc', 4));
    await new Promise((r) => setTimeout(r, 150));
    expect(await increment(dan, 'doc')).toMatchObject({ ok: true });
  });

  it('makes a workspace admin owner everywhere and gives guests nothing by default', async () => {
    const tenant = uniqueId('tenant');
    await ctx.setAcl(tenant, acl('doc', 1, { workspaceAccess: 'editor' }));
    expect(await join(await user(tenant, 'root', ['admin']), 'doc')).toMatchObject({ ok: true, role: 'owner' });
    expect(await join(await user(tenant, 'gus', ['guest']), 'doc')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await join(await user(tenant, 'mem'), 'doc')).toMatchObject({ ok: true, role: 'editor' });
  });
});

describe('gateway handshake', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => (ctx = await setup({ ALLOWED_TENANTS: 'acme,globex', JWT_AUDIENCE: 'tandem' })));
  afterAll(async () => ctx.teardown());

  const refusal = (socket: Socket) => new Promise<{ data?: { code: string } }>((resolve) => socket.once('connect_error', resolve));
  const token = (claims: { sub: string; tenant: string }, audience = 'tandem', ttl = 3600) =>
    import('jose').then(({ SignJWT }) =>
      new SignJWT({ tenant: claims.tenant }).setProtectedHeader({ alg: 'HS256' }).setSubject(claims.sub).setAudience(audience).setExpirationTime(Math.floor(Date.now() / 1000) + ttl).sign(new TextEncoder().encode(secret)),
    );

  it('accepts a good token', async () => {
    const s = await ctx.connect('acme', await token({ sub: 'u', tenant: 'acme' }));
    await connected(s);
  });

  it.each([
    ['forged', async () => (await token({ sub: 'u', tenant: 'acme' })).slice(0, -4) + 'AAAA', 'TOKEN_INVALID'],
    ['expired', () => token({ sub: 'u', tenant: 'acme' }, 'tandem', -5), 'TOKEN_EXPIRED'],
    ['wrong-audience', () => token({ sub: 'u', tenant: 'acme' }, 'someone-else'), 'TOKEN_INVALID'],
    ['not-served-tenant', () => token({ sub: 'u', tenant: 'initech' }), 'TENANT_NOT_ALLOWED'],
  ])('refuses a %s token at the handshake', async (_, make, code) => {
    const s = await ctx.connect('acme', await make());
    expect((await refusal(s)).data?.code).toBe(code);
  });

  it('refuses a token of another workspace than the one asked for', async () => {
    const s = await ctx.connect('acme', await token({ sub: 'u', tenant: 'globex' }), { tenant: 'acme' });
    expect((await refusal(s)).data?.code).toBe('WRONG_TENANT');
  });
});

describe('gateway limits', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => (ctx = await setup()));
  afterAll(async () => ctx.teardown());

  it('answers an oversized message with PAYLOAD_TOO_LARGE and stays usable', async () => {
    const s = await ctx.connect(uniqueId('tenant'));
    await connected(s);
    expect(await s.emitWithAck('join', { type: 'join', resource: { kind: 'doc', id: 'x'.repeat(5000) } })).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(await join(s, 'd')).toMatchObject({ ok: true });
  });

  it('rate-limits a flooding socket with a retry hint, without affecting another user', async () => {
    const tenant = uniqueId('tenant');
    const flood = await ctx.connect(tenant, await signToken(secret, { sub: 'flooder', tenant }));
    const calm = await ctx.connect(tenant, await signToken(secret, { sub: 'calm', tenant }));
    await Promise.all([connected(flood), connected(calm)]);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => increment(flood, 'd', i)));
    const limited = results.filter((r) => !r.ok);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]).toMatchObject({ error: { code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) } });
    expect(await increment(calm, 'd')).toMatchObject({ ok: true });
  });

  it('limits rooms per socket', async () => {
    const s = await ctx.connect(uniqueId('tenant'));
    await connected(s);
    for (const id of ['a', 'b', 'c']) expect(await join(s, id)).toMatchObject({ ok: true });
    expect(await join(s, 'd')).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED' } });
    expect(await join(s, 'a')).toMatchObject({ ok: true });
  });

  it('limits connections per user and frees a slot on disconnect', async () => {
    const tenant = uniqueId('tenant');
    const token = await signToken(secret, { sub: 'many', tenant });
    const sockets = await Promise.all(Array.from({ length: 4 }, () => ctx.connect(tenant, token)));
    await Promise.all(sockets.map(connected));
    const fifth = await ctx.connect(tenant, token);
    const error = await new Promise<{ data?: { code: string } }>((resolve) => fifth.once('connect_error', resolve));
    expect(error.data?.code).toBe('LIMIT_EXCEEDED');
    sockets[0].close();
    await eventually(async () => {
      const again = await ctx.connect(tenant, token);
      await connected(again);
    });
  });

  it('answers an unknown message and a message without acknowledgement with typed errors', async () => {
    const s = await ctx.connect(uniqueId('tenant'));
    await connected(s);
    const seen = events(s);
    expect(await s.emitWithAck('nonsense', {})).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    s.emit('nonsense', 1);
    await eventually(() => expect(seen).toContainEqual({ type: 'protocol.error', event: 'nonsense', error: expect.objectContaining({ code: 'INVALID_MESSAGE' }) }));
  });
});

describe('gateway token expiry', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => (ctx = await setup()));
  afterAll(async () => ctx.teardown());

  it('asks for a fresh token before expiry and keeps a socket that sends one', async () => {
    const tenant = uniqueId('tenant');
    const s = await ctx.connect(tenant, await signToken(secret, { sub: 'fay', tenant }, 3));
    await connected(s);
    const seen = events(s);
    await eventually(() => expect(seen).toContainEqual(expect.objectContaining({ type: 'auth.expiring' })), 3000);
    expect(await s.emitWithAck('auth.refresh', { type: 'auth.refresh', token: await signToken(secret, { sub: 'fay', tenant }, 3600) })).toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 3000));
    expect(s.connected).toBe(true);
  });

  it('disconnects a socket whose token expired without a refresh, saying why', async () => {
    const tenant = uniqueId('tenant');
    const s = await ctx.connect(tenant, await signToken(secret, { sub: 'gil', tenant }, 2));
    await connected(s);
    const seen = events(s);
    await eventually(() => expect(s.connected).toBe(false), 4000);
    expect(seen).toContainEqual(expect.objectContaining({ type: 'kicked', reason: 'TOKEN_EXPIRED' }));
  });

  it('refuses a refresh token of another user', async () => {
    const tenant = uniqueId('tenant');
    const s = await ctx.connect(tenant, await signToken(secret, { sub: 'hal', tenant }));
    await connected(s);
    expect(await s.emitWithAck('auth.refresh', { type: 'auth.refresh', token: await signToken(secret, { sub: 'other', tenant }) })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
