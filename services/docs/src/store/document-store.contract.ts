import { emptyAcl } from '@tandem/contracts';
import { uniqueId } from '@tandem/platform/testing';
import { DocumentStore, StoredChange } from './document-store.port';

export interface DocumentStoreContractSetup {
  store: DocumentStore;
  /** A fresh store over the same data, as after a process restart. */
  reopen(): Promise<DocumentStore>;
  teardown(): Promise<void>;
}

const change = (seq: number, ids: string[] = [`cmd-${seq}-aaaaaa`]): StoredChange => ({ seq, change: Buffer.from([seq, 1, 2, 255]), commandIds: ids, at: new Date(1_700_000_000_000 + seq) });

/** The behaviour every document store adapter must have: run against MongoDB/FerretDB and the files. */
export function runDocumentStoreContract(name: string, setup: () => Promise<DocumentStoreContractSetup>, timeoutMs = 20_000): void {
  describe(`DocumentStore contract: ${name}`, () => {
    let ctx: DocumentStoreContractSetup;
    let tenant: string;

    beforeAll(async () => {
      ctx = await setup();
    }, timeoutMs);
    afterAll(async () => ctx?.teardown(), timeoutMs);
    beforeEach(() => {
      tenant = uniqueId('tenant');
    });

    it('loads nothing for an unknown document', async () => {
      expect(await ctx.store.load(tenant, 'nope')).toEqual({ snapshot: null, changes: [] });
    }, timeoutMs);

    it('returns appended changes in seq order with their bytes and command ids', async () => {
      await ctx.store.appendChange(tenant, 'd', change(2));
      await ctx.store.appendChange(tenant, 'd', change(1));
      const { changes } = await ctx.store.load(tenant, 'd');
      expect(changes).toEqual([change(1), change(2)]);
    }, timeoutMs);

    it('refuses a second change with the same seq (single writer per seq)', async () => {
      await ctx.store.appendChange(tenant, 'd', change(1));
      await expect(ctx.store.appendChange(tenant, 'd', change(1, ['cmd-other-aaaa']))).rejects.toMatchObject({ code: 'SEQ_TAKEN' });
      expect((await ctx.store.load(tenant, 'd')).changes).toEqual([change(1)]);
    }, timeoutMs);

    it('loads the latest snapshot and only the changes after it', async () => {
      for (const seq of [1, 2, 3]) await ctx.store.appendChange(tenant, 'd', change(seq));
      await ctx.store.saveSnapshot(tenant, 'd', { seq: 2, bytes: Buffer.from('snap2'), recentCommandIds: ['a1234567'] });
      await ctx.store.saveSnapshot(tenant, 'd', { seq: 1, bytes: Buffer.from('older'), recentCommandIds: [] });
      const loaded = await ctx.store.load(tenant, 'd');
      expect(loaded.snapshot).toEqual({ seq: 2, bytes: Buffer.from('snap2'), recentCommandIds: ['a1234567'] });
      expect(loaded.changes).toEqual([change(3)]);
    }, timeoutMs);

    it('keeps tenants apart', async () => {
      await ctx.store.appendChange(tenant, 'd', change(1));
      expect(await ctx.store.load(`${tenant}x`, 'd')).toEqual({ snapshot: null, changes: [] });
    }, timeoutMs);

    it('stores ACL versions in order and refuses a stale write', async () => {
      expect(await ctx.store.loadAcl(tenant, 'd')).toBeNull();
      const v1 = { ...emptyAcl('doc', 'd'), version: 1, grants: [{ userId: 'ann', role: 'owner' as const }] };
      await ctx.store.saveAcl(tenant, 'd', v1);
      const v2 = { ...v1, version: 2, grants: [...v1.grants, { userId: 'bob', role: 'viewer' as const }] };
      await ctx.store.saveAcl(tenant, 'd', v2);
      await expect(ctx.store.saveAcl(tenant, 'd', { ...v1, version: 2 })).rejects.toMatchObject({ code: 'ACL_VERSION_CONFLICT' });
      await expect(ctx.store.saveAcl(tenant, 'd', v1)).rejects.toMatchObject({ code: 'ACL_VERSION_CONFLICT' });
      expect(await ctx.store.loadAcl(tenant, 'd')).toEqual(v2);
      expect(await ctx.store.loadAcl(`${tenant}x`, 'd')).toBeNull();
    }, timeoutMs);

    it('keeps everything across a restart', async () => {
      await ctx.store.appendChange(tenant, 'd', change(1));
      await ctx.store.saveSnapshot(tenant, 'd', { seq: 1, bytes: Buffer.from('s'), recentCommandIds: [] });
      await ctx.store.appendChange(tenant, 'd', change(2));
      await ctx.store.saveAcl(tenant, 'd', { ...emptyAcl('doc', 'd'), version: 1 });
      const reopened = await ctx.reopen();
      expect((await reopened.loadAcl(tenant, 'd'))?.version).toBe(1);
      expect(await reopened.load(tenant, 'd')).toEqual({ snapshot: { seq: 1, bytes: Buffer.from('s'), recentCommandIds: [] }, changes: [change(2)] });
    }, timeoutMs);
  });
}
