import { uniqueId } from '@tandem/platform/testing';
import { ChangeLogStore, LogEntry, SnapshotEntry } from './change-log.port';

export interface ChangeLogContractSetup {
  store: ChangeLogStore;
  /** A fresh store over the same data, as after a process restart. */
  reopen(): Promise<ChangeLogStore>;
  teardown(): Promise<void>;
}

const entry = (seq: number, ids: string[] = [`cmd-${seq}-aaaaaa`]): LogEntry => ({ seq, changes: Buffer.from([seq, 1, 2, 255]), count: 1, commandIds: ids, at: new Date(1_700_000_000_000 + seq) });
const snapshot = (seq: number, extra: Partial<SnapshotEntry> = { bytes: Buffer.from(`snap${seq}`) }): SnapshotEntry => ({ seq, kind: 'richtext', size: 5, at: new Date(1_700_000_000_000 + seq), ...extra });

/** The behaviour every change-log adapter must have: run against MongoDB/FerretDB and the files. */
export function runChangeLogContract(name: string, setup: () => Promise<ChangeLogContractSetup>, timeoutMs = 20_000): void {
  describe(`ChangeLogStore contract: ${name}`, () => {
    let ctx: ChangeLogContractSetup;
    let tenant: string;

    beforeAll(async () => {
      ctx = await setup();
    }, timeoutMs);
    afterAll(async () => ctx?.teardown(), timeoutMs);
    beforeEach(() => {
      tenant = uniqueId('tenant');
    });

    it('loads nothing for an unknown document', async () => {
      expect(await ctx.store.load(tenant, 'nope')).toEqual({ snapshot: null, entries: [] });
    }, timeoutMs);

    it('returns appended entries in seq order with their bytes and command ids', async () => {
      await ctx.store.append(tenant, 'd', entry(2));
      await ctx.store.append(tenant, 'd', entry(1));
      expect((await ctx.store.load(tenant, 'd')).entries).toEqual([entry(1), entry(2)]);
      expect(await ctx.store.entriesAfter(tenant, 'd', 1)).toEqual([entry(2)]);
    }, timeoutMs);

    it('refuses a second entry with the same seq (single writer per seq) and keeps the first', async () => {
      await ctx.store.append(tenant, 'd', entry(1));
      await expect(ctx.store.append(tenant, 'd', entry(1, ['cmd-other-aaaa']))).rejects.toMatchObject({ code: 'SEQ_TAKEN' });
      expect((await ctx.store.load(tenant, 'd')).entries).toEqual([entry(1)]);
    }, timeoutMs);

    it('loads the latest snapshot and only the entries after it; an older snapshot never replaces a newer one', async () => {
      for (const seq of [1, 2, 3]) await ctx.store.append(tenant, 'd', entry(seq));
      expect(await ctx.store.saveSnapshot(tenant, 'd', snapshot(1))).toBeNull();
      expect(await ctx.store.saveSnapshot(tenant, 'd', snapshot(2))).toEqual(snapshot(1));
      expect(await ctx.store.saveSnapshot(tenant, 'd', snapshot(1, { objectKey: 'x' }))).toBeNull();
      const loaded = await ctx.store.load(tenant, 'd');
      expect(loaded.snapshot).toEqual(snapshot(2));
      expect(loaded.entries).toEqual([entry(3)]);
    }, timeoutMs);

    it('keeps a snapshot in the object store by key only, dropping the inline bytes of the one it replaces', async () => {
      await ctx.store.saveSnapshot(tenant, 'd', snapshot(1));
      await ctx.store.saveSnapshot(tenant, 'd', snapshot(2, { objectKey: `${tenant}/docs/d/2`, size: 9_000_000 }));
      expect((await ctx.store.load(tenant, 'd')).snapshot).toEqual(snapshot(2, { objectKey: `${tenant}/docs/d/2`, size: 9_000_000 }));
    }, timeoutMs);

    it('compacts: deletes the entries a snapshot covers and nothing after', async () => {
      for (const seq of [1, 2, 3, 4]) await ctx.store.append(tenant, 'd', entry(seq));
      await ctx.store.compact(tenant, 'd', 3);
      expect(await ctx.store.entriesAfter(tenant, 'd', 0)).toEqual([entry(4)]);
    }, timeoutMs);

    it('keeps tenants and documents apart', async () => {
      await ctx.store.append(tenant, 'd', entry(1));
      await ctx.store.saveSnapshot(tenant, 'd', snapshot(1));
      expect(await ctx.store.load(`${tenant}x`, 'd')).toEqual({ snapshot: null, entries: [] });
      expect(await ctx.store.load(tenant, 'e')).toEqual({ snapshot: null, entries: [] });
    }, timeoutMs);

    it('keeps everything across a restart', async () => {
      await ctx.store.append(tenant, 'd', entry(1));
      await ctx.store.saveSnapshot(tenant, 'd', snapshot(1));
      await ctx.store.append(tenant, 'd', entry(2));
      const reopened = await ctx.reopen();
      expect(await reopened.load(tenant, 'd')).toEqual({ snapshot: snapshot(1), entries: [entry(2)] });
    }, timeoutMs);
  });
}
