import type { INestApplication } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { FileUrls, FileView, TOPICS, TopicEvent, UploadTicket } from '@tandem/contracts';
import { EVENT_BUS, EventBus, OBJECT_STORE, ObjectStore, PlatformModule, bootstrap, loadConfig } from '@tandem/platform';
import { eventually, requireEnv, uniqueId } from '@tandem/platform/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ContentWorkers, PREVIEW_WORKERS } from '../../src/content/content-workers';
import { FilesModule } from '../../src/files.module';
import { PreviewService } from '../../src/preview.service';
import { fileFactory } from '../../src/store/file-store.contract';
import { FILE_STORE, FileStore } from '../../src/store/file-store.port';
import { elfExecutable, hugePng, onePagePdf } from '../../src/testing/fixtures';

type FilesEvent = TopicEvent<typeof TOPICS.filesEvents>;
const MiB = 1024 * 1024;

/** The files service on real MinIO and a real MongoDB-compatible store, driven over its HTTP API. */
describe('files service on MinIO', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-files-it-'));
  const internalToken = 'files-integration-token';
  const events: FilesEvent[] = [];
  let app: INestApplication;
  let url: string;
  let objects: ObjectStore;
  let tenant: string;

  beforeAll(async () => {
    const config = loadConfig({
      S3_ENDPOINT: requireEnv('S3_ENDPOINT'),
      S3_ACCESS_KEY: requireEnv('S3_ACCESS_KEY'),
      S3_SECRET_KEY: requireEnv('S3_SECRET_KEY'),
      S3_BUCKET: 'tandem-files-it',
      MONGO_URL: requireEnv('MONGO_URL'),
      DATA_DIR: dataDir,
      INTERNAL_TOKEN: internalToken,
      FILES_MAX_BYTES: String(20 * MiB),
      FILES_PART_BYTES: String(5 * MiB),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
    });
    @Module({ imports: [PlatformModule.forRoot({ service: 'files', config, objectStore: true }), FilesModule.forRoot(config)] })
    class FilesTestApp {}
    app = await bootstrap('files', FilesTestApp, config);
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    objects = app.get(OBJECT_STORE);
    await app.get<EventBus>(EVENT_BUS).subscribe({
      groupId: 'files-it',
      topics: [TOPICS.filesEvents],
      fromBeginning: true,
      handleBatch: async ({ records }) => void events.push(...records.map((r) => r.event)),
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    tenant = uniqueId('tenant');
  });

  async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${url}/internal/files/${tenant}${path}`, {
      method,
      headers: { authorization: `Bearer ${internalToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }
  const requestUpload = (name: string, size: number, type: string) => call<UploadTicket>('POST', '/uploads', { userId: 'ann', request: { name, size, type, target: { kind: 'doc', docId: 'plans' } } });
  const put = async (target: string, body: Buffer) => expect((await fetch(target, { method: 'PUT', body: new Uint8Array(body) })).status).toBe(200);
  async function uploadSingle(name: string, body: Buffer, type: string): Promise<{ status: number; body: FileView & { code?: string } }> {
    const ticket = await requestUpload(name, body.length, type);
    expect(ticket.status).toBe(201);
    if (ticket.body.mode !== 'single') throw new Error('expected a single-part upload');
    await put(ticket.body.url, body);
    return call<FileView & { code?: string }>('POST', `/files/${ticket.body.fileId}/complete`);
  }
  const eventOf = (fileId: string, type: FilesEvent['type']) => eventually(() => {
    const found = events.find((e) => e.type === type && (('file' in e.data ? e.data.file.fileId : (e.data as { fileId: string }).fileId) === fileId));
    if (!found) throw new Error(`no ${type} for ${fileId} yet`);
    return found;
  }, 30_000);
  const readyFile = async (fileId: string) => ((await eventOf(fileId, 'tandem.files.preview.ready')).data as { file: FileView }).file;

  it('takes a single-part upload, verifies it and makes WebP thumbnails readable through short-lived URLs', async () => {
    const png = await sharp({ create: { width: 1600, height: 900, channels: 3, background: '#36c' } }).png().toBuffer();
    const done = await uploadSingle('../../sunset.png', png, 'image/png');
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ name: 'sunset.png', type: 'image/png', size: png.length, status: 'processing' });
    await eventOf(done.body.fileId, 'tandem.files.uploaded');
    const file = await readyFile(done.body.fileId);
    expect(file).toMatchObject({ status: 'ready', preview: { kind: 'image', width: 1600, height: 900, sizes: ['small', 'large'] } });
    expect(events.some((e) => e.type === 'tandem.files.preview.progress' && e.data.fileId === file.fileId)).toBe(true);
    const { body: urls } = await call<FileUrls>('GET', `/files/${file.fileId}/urls`);
    const download = await fetch(urls.download);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.headers.get('content-disposition')).toContain('attachment');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(png);
    const small = await sharp(Buffer.from(await (await fetch(urls.previews.small!)).arrayBuffer())).metadata();
    expect([small.format, small.width, small.height]).toEqual(['webp', 256, 144]);
    expect((await call<{ files: FileView[] }>('GET', '/containers/doc/plans')).body.files.map((f) => f.fileId)).toEqual([file.fileId]);
  }, 60_000);

  it('resumes a multipart upload after an interruption with the parts not yet stored, and snippets the text', async () => {
    const line = 'All work and no play makes Jack a dull boy.\n';
    const text = Buffer.from(line.repeat(Math.ceil((12 * MiB) / line.length)));
    const ticket = await requestUpload('notes.txt', text.length, 'text/plain');
    if (ticket.body.mode !== 'multipart') throw new Error('expected a multipart upload');
    expect([ticket.body.partCount, ticket.body.partSize, ticket.body.done]).toEqual([3, 5 * MiB, []]);
    const partOf = (n: number) => text.subarray((n - 1) * 5 * MiB, n * 5 * MiB);
    await put(ticket.body.parts[0].url, partOf(1));
    await put(ticket.body.parts[1].url, partOf(2));
    // The client drops here. Completing now is refused with what is missing…
    const early = await call<{ code: string; message: string }>('POST', `/files/${ticket.body.fileId}/complete`);
    expect(early).toMatchObject({ status: 409, body: { code: 'UPLOAD_INCOMPLETE' } });
    expect(early.body.message).toContain('parts 3 are missing');
    // …and when it comes back it learns which parts are stored and gets URLs for the rest only.
    const resumed = await call<UploadTicket>('GET', `/files/${ticket.body.fileId}/upload`);
    if (resumed.body.mode !== 'multipart') throw new Error('expected a multipart upload');
    expect(resumed.body.done).toEqual([1, 2]);
    expect(resumed.body.parts.map((p) => p.partNumber)).toEqual([3]);
    await put(resumed.body.parts[0].url, partOf(3));
    const done = await call<FileView>('POST', `/files/${ticket.body.fileId}/complete`);
    expect(done.body).toMatchObject({ status: 'processing', type: 'text/plain', size: text.length });
    const file = await readyFile(ticket.body.fileId);
    expect(file.preview).toMatchObject({ kind: 'text', icon: 'text' });
    expect(file.preview!.snippet!.startsWith(line + line)).toBe(true);
    expect((await objects.stat(`${tenant}/files/${file.fileId}/original`))?.size).toBe(text.length);
  }, 60_000);

  it('recognises a PNG renamed .pdf and declared as a PDF as a PNG', async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 4, background: '#f80f' } }).png().toBuffer();
    const done = await uploadSingle('report.pdf', png, 'application/pdf');
    expect(done.body).toMatchObject({ declaredType: 'application/pdf', type: 'image/png' });
    expect((await readyFile(done.body.fileId)).preview).toMatchObject({ kind: 'image' });
  }, 60_000);

  it('rejects and deletes an executable renamed .png', async () => {
    const done = await uploadSingle('cat.png', elfExecutable(), 'image/png');
    expect(done).toMatchObject({ status: 415, body: { code: 'TYPE_NOT_ALLOWED' } });
    const failed = await eventually(() => {
      const e = events.find((x) => x.type === 'tandem.files.failed' && x.tenant === tenant);
      if (!e) throw new Error('no failed event yet');
      return e;
    });
    expect(failed.data).toMatchObject({ reason: 'TYPE_NOT_ALLOWED', name: 'cat.png' });
    expect(await objects.stat(`${tenant}/files/${(failed.data as { fileId: string }).fileId}/original`)).toBeNull();
    expect((await call<{ usedBytes: number }>('GET', '/usage')).body.usedBytes).toBe(0);
  }, 60_000);

  it('refuses an oversized upload, a size other than declared, and uploads past the quota', async () => {
    expect(await requestUpload('huge.mp4', 21 * MiB, 'video/mp4')).toMatchObject({ status: 413, body: { code: 'TOO_LARGE' } });
    const ticket = await requestUpload('short.txt', 10, 'text/plain');
    if (ticket.body.mode !== 'single') throw new Error('expected a single-part upload');
    await put(ticket.body.url, Buffer.from('twenty bytes of text'));
    expect(await call('POST', `/files/${ticket.body.fileId}/complete`)).toMatchObject({ status: 422, body: { code: 'SIZE_MISMATCH' } });
    expect(await call('PUT', '/settings', { quotaBytes: 1000 })).toMatchObject({ status: 200, body: { quotaBytes: 1000 } });
    expect(await requestUpload('a.txt', 600, 'text/plain')).toMatchObject({ status: 201 });
    expect(await requestUpload('b.txt', 600, 'text/plain')).toMatchObject({ status: 507, body: { code: 'QUOTA_EXCEEDED' } });
    expect(await requestUpload('run.exe', 600, 'application/x-msdownload')).toMatchObject({ status: 415, body: { code: 'TYPE_NOT_ALLOWED' } });
  }, 60_000);

  it('gives a 20,000×20,000 image a generic preview, the worker staying far below what decoding it would take', async () => {
    const bomb = hugePng();
    const done = await uploadSingle('bomb.png', bomb, 'image/png');
    expect(done.body.type).toBe('image/png');
    const file = await readyFile(done.body.fileId);
    expect(file.preview).toMatchObject({ kind: 'generic', icon: 'image', width: 20_000, height: 20_000 });
    // Decoding it would need 20,000 × 20,000 × 3 bytes = 1.2 GB.
    expect(app.get<ContentWorkers>(PREVIEW_WORKERS).peakRssBytes).toBeLessThan(400 * MiB);
    expect(process.memoryUsage().rss).toBeLessThan(1024 * MiB);
  }, 60_000);

  it('renders the first page of a PDF as its preview', async () => {
    const done = await uploadSingle('plan.pdf', onePagePdf('Plan', 2), 'application/pdf');
    const file = await readyFile(done.body.fileId);
    expect(file.preview).toMatchObject({ kind: 'pdf', pages: 2, sizes: ['small', 'large'] });
    const { body: urls } = await call<FileUrls>('GET', `/files/${file.fileId}/urls`);
    const large = await sharp(Buffer.from(await (await fetch(urls.previews.large!)).arrayBuffer())).metadata();
    expect([large.format, large.height]).toEqual(['webp', 1024]);
  }, 60_000);

  it('deletes a file with its previews', async () => {
    const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#000' } }).png().toBuffer();
    const done = await uploadSingle('x.png', png, 'image/png');
    await readyFile(done.body.fileId);
    expect(await call('DELETE', `/files/${done.body.fileId}?by=ann`)).toMatchObject({ status: 202 });
    await eventOf(done.body.fileId, 'tandem.files.deleted');
    for (const key of ['original', 'preview-small.webp', 'preview-large.webp']) expect(await objects.stat(`${tenant}/files/${done.body.fileId}/${key}`)).toBeNull();
    expect(await call('GET', `/files/${done.body.fileId}`)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect((await call<{ usedBytes: number }>('GET', '/usage')).body.usedBytes).toBe(0);
  }, 60_000);

  it('finishes previews a stopped instance left unfinished when it starts', async () => {
    const png = await sharp({ create: { width: 500, height: 500, channels: 3, background: '#a0a' } }).png().toBuffer();
    const file = fileFactory(tenant, { status: 'processing', type: 'image/png', size: png.length });
    await objects.put(file.objectKey, png);
    await app.get<FileStore>(FILE_STORE).create(file);
    await app.get(PreviewService).onApplicationBootstrap();
    expect((await readyFile(file.fileId)).preview).toMatchObject({ kind: 'image', width: 500 });
  }, 60_000);
});
