import { uniqueId } from '@tandem/platform/testing';
import { FileStore, StoredFile } from './file-store.port';

export interface FileStoreContractSetup {
  store: FileStore;
  /** Opens the same data again (as after a restart). */
  reopen(): Promise<FileStore>;
  teardown(): Promise<void>;
}

/** A pending file of `tenant` attached to document `docId`. */
export function fileFactory(tenant: string, overrides: Partial<StoredFile> = {}): StoredFile {
  const fileId = overrides.fileId ?? uniqueId('f');
  return {
    tenant,
    fileId,
    target: { kind: 'doc', docId: 'plans' },
    container: 'doc:plans',
    name: 'photo.png',
    declaredType: 'image/png',
    type: null,
    size: 1000,
    status: 'pending',
    createdBy: 'ann',
    createdAt: new Date(),
    uploadExpiresAt: new Date(Date.now() + 3_600_000),
    objectKey: `${tenant}/files/${fileId}/original`,
    upload: { mode: 'single' },
    preview: null,
    previewKeys: {},
    failure: null,
    ...overrides,
  };
}

/** The behaviour every file store adapter must have: run against MongoDB/FerretDB and the files on disk. */
export function runFileStoreContract(name: string, setup: () => Promise<FileStoreContractSetup>, timeoutMs = 20_000): void {
  describe(`FileStore contract: ${name}`, () => {
    let ctx: FileStoreContractSetup;
    let tenant: string;

    beforeAll(async () => {
      ctx = await setup();
    }, timeoutMs);
    afterAll(async () => ctx?.teardown(), timeoutMs);
    beforeEach(() => {
      tenant = uniqueId('tenant');
    });

    it('stores a file and returns it as given, scoped to its tenant', async () => {
      const file = fileFactory(tenant, { upload: { mode: 'multipart', uploadId: 'up-1', partSize: 5 * 1024 * 1024, partCount: 3 }, target: { kind: 'message', channelId: 'general', messageId: 'm1' }, container: 'channel:general' });
      await ctx.store.create(file);
      expect(await ctx.store.get(tenant, file.fileId)).toEqual(file);
      expect(await ctx.store.get(`${tenant}-other`, file.fileId)).toBeNull();
    }, timeoutMs);

    it('refuses a second file with the same id', async () => {
      const file = fileFactory(tenant);
      await ctx.store.create(file);
      await expect(ctx.store.create({ ...file, name: 'other.png' })).rejects.toMatchObject({ code: 'DUPLICATE' });
    }, timeoutMs);

    it('moves a file from one status to the next only once', async () => {
      const file = fileFactory(tenant);
      await ctx.store.create(file);
      const moved = await ctx.store.transition(tenant, file.fileId, 'pending', { status: 'processing', type: 'image/png', size: 990 });
      expect(moved).toMatchObject({ status: 'processing', type: 'image/png', size: 990 });
      expect(await ctx.store.transition(tenant, file.fileId, 'pending', { status: 'rejected' })).toBeNull();
      const preview = { kind: 'image' as const, sizes: ['small' as const, 'large' as const], icon: 'image' as const, width: 10, height: 20 };
      const ready = await ctx.store.transition(tenant, file.fileId, 'processing', { status: 'ready', preview, previewKeys: { small: 'k/s', large: 'k/l' } });
      expect(ready).toMatchObject({ status: 'ready', preview, previewKeys: { small: 'k/s', large: 'k/l' } });
      expect(await ctx.store.get(tenant, file.fileId)).toEqual(ready);
    }, timeoutMs);

    it('lists the files of a container oldest first, without rejected ones', async () => {
      const t0 = Date.now();
      const a = fileFactory(tenant, { createdAt: new Date(t0 - 2000) });
      const b = fileFactory(tenant, { createdAt: new Date(t0 - 1000), target: { kind: 'card', docId: 'plans', cardId: 'c1' } });
      const rejected = fileFactory(tenant, { status: 'rejected' });
      const elsewhere = fileFactory(tenant, { target: { kind: 'doc', docId: 'other' }, container: 'doc:other' });
      for (const f of [b, rejected, elsewhere, a]) await ctx.store.create(f);
      expect((await ctx.store.listByContainer(tenant, 'doc:plans')).map((f) => f.fileId)).toEqual([a.fileId, b.fileId]);
      expect(await ctx.store.listByContainer(`${tenant}-other`, 'doc:plans')).toEqual([]);
    }, timeoutMs);

    it('counts the bytes of pending, processing and ready files as usage', async () => {
      await ctx.store.create(fileFactory(tenant, { size: 100 }));
      await ctx.store.create(fileFactory(tenant, { size: 200, status: 'ready' }));
      await ctx.store.create(fileFactory(tenant, { size: 400, status: 'rejected' }));
      expect(await ctx.store.usage(tenant)).toEqual({ bytes: 300, files: 2 });
      expect(await ctx.store.usage(`${tenant}-empty`)).toEqual({ bytes: 0, files: 0 });
    }, timeoutMs);

    it('deletes a file once', async () => {
      const file = fileFactory(tenant);
      await ctx.store.create(file);
      expect(await ctx.store.delete(tenant, file.fileId)).toBe(true);
      expect(await ctx.store.delete(tenant, file.fileId)).toBe(false);
      expect(await ctx.store.get(tenant, file.fileId)).toBeNull();
    }, timeoutMs);

    it('finds pending uploads past their deadline', async () => {
      const late = fileFactory(tenant, { uploadExpiresAt: new Date(Date.now() - 1000) });
      const onTime = fileFactory(tenant);
      const done = fileFactory(tenant, { status: 'ready', uploadExpiresAt: new Date(Date.now() - 1000) });
      for (const f of [late, onTime, done]) await ctx.store.create(f);
      const found = (await ctx.store.expiredUploads(new Date(), 1000)).filter((f) => f.tenant === tenant);
      expect(found.map((f) => f.fileId)).toEqual([late.fileId]);
    }, timeoutMs);

    it('finds files whose previews are not done, oldest first', async () => {
      const t0 = Date.now();
      const older = fileFactory(tenant, { status: 'processing', createdAt: new Date(t0 - 2000) });
      const newer = fileFactory(tenant, { status: 'processing', createdAt: new Date(t0 - 1000) });
      for (const f of [newer, fileFactory(tenant, { status: 'ready' }), older, fileFactory(tenant)]) await ctx.store.create(f);
      const found = (await ctx.store.processing(10_000)).filter((f) => f.tenant === tenant);
      expect(found.map((f) => f.fileId)).toEqual([older.fileId, newer.fileId]);
    }, timeoutMs);

    it('keeps tenant settings and everything else across a reopen', async () => {
      expect(await ctx.store.getSettings(tenant)).toBeNull();
      await ctx.store.putSettings({ tenant, quotaBytes: 5000, allowedTypes: ['image/*'] });
      await ctx.store.putSettings({ tenant, quotaBytes: 6000, allowedTypes: ['image/*', 'application/pdf'] });
      const file = fileFactory(tenant);
      await ctx.store.create(file);
      const reopened = await ctx.reopen();
      expect(await reopened.getSettings(tenant)).toEqual({ tenant, quotaBytes: 6000, allowedTypes: ['image/*', 'application/pdf'] });
      expect(await reopened.get(tenant, file.fileId)).toEqual(file);
    }, timeoutMs);
  });
}
