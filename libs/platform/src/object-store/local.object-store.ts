import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { ObjectInfo, ObjectStore, ObjectStoreError, assertValidKey } from './object-store.port';

export interface LocalObjectStoreOptions {
  /** Where objects live on disk. */
  directory: string;
  /** The externally reachable base URL that serves {@link LocalObjectStore.handle} at `/objects`. */
  publicUrl: () => string;
  /** Signs presigned URLs; random per process if omitted (URLs then die with the process). */
  secret?: string;
  /** Largest body accepted by a presigned PUT. */
  maxUploadBytes?: number;
}

/**
 * The embedded object store: a local directory, with presigned URLs served by {@link handle} under
 * `/objects/<key>` and signed with an HMAC over method, key and expiry.
 */
export class LocalObjectStore implements ObjectStore {
  private readonly secret: string;

  constructor(private readonly options: LocalObjectStoreOptions) {
    this.secret = options.secret ?? randomBytes(32).toString('hex');
  }

  async ensureBucket(): Promise<void> {
    await mkdir(this.options.directory, { recursive: true });
  }

  async put(key: string, body: Buffer, contentType?: string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const meta = this.metaOf(key);
    await mkdir(dirname(meta), { recursive: true });
    await writeFile(meta, JSON.stringify({ contentType }));
    const tmp = join(this.options.directory, 'tmp', randomBytes(8).toString('hex'));
    await mkdir(dirname(tmp), { recursive: true });
    await writeFile(tmp, body);
    await rename(tmp, path);
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      throw this.notFound(key, error);
    }
  }

  async getRange(key: string, offset: number, length: number): Promise<Buffer> {
    let handle;
    try {
      handle = await open(this.pathOf(key), 'r');
    } catch (error) {
      throw this.notFound(key, error);
    }
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    try {
      const s = await stat(this.pathOf(key));
      const meta = JSON.parse(await readFile(this.metaOf(key), 'utf8').catch(() => '{}')) as { contentType?: string };
      return { size: s.size, contentType: meta.contentType };
    } catch {
      return null;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
    await rm(this.metaOf(key), { force: true });
  }

  async presignPut(key: string, expirySeconds: number): Promise<string> {
    return this.presign('PUT', key, expirySeconds);
  }

  async presignGet(key: string, expirySeconds: number): Promise<string> {
    return this.presign('GET', key, expirySeconds);
  }

  async checkReady(): Promise<void> {
    await this.ensureBucket();
  }

  /**
   * Serves presigned requests for paths under `/objects/`. Returns false when the request is not
   * for this store, so it can sit in front of other handlers.
   */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://local');
    if (!url.pathname.startsWith('/objects/')) return false;
    const key = decodeURIComponent(url.pathname.slice('/objects/'.length));
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const expires = Number(url.searchParams.get('expires'));
    const signature = url.searchParams.get('signature') ?? '';
    const fail = (status: number, message: string) => {
      res.writeHead(status, { 'content-type': 'text/plain' }).end(message);
      return true;
    };
    try {
      assertValidKey(key);
    } catch (error) {
      return fail(400, (error as Error).message);
    }
    if (!Number.isFinite(expires) || expires * 1000 < Date.now()) return fail(403, 'this link has expired; ask for a new one');
    const expected = Buffer.from(this.sign(method, key, expires));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return fail(403, 'invalid signature');
    if (method === 'PUT') {
      const chunks: Buffer[] = [];
      let size = 0;
      const limit = this.options.maxUploadBytes ?? 5 * 1024 ** 3;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > limit) return fail(413, `upload larger than ${limit} bytes`);
        chunks.push(chunk as Buffer);
      }
      await this.put(key, Buffer.concat(chunks), req.headers['content-type']);
      res.writeHead(200).end();
      return true;
    }
    if (method !== 'GET') return fail(405, 'only GET and PUT are supported');
    const info = await this.stat(key);
    if (!info) return fail(404, 'no such object');
    res.writeHead(200, { 'content-length': info.size, 'content-type': info.contentType ?? 'application/octet-stream' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(this.pathOf(key)).pipe(res);
    return true;
  }

  private presign(method: 'GET' | 'PUT', key: string, expirySeconds: number): string {
    assertValidKey(key);
    const expires = Math.floor(Date.now() / 1000) + expirySeconds;
    const encoded = key.split('/').map(encodeURIComponent).join('/');
    return `${this.options.publicUrl()}/objects/${encoded}?expires=${expires}&signature=${this.sign(method, key, expires)}`;
  }

  private sign(method: string, key: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${method}\n${key}\n${expires}`).digest('hex');
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    return join(this.options.directory, 'data', ...key.split('/'));
  }

  private metaOf(key: string): string {
    assertValidKey(key);
    return join(this.options.directory, 'meta', ...key.split('/')) + '.json';
  }

  private notFound(key: string, error: unknown): Error {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new ObjectStoreError('NOT_FOUND', `no object "${key}"`);
    return error as Error;
  }
}
