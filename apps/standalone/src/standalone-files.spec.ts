import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@tandem/platform';
import { FilesApiError, TandemClient } from '@tandem/sdk';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStandalone } from './standalone';

/** Files in the embedded mode: the local-directory object store serves the presigned URLs from this process. */
describe('standalone files (embedded mode)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-standalone-files-'));
  const clients: TandemClient[] = [];
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    app = await startStandalone(loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', FILES_PART_BYTES: String(5 * 1024 * 1024) }));
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const client = async (name: string) => {
    const res = await fetch(`${url}/auth/dev-sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
    const { token } = (await res.json()) as { token: string };
    const c = new TandemClient({ url, getToken: () => token });
    clients.push(c);
    return c;
  };

  it('uploads in parts with progress, and shows the preview to the other member of the document', async () => {
    const [ann, bob] = [await client('Ann'), await client('Bob')];
    await Promise.all([ann.counter('files-room'), bob.counter('files-room')]);
    const text = Buffer.from('embedded mode works the same\n'.repeat(400_000));
    const progress: number[] = [];
    const seenByBob = new Promise<string>((resolve) => bob.files.onEvent((e) => e.type === 'file.preview.ready' && resolve(e.file.preview?.snippet ?? '')));
    const file = await ann.files.upload(text, { name: 'notes.txt', type: 'text/plain', target: { kind: 'doc', docId: 'files-room' }, onProgress: (sent) => progress.push(sent) });
    expect(file).toMatchObject({ type: 'text/plain', size: text.length, status: 'processing' });
    expect(progress.at(-1)).toBe(text.length);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect((await seenByBob).startsWith('embedded mode works the same\n')).toBe(true);
    const urls = await bob.files.urls(file.fileId);
    const download = await fetch(urls.download);
    expect(download.headers.get('content-disposition')).toContain('notes.txt');
    expect(Buffer.from(await download.arrayBuffer()).equals(text)).toBe(true);
    expect((await bob.files.list({ kind: 'doc', id: 'files-room' })).files.map((f) => f.fileId)).toEqual([file.fileId]);
  }, 60_000);

  it('resumes an upload the client dropped mid-way, sending only the parts not stored', async () => {
    const ann = await client('Ann');
    await ann.counter('resume-room');
    const bytes = Buffer.alloc(12 * 1024 * 1024, 'x');
    const drop = new AbortController();
    const sent: number[] = [];
    const error = await ann.files
      .upload(bytes, { name: 'big.txt', type: 'text/plain', target: { kind: 'doc', docId: 'resume-room' }, signal: drop.signal, onProgress: (n) => n >= 5 * 1024 * 1024 && drop.abort() })
      .catch((e: unknown) => e as FilesApiError);
    expect(error).toBeInstanceOf(FilesApiError);
    const fileId = (error as FilesApiError).fileId!;
    expect(fileId).toMatch(/^f_/);
    const file = await ann.files.resume(fileId, bytes, { onProgress: (n) => sent.push(n) });
    expect(file).toMatchObject({ fileId, size: bytes.length, type: 'text/plain' });
    // Resuming started from the part already stored (5 MiB), not from zero.
    expect(sent[0]).toBe(5 * 1024 * 1024);
    expect(sent.at(-1)).toBe(bytes.length);
  }, 60_000);
});
