import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { GetUrlOptions, ObjectInfo, ObjectStore, ObjectStoreError, UploadedPart, assertValidKey, assertValidPart } from './object-store.port';

/** Query parameters a presigned URL may carry besides its expiry and signature, all covered by the signature. */
const SIGNED_PARAMS = ['uploadId', 'partNumber', 'response-content-type', 'response-content-disposition'] as const;

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

  async presignGet(key: string, expirySeconds: number, options: GetUrlOptions = {}): Promise<string> {
    const params: Record<string, string> = {};
    if (options.contentType) params['response-content-type'] = options.contentType;
    if (options.contentDisposition) params['response-content-disposition'] = options.contentDisposition;
    return this.presign('GET', key, expirySeconds, params);
  }

  async createMultipartUpload(key: string, contentType?: string): Promise<string> {
    assertValidKey(key);
    const uploadId = randomBytes(16).toString('hex');
    await mkdir(this.uploadDir(uploadId), { recursive: true });
    await writeFile(join(this.uploadDir(uploadId), 'upload.json'), JSON.stringify({ key, contentType }));
    return uploadId;
  }

  async presignUploadPart(key: string, uploadId: string, partNumber: number, expirySeconds: number): Promise<string> {
    assertValidPart(uploadId, partNumber);
    return this.presign('PUT', key, expirySeconds, { uploadId, partNumber: String(partNumber) });
  }

  async listParts(key: string, uploadId: string): Promise<UploadedPart[]> {
    await this.uploadOf(key, uploadId);
    const names = await readdir(this.uploadDir(uploadId));
    const parts: UploadedPart[] = [];
    for (const name of names) {
      const match = /^part-(\d+)\.etag$/.exec(name);
      if (!match) continue;
      const partNumber = Number(match[1]);
      const info = await stat(join(this.uploadDir(uploadId), `part-${partNumber}`)).catch(() => null);
      if (!info) continue;
      parts.push({ partNumber, size: info.size, etag: (await readFile(join(this.uploadDir(uploadId), name), 'utf8')).trim() });
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: readonly Pick<UploadedPart, 'partNumber' | 'etag'>[]): Promise<void> {
    const upload = await this.uploadOf(key, uploadId);
    const stored = new Map((await this.listParts(key, uploadId)).map((p) => [p.partNumber, p]));
    const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    for (const part of sorted) {
      if (stored.get(part.partNumber)?.etag !== unquote(part.etag)) throw new ObjectStoreError('NOT_FOUND', `part ${part.partNumber} of upload ${uploadId} is missing or differs; upload it again`);
    }
    const tmp = join(this.options.directory, 'tmp', randomBytes(8).toString('hex'));
    await mkdir(dirname(tmp), { recursive: true });
    const out = createWriteStream(tmp);
    for (const part of sorted) await pipeline(createReadStream(join(this.uploadDir(uploadId), `part-${part.partNumber}`)), out, { end: false });
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    await mkdir(dirname(this.metaOf(key)), { recursive: true });
    await writeFile(this.metaOf(key), JSON.stringify({ contentType: upload.contentType }));
    await rename(tmp, path);
    await rm(this.uploadDir(uploadId), { recursive: true, force: true });
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    assertValidKey(key);
    if (!/^[0-9a-f]{32}$/.test(uploadId)) return;
    await rm(this.uploadDir(uploadId), { recursive: true, force: true });
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
    const params = Object.fromEntries(SIGNED_PARAMS.filter((p) => url.searchParams.has(p)).map((p) => [p, url.searchParams.get(p)!]));
    const expected = Buffer.from(this.sign(method, key, expires, params));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return fail(403, 'invalid signature');
    if (method === 'PUT') {
      const limit = this.options.maxUploadBytes ?? 5 * 1024 ** 3;
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > limit) return fail(413, `upload larger than ${limit} bytes`);
      let target: string;
      let etagFile: string | undefined;
      if (params.uploadId) {
        try {
          await this.uploadOf(key, params.uploadId);
        } catch {
          return fail(404, 'no such upload; start a new one');
        }
        target = join(this.uploadDir(params.uploadId), `part-${Number(params.partNumber)}`);
        etagFile = `${target}.etag`;
      } else {
        target = this.pathOf(key);
      }
      const tmp = join(this.options.directory, 'tmp', randomBytes(8).toString('hex'));
      await mkdir(dirname(tmp), { recursive: true });
      const md5 = createHash('md5');
      let size = 0;
      try {
        await pipeline(
          req,
          async function* (source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              size += chunk.length;
              if (size > limit) throw new ObjectStoreError('INVALID_KEY', `upload larger than ${limit} bytes`);
              md5.update(chunk);
              yield chunk;
            }
          },
          createWriteStream(tmp),
        );
      } catch (error) {
        await rm(tmp, { force: true });
        if (error instanceof ObjectStoreError) return fail(413, error.message);
        throw error;
      }
      const etag = md5.digest('hex');
      await mkdir(dirname(target), { recursive: true });
      if (!params.uploadId) {
        await mkdir(dirname(this.metaOf(key)), { recursive: true });
        await writeFile(this.metaOf(key), JSON.stringify({ contentType: req.headers['content-type'] }));
      }
      await rename(tmp, target);
      if (etagFile) await writeFile(etagFile, etag);
      res.writeHead(200, { etag: `"${etag}"` }).end();
      return true;
    }
    if (method !== 'GET') return fail(405, 'only GET and PUT are supported');
    const info = await this.stat(key);
    if (!info) return fail(404, 'no such object');
    const headers: Record<string, string | number> = {
      'content-length': info.size,
      'content-type': params['response-content-type'] ?? info.contentType ?? 'application/octet-stream',
    };
    if (params['response-content-disposition']) headers['content-disposition'] = params['response-content-disposition'];
    res.writeHead(200, headers);
    if (req.method === 'HEAD') res.end();
    else createReadStream(this.pathOf(key)).pipe(res);
    return true;
  }

  private presign(method: 'GET' | 'PUT', key: string, expirySeconds: number, params: Record<string, string> = {}): string {
    assertValidKey(key);
    const expires = Math.floor(Date.now() / 1000) + expirySeconds;
    const encoded = key.split('/').map(encodeURIComponent).join('/');
    const query = new URLSearchParams({ ...params, expires: String(expires), signature: this.sign(method, key, expires, params) });
    return `${this.options.publicUrl()}/objects/${encoded}?${query}`;
  }

  private sign(method: string, key: string, expires: number, params: Record<string, string> = {}): string {
    const extra = SIGNED_PARAMS.filter((p) => p in params).map((p) => `\n${p}=${params[p]}`).join('');
    return createHmac('sha256', this.secret).update(`${method}\n${key}\n${expires}${extra}`).digest('hex');
  }

  private uploadDir(uploadId: string): string {
    return join(this.options.directory, 'multipart', uploadId);
  }

  /** The upload's record, checked to belong to `key`; `NOT_FOUND` otherwise. */
  private async uploadOf(key: string, uploadId: string): Promise<{ key: string; contentType?: string }> {
    assertValidKey(key);
    if (!/^[0-9a-f]{32}$/.test(uploadId)) throw new ObjectStoreError('NOT_FOUND', `no upload "${uploadId}"`);
    const upload = JSON.parse(await readFile(join(this.uploadDir(uploadId), 'upload.json'), 'utf8').catch(() => 'null')) as { key: string; contentType?: string } | null;
    if (!upload || upload.key !== key) throw new ObjectStoreError('NOT_FOUND', `no upload "${uploadId}" of "${key}"`);
    return upload;
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

function unquote(etag: string): string {
  return etag.replace(/^"|"$/g, '');
}
