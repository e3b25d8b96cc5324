import { uniqueId } from '../testing/eventually';
import type { PresenceStore } from './presence-store.port';

export interface PresenceStoreContractSetup {
  store: PresenceStore;
  teardown(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The behaviour every presence store adapter must have: run against Redis and process memory. */
export function runPresenceStoreContract(name: string, setup: () => Promise<PresenceStoreContractSetup>, timeoutMs = 15_000): void {
  describe(`PresenceStore contract: ${name}`, () => {
    let ctx: PresenceStoreContractSetup;
    let set: string;

    beforeAll(async () => {
      ctx = await setup();
    }, timeoutMs);
    afterAll(async () => ctx?.teardown(), timeoutMs);
    beforeEach(() => {
      set = `${uniqueId('tenant')}:room`;
    });

    it('lists live members with their data', async () => {
      await ctx.store.upsert(set, 'b', '{"user":"bob"}', 5_000);
      await ctx.store.upsert(set, 'a', '{"user":"ann"}', 5_000);
      const members = await ctx.store.list(set);
      expect(members.map((m) => [m.member, m.data])).toEqual([
        ['a', '{"user":"ann"}'],
        ['b', '{"user":"bob"}'],
      ]);
    });

    it('replaces a member’s data on upsert', async () => {
      await ctx.store.upsert(set, 'a', 'one', 5_000);
      await ctx.store.upsert(set, 'a', 'two', 5_000);
      expect((await ctx.store.list(set)).map((m) => m.data)).toEqual(['two']);
    });

    it('removes a member at once', async () => {
      await ctx.store.upsert(set, 'a', 'x', 5_000);
      await ctx.store.remove(set, 'a');
      expect(await ctx.store.list(set)).toEqual([]);
    });

    it('expires a member that is not refreshed, and reports it exactly once', async () => {
      await ctx.store.upsert(set, 'gone', 'x', 150);
      await ctx.store.upsert(set, 'stays', 'y', 5_000);
      await sleep(300);
      expect((await ctx.store.list(set)).map((m) => m.member)).toEqual(['stays']);
      expect(await ctx.store.takeExpired(set)).toEqual(['gone']);
      expect(await ctx.store.takeExpired(set)).toEqual([]);
    });

    it('keeps a member alive while heartbeats refresh it', async () => {
      for (let i = 0; i < 4; i++) {
        await ctx.store.upsert(set, 'alive', 'x', 200);
        await sleep(100);
      }
      expect((await ctx.store.list(set)).map((m) => m.member)).toEqual(['alive']);
      expect(await ctx.store.takeExpired(set)).toEqual([]);
    });

    it('keeps a long-lived member when a shorter-lived one is written after it', async () => {
      await ctx.store.upsert(set, 'long', 'x', 5_000);
      await ctx.store.upsert(set, 'short', 'y', 100);
      await sleep(400);
      expect((await ctx.store.list(set)).map((m) => m.member)).toEqual(['long']);
      expect(await ctx.store.takeExpired(set)).toEqual(['short']);
    });

    it('keeps sets apart', async () => {
      await ctx.store.upsert(set, 'a', 'x', 5_000);
      expect(await ctx.store.list(`${set}-other`)).toEqual([]);
    });
  });
}
