import type { FileView } from '@tandem/contracts';
import { signToken } from '@tandem/platform';
import { eventually, requireEnv, uniqueId } from '@tandem/platform/testing';
import { FileEvent, FilesApiError, TandemClient } from '@tandem/sdk';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { onePagePdf } from '../services/files/src/testing/fixtures';
import { RunningProcess, startProcess, stopAll } from './support/processes';

/**
 * Files through the whole platform on real Kafka, FerretDB and MinIO: the SDK uploads straight to
 * MinIO through presigned URLs, the files service verifies and makes previews, the gateway emits the
 * events to the document's room and issues read URLs only to users who may read the document.
 */
describe('files across the platform', () => {
  const jwtSecret = randomBytes(32).toString('hex');
  const internalToken = randomBytes(24).toString('hex');
  let gateway: RunningProcess;
  const clients: TandemClient[] = [];
  let tenant: string;

  beforeAll(async () => {
    const env = {
      KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
      MONGO_URL: requireEnv('MONGO_URL'),
      JWT_SECRET: jwtSecret,
      INTERNAL_TOKEN: internalToken,
    };
    const s3 = { S3_ENDPOINT: requireEnv('S3_ENDPOINT'), S3_ACCESS_KEY: requireEnv('S3_ACCESS_KEY'), S3_SECRET_KEY: requireEnv('S3_SECRET_KEY'), S3_BUCKET: 'tandem-files-e2e' };
    const [docs, files] = await Promise.all([startProcess('docs', 'services/docs/src/main.ts', env), startProcess('files', 'services/files/src/main.ts', { ...env, ...s3 })]);
    gateway = await startProcess('gateway', 'services/gateway/src/main.ts', { ...env, DOCS_URL: docs.url, FILES_URL: files.url });
  }, 120_000);
  beforeEach(() => {
    tenant = uniqueId('tenant');
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => stopAll());

  const tokenOf = (sub: string, t = tenant, roles = ['member']) => signToken(jwtSecret, { sub, tenant: t, roles });
  async function connect(sub: string, t = tenant, roles = ['member']): Promise<TandemClient> {
    const token = await tokenOf(sub, t, roles);
    const client = new TandemClient({ url: gateway.url, getToken: () => token });
    clients.push(client);
    await client.ready();
    return client;
  }
  async function admin(sub: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${gateway.url}/api/v1/resources/doc/${path}`, {
      method,
      headers: { authorization: `Bearer ${await tokenOf(sub)}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  const png = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: '#4a8' } }).png().toBuffer();

  it('shows a file attached to a document, with its preview, to every member of the room once the preview is ready', async () => {
    const [ann, bob, cid] = await Promise.all([connect('ann'), connect('bob'), connect('cid')]);
    await Promise.all([ann, bob, cid].map((c) => c.counter('launch')));
    const seen = [bob, cid].map((c) => {
      const events: FileEvent[] = [];
      c.files.onEvent((e) => events.push(e));
      return events;
    });
    const file = await ann.files.upload(await png(1200, 800), { name: 'mockup.png', target: { kind: 'doc', docId: 'launch' }, type: 'image/png' });
    expect(file).toMatchObject({ status: 'processing', type: 'image/png' });
    for (const events of seen) {
      const ready = await eventually(() => {
        const e = events.find((x) => x.type === 'file.preview.ready');
        if (!e || e.type !== 'file.preview.ready') throw new Error('no preview yet');
        return e.file;
      }, 30_000);
      expect(ready).toMatchObject({ fileId: file.fileId, status: 'ready', preview: { kind: 'image', sizes: ['small', 'large'], width: 1200, height: 800 } });
      // The uploaded event came first, and the preview is fetchable the moment "ready" arrives.
      expect(events.findIndex((e) => e.type === 'file.uploaded')).toBeLessThan(events.findIndex((e) => e.type === 'file.preview.ready'));
    }
    const urls = await bob.files.urls(file.fileId);
    const small = await sharp(Buffer.from(await (await fetch(urls.previews.small!)).arrayBuffer())).metadata();
    expect([small.format, small.width]).toEqual(['webp', 256]);
    expect((await cid.files.list({ kind: 'doc', id: 'launch' })).files.map((f: FileView) => f.fileId)).toEqual([file.fileId]);
  }, 90_000);

  it('gives a PDF a first-page preview', async () => {
    const ann = await connect('ann');
    await ann.counter('specs');
    const file = await ann.files.upload(onePagePdf('Spec'), { name: 'spec.pdf', target: { kind: 'card', docId: 'specs', cardId: 'c-1' }, type: 'application/pdf' });
    const ready = await ann.files.whenReady(file.fileId, 30_000);
    expect(ready.preview).toMatchObject({ kind: 'pdf', pages: 1, sizes: ['small', 'large'] });
  }, 60_000);

  it('issues download URLs only to users who may read the document: not to another tenant, not without access, not after revocation', async () => {
    const ann = await connect('ann');
    const doc = await ann.counter('board');
    await doc.increment();
    await eventually(async () => expect((await admin('ann', 'GET', 'board/acl')).body).toMatchObject({ grants: [{ userId: 'ann', role: 'owner' }] }), 10_000);
    expect((await admin('ann', 'PUT', 'board/workspace-access', { access: 'none' })).status).toBe(202);
    await eventually(async () => expect((await admin('ann', 'GET', 'board/acl')).body).toMatchObject({ workspaceAccess: 'none' }), 10_000);
    const file = await ann.files.upload(Buffer.from('quarterly numbers'), { name: 'q3.txt', target: { kind: 'doc', docId: 'board' }, type: 'text/plain' });
    expect((await ann.files.urls(file.fileId)).download).toContain('tandem-files-e2e');

    const mallory = await connect('mallory', uniqueId('other-tenant'));
    await expect(mallory.files.urls(file.fileId)).rejects.toMatchObject({ status: 404 });
    const bob = await connect('bob');
    await expect(bob.files.urls(file.fileId)).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
    await expect(bob.files.list({ kind: 'doc', id: 'board' })).rejects.toBeInstanceOf(FilesApiError);
    const guest = await connect('gil', tenant, ['guest']);
    await expect(guest.files.upload(Buffer.from('x'), { name: 'x.txt', type: 'text/plain', target: { kind: 'channel', channelId: 'general' } })).rejects.toMatchObject({ code: 'FORBIDDEN' });

    expect((await admin('ann', 'PUT', 'board/grants/bob', { role: 'viewer' })).status).toBe(202);
    await eventually(async () => expect((await bob.files.urls(file.fileId)).download).toBeTruthy(), 10_000);
    await expect(bob.files.delete(file.fileId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await admin('ann', 'DELETE', 'board/grants/bob')).status).toBe(202);
    await eventually(async () => expect(bob.files.urls(file.fileId)).rejects.toMatchObject({ code: 'FORBIDDEN' }), 10_000);
  }, 90_000);

  it('refuses an oversized upload and an executable disguised as an image, telling the room', async () => {
    const ann = await connect('ann');
    await ann.counter('inbox');
    const failures: FileEvent[] = [];
    ann.files.onEvent((e) => e.type === 'file.failed' && failures.push(e));
    const tooLarge = { name: 'huge.mp4', size: 200 * 1024 * 1024 };
    const res = await fetch(`${gateway.url}/api/v1/files/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenOf('ann')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...tooLarge, type: 'video/mp4', target: { kind: 'doc', docId: 'inbox' } }),
    });
    expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([413, 'TOO_LARGE']);
    const elf = Buffer.alloc(4096);
    elf.set([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]);
    elf.writeUInt16LE(2, 16);
    elf.writeUInt16LE(0x3e, 18);
    elf.writeUInt32LE(1, 20);
    await expect(ann.files.upload(elf, { name: 'kitten.png', type: 'image/png', target: { kind: 'doc', docId: 'inbox' } })).rejects.toMatchObject({ code: 'TYPE_NOT_ALLOWED' });
    await eventually(() => expect(failures).toMatchObject([{ type: 'file.failed', reason: 'TYPE_NOT_ALLOWED', name: 'kitten.png' }]), 10_000);
  }, 60_000);
});
