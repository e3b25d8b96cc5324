import type { INestApplication } from '@nestjs/common';
import type { Notification } from '@tandem/contracts';
import { loadConfig } from '@tandem/platform';
import { eventually } from '@tandem/platform/testing';
import { AccessError, devSignIn, identityOf, SignInError, TandemClient } from '@tandem/sdk';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStandalone } from './standalone';

/** The SDK's sign-in, access and leaderboard-list APIs in Node against a real gateway (embedded mode, real sockets and HTTP). */
describe('SDK sign-in and access against the standalone gateway', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-sdk-access-'));
  let app: INestApplication;
  let url: string;
  const clients: TandemClient[] = [];

  beforeAll(async () => {
    app = await startStandalone(loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }));
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const connect = async (name: string) => {
    const session = await devSignIn(url, name);
    const c = new TandemClient({ url, getToken: () => session.token });
    clients.push(c);
    await c.ready();
    return { c, session };
  };

  it('signs in with the dev sign-in and reads who the token names', async () => {
    const session = await devSignIn(url, 'Zoë Quinn');
    expect(session).toMatchObject({ userId: 'zo-quinn', name: 'Zoë Quinn', tenant: 'local', roles: ['member'] });
    expect(identityOf(session.token)).toEqual({ userId: session.userId, name: session.name, tenant: session.tenant, roles: session.roles, expiresAt: session.expiresAt });
    expect(session.expiresAt).toBeGreaterThan(Date.now());
  });

  it('refuses a bad name and a non-token with typed errors', async () => {
    await expect(devSignIn(url, '   ')).rejects.toMatchObject({ name: 'SignInError', code: 'INVALID_REQUEST' });
    expect(() => identityOf('not-a-token')).toThrow(SignInError);
    await expect(devSignIn('http://127.0.0.1:1', 'Ann')).rejects.toMatchObject({ code: 'NETWORK' });
  });

  it('lets an owner grant a role, which the grantee is notified of and can then use; a non-owner is refused', async () => {
    const [{ c: ann }, { c: bob }] = await Promise.all([connect('Ann'), connect('Bob')]);
    const doc = await ann.counter('plan');
    await doc.increment();
    const acl = await eventually(async () => {
      const a = await ann.access.acl({ kind: 'doc', id: 'plan' });
      expect(a.grants).toEqual([{ userId: 'ann', role: 'owner' }]);
      return a;
    }, 10_000);
    expect(acl.workspaceAccess).toBe('editor');

    await expect(bob.access.grant({ kind: 'doc', id: 'plan' }, 'bob', 'owner')).rejects.toMatchObject({ name: 'AccessError', code: 'FORBIDDEN', status: 403 });
    const seen: Notification[] = [];
    bob.notifications.onNotification((n) => seen.push(n));
    await ann.access.setWorkspaceAccess({ kind: 'doc', id: 'plan' }, 'none');
    expect(await ann.access.grant({ kind: 'doc', id: 'plan' }, 'bob', 'viewer')).toMatchObject({ accepted: true });
    await eventually(() => expect(seen.map((n) => [n.type, n.link])).toEqual([['doc.shared', { kind: 'doc', docId: 'plan', docKind: 'counter', role: 'viewer' }]]), 10_000);
    expect(bob.notifications.unread).toBe(1);
    const view = await bob.counter('plan');
    expect(view.role).toBe('viewer');
    await expect(bob.access.acl({ kind: 'doc', id: 'plan' })).resolves.toMatchObject({ workspaceAccess: 'none' });

    const link = await ann.access.createLink({ kind: 'doc', id: 'plan' }, 'editor', 3600);
    expect(link).toMatchObject({ role: 'editor', token: expect.any(String) });
    await expect(ann.access.grant({ kind: 'doc', id: 'plan' }, 'bob', 'boss' as never)).rejects.toBeInstanceOf(AccessError);
  }, 30_000);

  it('lists the leaderboards defined in the workspace', async () => {
    const { c } = await connect('Admin');
    expect(await c.stats.leaderboards()).toEqual([]);
    await c.stats.defineLeaderboard('goals', { stat: 'goals', aggregation: 'sum' });
    await c.stats.defineLeaderboard('fastest', { stat: 'lap', aggregation: 'min', direction: 'asc' });
    expect((await c.stats.leaderboards()).map((b) => [b.boardId, b.stat, b.aggregation]).sort()).toEqual([
      ['fastest', 'lap', 'min'],
      ['goals', 'goals', 'sum'],
    ]);
  });
});
