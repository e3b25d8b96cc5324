import { uniqueId } from '../testing/eventually';
import { ObjectStore, ObjectStoreError } from './object-store.port';

export interface ObjectStoreContractSetup {
  store: ObjectStore;
  teardown(): Promise<void>;
}

/** The behaviour every object store adapter must have: run against MinIO and the local directory. */
export function runObjectStoreContract(name: string, setup: () => Promise<ObjectStoreContractSetup>, timeoutMs = 20_000): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let ctx: ObjectStoreContractSetup;
    let prefix: string;

    beforeAll(async () => {
      ctx = await setup();
      await ctx.store.ensureBucket();
    }, timeoutMs);
    afterAll(async () => ctx?.teardown(), timeoutMs);
    beforeEach(() => {
      prefix = uniqueId('tenant');
    });

    it('stores and returns bytes with their size and type', async () => {
      const body = Buffer.from('hello, tandem');
      await ctx.store.put(`${prefix}/a.txt`, body, 'text/plain');
      expect(await ctx.store.get(`${prefix}/a.txt`)).toEqual(body);
      expect(await ctx.store.stat(`${prefix}/a.txt`)).toEqual({ size: body.length, contentType: 'text/plain' });
    }, timeoutMs);

    it('reads a byte range, shorter at the end of the object', async () => {
      await ctx.store.put(`${prefix}/r.bin`, Buffer.from('0123456789'));
      expect((await ctx.store.getRange(`${prefix}/r.bin`, 2, 3)).toString()).toBe('234');
      expect((await ctx.store.getRange(`${prefix}/r.bin`, 8, 10)).toString()).toBe('89');
    }, timeoutMs);

    it('reports a missing object as NOT_FOUND and stat as null', async () => {
      await expect(ctx.store.get(`${prefix}/missing`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await ctx.store.stat(`${prefix}/missing`)).toBeNull();
    }, timeoutMs);

    it('deletes objects, and deleting twice is fine', async () => {
      await ctx.store.put(`${prefix}/d`, Buffer.from('x'));
      await ctx.store.delete(`${prefix}/d`);
      await ctx.store.delete(`${prefix}/d`);
      expect(await ctx.store.stat(`${prefix}/d`)).toBeNull();
    }, timeoutMs);

    it('accepts an upload through a presigned PUT URL and serves it through a presigned GET URL', async () => {
      const key = `${prefix}/uploads/photo one.bin`;
      const body = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256));
      const put = await fetch(await ctx.store.presignPut(key, 60), { method: 'PUT', body });
      expect(put.status).toBe(200);
      const get = await fetch(await ctx.store.presignGet(key, 60));
      expect(get.status).toBe(200);
      expect(Buffer.from(await get.arrayBuffer())).toEqual(body);
    }, timeoutMs);

    it('refuses a presigned URL whose signature was tampered with', async () => {
      const key = `${prefix}/secret.txt`;
      await ctx.store.put(key, Buffer.from('secret'));
      const url = new URL(await ctx.store.presignGet(key, 60));
      const other = new URL(await ctx.store.presignGet(`${prefix}/other.txt`, 60));
      url.pathname = other.pathname;
      const res = await fetch(url);
      expect(res.status).toBe(403);
    }, timeoutMs);

    it('refuses a presigned URL after it expired', async () => {
      const key = `${prefix}/soon.txt`;
      await ctx.store.put(key, Buffer.from('x'));
      const url = await ctx.store.presignGet(key, 1);
      await new Promise((r) => setTimeout(r, 2100));
      expect((await fetch(url)).status).toBe(403);
    }, timeoutMs);

    it('answers a presigned GET with the content type and disposition it was signed with', async () => {
      const key = `${prefix}/page.html`;
      await ctx.store.put(key, Buffer.from('<script>alert(1)</script>'), 'text/html');
      const res = await fetch(await ctx.store.presignGet(key, 60, { contentType: 'text/plain', contentDisposition: 'attachment; filename="page.html"' }));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="page.html"');
    }, timeoutMs);

    it('takes a multipart upload part by part, lists the stored parts so an interrupted client can resume, and joins them', async () => {
      const key = `${prefix}/big.bin`;
      const first = Buffer.alloc(5 * 1024 * 1024, 7);
      const second = Buffer.from('the end');
      const uploadId = await ctx.store.createMultipartUpload(key, 'application/octet-stream');
      expect(await ctx.store.listParts(key, uploadId)).toEqual([]);
      const put1 = await fetch(await ctx.store.presignUploadPart(key, uploadId, 1, 60), { method: 'PUT', body: first });
      expect(put1.status).toBe(200);
      // The client drops here; when it comes back it asks what is stored and sends only the rest.
      const stored = await ctx.store.listParts(key, uploadId);
      expect(stored.map((p) => [p.partNumber, p.size])).toEqual([[1, first.length]]);
      const put2 = await fetch(await ctx.store.presignUploadPart(key, uploadId, 2, 60), { method: 'PUT', body: second });
      expect(put2.status).toBe(200);
      const parts = await ctx.store.listParts(key, uploadId);
      expect(parts.map((p) => p.partNumber)).toEqual([1, 2]);
      await ctx.store.completeMultipartUpload(key, uploadId, parts);
      expect(await ctx.store.stat(key)).toMatchObject({ size: first.length + second.length });
      expect((await ctx.store.getRange(key, first.length - 2, 20)).toString('latin1')).toBe('\u0007\u0007the end');
      await expect(ctx.store.listParts(key, uploadId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }, timeoutMs);

    it('refuses a part URL whose part number was changed, and forgets an aborted upload', async () => {
      const key = `${prefix}/aborted.bin`;
      const uploadId = await ctx.store.createMultipartUpload(key);
      const url = new URL(await ctx.store.presignUploadPart(key, uploadId, 1, 60));
      url.searchParams.set('partNumber', '2');
      expect((await fetch(url, { method: 'PUT', body: Buffer.from('x') })).status).toBe(403);
      expect((await fetch(await ctx.store.presignUploadPart(key, uploadId, 1, 60), { method: 'PUT', body: Buffer.from('x') })).status).toBe(200);
      await ctx.store.abortMultipartUpload(key, uploadId);
      await ctx.store.abortMultipartUpload(key, uploadId);
      await expect(ctx.store.listParts(key, uploadId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await ctx.store.stat(key)).toBeNull();
    }, timeoutMs);

    it('rejects keys that could escape the bucket', async () => {
      for (const key of ['../etc/passwd', `${prefix}/../x`, `${prefix}//x`, '', `${prefix}/a\u0000b`]) {
        await expect(ctx.store.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(ObjectStoreError);
      }
    }, timeoutMs);
  });
}
