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

    it('rejects keys that could escape the bucket', async () => {
      for (const key of ['../etc/passwd', `${prefix}/../x`, `${prefix}//x`, '', `${prefix}/a\u0000b`]) {
        await expect(ctx.store.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(ObjectStoreError);
      }
    }, timeoutMs);
  });
}
