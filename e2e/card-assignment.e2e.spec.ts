import type { Notification } from '@tandem/contracts';
import { kanban } from '@tandem/documents';
import { signToken } from '@tandem/platform';
import { eventually, requireEnv, uniqueId } from '@tandem/platform/testing';
import { TandemClient } from '@tandem/sdk';
import { randomBytes } from 'node:crypto';
import { RunningProcess, startProcess, stopAll } from './support/processes';

/**
 * Being assigned a kanban card, through the whole path on real Kafka and FerretDB: the board is
 * edited through the SDK, the docs service merges the change and announces the new assignees
 * (`tandem.docs.card.assigned`), the notifications service tells those who can read the board, and
 * the gateway pushes the notification to their devices.
 */
describe('kanban card assignment notifications', () => {
  const jwtSecret = randomBytes(32).toString('hex');
  let gateway: RunningProcess;
  const clients: TandemClient[] = [];
  const tenant = uniqueId('tenant');

  beforeAll(async () => {
    const env = { KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'), MONGO_URL: requireEnv('MONGO_URL'), JWT_SECRET: jwtSecret, INTERNAL_TOKEN: randomBytes(24).toString('hex') };
    const [docs, notifications] = await Promise.all([startProcess('docs', 'services/docs/src/main.ts', env, 120_000), startProcess('notifications', 'services/notifications/src/main.ts', env, 120_000)]);
    gateway = await startProcess('gateway', 'services/gateway/src/main.ts', { ...env, DOCS_URL: docs.url, NOTIFICATIONS_URL: notifications.url }, 120_000);
  }, 180_000);
  afterAll(async () => {
    for (const c of clients.splice(0)) c.close();
    await stopAll();
  });

  const tokenOf = (sub: string) => signToken(jwtSecret, { sub, tenant, roles: ['member'] });
  async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${gateway.url}/api/v1/resources/doc/roadmap/${path}`, {
      method,
      headers: { authorization: `Bearer ${await tokenOf('ann')}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  async function connect(sub: string): Promise<{ client: TandemClient; received: Notification[] }> {
    const token = await tokenOf(sub);
    const client = new TandemClient({ url: gateway.url, getToken: () => token });
    clients.push(client);
    await client.ready();
    const received: Notification[] = [];
    client.notifications.onNotification((n) => n.type === 'card.assigned' && received.push(n));
    return { client, received };
  }

  it('tells each new assignee who can read the board, once, and nobody else', async () => {
    const [ann, bob, cid, gil] = await Promise.all([connect('ann'), connect('bob'), connect('cid'), connect('gil')]);
    const board = await ann.client.documents.open('roadmap', 'kanban');
    let cardId = '';
    board.change((d) => {
      const todo = kanban.addColumn(d, 'Backlog');
      cardId = kanban.addCard(d, todo, { title: 'Launch plan', assignees: ['ann'] });
    });
    await board.whenDurable();
    // The board is private: bob may edit it, cid read it, gil (a member of the workspace) nothing.
    await eventually(async () => expect((await admin('GET', 'acl')).body).toMatchObject({ grants: [{ userId: 'ann', role: 'owner' }] }), 15_000);
    expect((await admin('PUT', 'workspace-access', { access: 'none' })).status).toBe(202);
    expect((await admin('PUT', 'grants/bob', { role: 'editor' })).status).toBe(202);
    expect((await admin('PUT', 'grants/cid', { role: 'viewer' })).status).toBe(202);
    // Both were told they were given access: the notifications service has the board's new ACL.
    await eventually(async () => {
      for (const c of [bob, cid]) expect((await c.client.notifications.list()).notifications.map((n) => n.type)).toContain('doc.shared');
    }, 30_000);
    // ann (the assigner), bob and gil, who cannot read the board.
    board.change((d) => kanban.editCard(d, cardId, { addAssignees: ['bob', 'gil'] }));
    await board.whenDurable();

    const [notice] = await eventually(() => {
      expect(bob.received).toHaveLength(1);
      return bob.received;
    }, 30_000);
    expect(notice).toMatchObject({ type: 'card.assigned', actorId: 'ann', link: { kind: 'card', docId: 'roadmap', cardId } });
    expect(notice.title).toContain('Launch plan');

    // Another edit of the card assigns nobody new: nothing more. Then cid is assigned: cid alone is told.
    board.change((d) => kanban.editCard(d, cardId, { title: 'Launch plan v2' }));
    board.change((d) => kanban.editCard(d, cardId, { addAssignees: ['cid'] }));
    await board.whenDurable();
    await eventually(() => expect(cid.received.map((n) => [n.type, n.link])).toEqual([['card.assigned', { kind: 'card', docId: 'roadmap', cardId }]]), 30_000);
    expect(bob.received).toHaveLength(1);
    expect(ann.received).toEqual([]);
    expect(gil.received).toEqual([]);
    expect((await gil.client.notifications.list()).notifications).toEqual([]);
    expect((await bob.client.notifications.list()).notifications.filter((n) => n.type === 'card.assigned')).toHaveLength(1);
  }, 120_000);
});
