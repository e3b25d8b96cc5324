import { ContractError, TOPICS, TopicName } from '@tandem/contracts';
import type { ConsumedRecord, EventBus, InvalidRecord, Subscription } from './event-bus.port';
import type { WireRecord } from './records';
import { eventually, uniqueId } from '../testing/eventually';
import { incrementRecord } from '../testing/factories';

type Topic = typeof TOPICS.docsCommands;
const topic = TOPICS.docsCommands;
/** The `by` of a counter-increment record (the only type these tests publish). */
const byOf = (r: ConsumedRecord<Topic>) => (r.event.data as { by: number }).by;

export interface EventBusContractSetup {
  /** A bus for this test (may be shared with `secondBus`, which stands for a second process). */
  bus: EventBus;
  /** A second client of the same bus (another process for Kafka), for consumer-group tests. */
  secondBus: EventBus;
  /** Writes a record without validation, to check that consumers skip malformed records. */
  injectRaw(topic: TopicName, record: WireRecord): Promise<void>;
  teardown(): Promise<void>;
}

/**
 * The behaviour every event bus adapter must have: run against Kafka and the in-process bus.
 * Each test uses its own tenant and consumer groups, so a shared Kafka cluster is fine.
 */
export function runEventBusContract(name: string, setup: () => Promise<EventBusContractSetup>, timeoutMs = 30_000): void {
  describe(`EventBus contract: ${name}`, () => {
    let ctx: EventBusContractSetup;
    let tenant: string;
    const subscriptions: Subscription[] = [];

    beforeAll(async () => {
      ctx = await setup();
      await ctx.bus.ensureTopics([topic]);
    }, timeoutMs);
    afterAll(async () => {
      await ctx?.teardown();
    }, timeoutMs);
    beforeEach(() => {
      tenant = uniqueId('tenant');
    });
    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
    }, timeoutMs);

    /** Subscribes and collects this test's records (other tests' tenants are ignored). */
    async function collect(bus: EventBus, groupId: string, opts: { fail?: (r: ConsumedRecord<Topic>) => boolean; invalid?: InvalidRecord[] } = {}) {
      const seen: ConsumedRecord<Topic>[] = [];
      const sub = await bus.subscribe({
        groupId,
        topics: [topic],
        fromBeginning: true,
        handleBatch: async (batch) => {
          const mine = batch.records.filter((r) => r.event.tenant === tenant);
          if (opts.fail && mine.some(opts.fail)) throw new Error('handler failure (test)');
          seen.push(...mine);
        },
        onInvalid: (record) => {
          if (record.key?.startsWith(`${tenant}/`)) opts.invalid?.push(record);
        },
      });
      subscriptions.push(sub);
      return { seen, sub };
    }

    it('delivers published records with their CloudEvents envelope intact', async () => {
      const record = incrementRecord(tenant, 'doc-a', 7);
      const { seen } = await collect(ctx.bus, uniqueId('g'));
      await ctx.bus.publish(topic, [record]);
      await eventually(() => expect(seen).toHaveLength(1), timeoutMs);
      expect(seen[0].key).toBe(record.key);
      expect(seen[0].event).toEqual(record.event);
    }, timeoutMs);

    it('keeps per-key order', async () => {
      const keys = ['k1', 'k2', 'k3', 'k4', 'k5'];
      const records = Array.from({ length: 50 }, (_, i) => incrementRecord(tenant, keys[i % keys.length], i + 1));
      const { seen } = await collect(ctx.bus, uniqueId('g'));
      for (let i = 0; i < records.length; i += 10) await ctx.bus.publish(topic, records.slice(i, i + 10));
      await eventually(() => expect(seen).toHaveLength(50), timeoutMs);
      for (const key of keys) {
        const published = records.filter((r) => r.event.data.docId === key).map((r) => (r.event.data as { by: number }).by);
        const consumed = seen.filter((r) => r.event.data.docId === key).map(byOf);
        expect(consumed).toEqual(published);
      }
    }, timeoutMs);

    it('keeps the call order of concurrent publishes to one key, and acknowledges each', async () => {
      const { seen } = await collect(ctx.bus, uniqueId('g'));
      const records = Array.from({ length: 60 }, (_, i) => incrementRecord(tenant, 'burst', i + 1));
      await Promise.all(records.map((r) => ctx.bus.publish(topic, [r])));
      await eventually(() => expect(seen.map(byOf)).toEqual(records.map((r) => r.event.data.by)), timeoutMs);
    }, timeoutMs);

    it('publishes a burst larger than one broker request (Kafka refuses batches over 1 MiB) without losing or reordering any', async () => {
      const { seen } = await collect(ctx.bus, uniqueId('g'));
      const one = JSON.stringify(incrementRecord(tenant, 'big-burst', 1)).length;
      const records = Array.from({ length: Math.ceil((2.5 * 1024 * 1024) / one) }, (_, i) => incrementRecord(tenant, 'big-burst', i + 1));
      await Promise.all(records.map((r) => ctx.bus.publish(topic, [r])));
      await eventually(() => expect(seen.length).toBe(records.length), timeoutMs);
      expect(seen.map(byOf)).toEqual(records.map((r) => r.event.data.by));
    }, timeoutMs);

    it('splits a group between its members and gives every group every record', async () => {
      const group = uniqueId('g');
      const a = await collect(ctx.bus, group);
      const b = await collect(ctx.secondBus, group);
      const other = await collect(ctx.bus, uniqueId('g'));
      // Let the first member see the rebalance through before publishing.
      await new Promise((r) => setTimeout(r, 500));
      const records = Array.from({ length: 40 }, (_, i) => incrementRecord(tenant, `doc-${i}`));
      await ctx.bus.publish(topic, records);
      await eventually(() => expect(a.seen.length + b.seen.length).toBeGreaterThanOrEqual(40), timeoutMs);
      await eventually(() => expect(other.seen).toHaveLength(40), timeoutMs);
      const ids = [...a.seen, ...b.seen].map((r) => r.event.id);
      expect(new Set(ids).size).toBe(40);
      expect(a.seen.length).toBeGreaterThan(0);
      expect(b.seen.length).toBeGreaterThan(0);
    }, timeoutMs * 2);

    it('redelivers a batch whose handler failed, so nothing is lost', async () => {
      let failures = 0;
      const { seen } = await collect(ctx.bus, uniqueId('g'), { fail: () => failures++ < 2 });
      await ctx.bus.publish(topic, [incrementRecord(tenant, 'doc-r', 1), incrementRecord(tenant, 'doc-r', 2)]);
      await eventually(() => expect(seen.map(byOf)).toEqual([1, 2]), timeoutMs);
      expect(failures).toBeGreaterThanOrEqual(2);
    }, timeoutMs);

    it('resumes a group after the last committed record when a consumer restarts', async () => {
      const group = uniqueId('g');
      const first = await collect(ctx.bus, group);
      await ctx.bus.publish(topic, [incrementRecord(tenant, 'doc-s', 1), incrementRecord(tenant, 'doc-s', 2)]);
      await eventually(() => expect(first.seen).toHaveLength(2), timeoutMs);
      await first.sub.close();
      await ctx.bus.publish(topic, [incrementRecord(tenant, 'doc-s', 3)]);
      const second = await collect(ctx.secondBus, group);
      await eventually(() => expect(second.seen.map(byOf)).toEqual([3]), timeoutMs);
    }, timeoutMs * 2);

    it('rejects an invalid record on publish and publishes nothing of that call', async () => {
      const { seen } = await collect(ctx.bus, uniqueId('g'));
      const bad = incrementRecord(tenant, 'doc-v');
      (bad.event.data as { by: unknown }).by = 'lots';
      await expect(ctx.bus.publish(topic, [incrementRecord(tenant, 'doc-v'), bad])).rejects.toBeInstanceOf(ContractError);
      await ctx.bus.publish(topic, [incrementRecord(tenant, 'doc-v', 5)]);
      await eventually(() => expect(seen.map(byOf)).toEqual([5]), timeoutMs);
    }, timeoutMs);

    it('reports the lag of a group held up by its handler, and none once it caught up', async () => {
      const group = uniqueId('g');
      let release: () => void = () => undefined;
      let hold = false;
      const held = new Promise<void>((r) => (release = r));
      let handled = 0;
      subscriptions.push(
        await ctx.bus.subscribe({
          groupId: group,
          topics: [topic],
          fromBeginning: true,
          handleBatch: async (batch) => {
            if (hold) await held;
            handled += batch.records.filter((r) => r.event.tenant === tenant).length;
          },
        }),
      );
      const lagOf = async () => ((await ctx.bus.consumerLag?.()) ?? []).filter((l) => l.group === group).reduce((sum, l) => sum + l.lag, 0);
      await ctx.bus.publish(topic, [incrementRecord(tenant, 'doc-lag', 1)]);
      await eventually(() => expect(handled).toBe(1), timeoutMs);
      hold = true;
      for (let i = 0; i < 3; i++) await ctx.bus.publish(topic, [incrementRecord(tenant, 'doc-lag', 1)]);
      await eventually(async () => expect(await lagOf()).toBeGreaterThanOrEqual(3), timeoutMs, 200);
      release();
      await eventually(() => expect(handled).toBe(4), timeoutMs);
      await eventually(async () => expect(await lagOf()).toBe(0), timeoutMs, 200);
    }, timeoutMs * 2);

    it('commits a pipelined batch only once it is settled', async () => {
      const group = uniqueId('g');
      let release: () => void = () => undefined;
      const held = new Promise<void>((r) => (release = r));
      const seen: number[] = [];
      subscriptions.push(
        await ctx.bus.subscribe({
          groupId: group,
          topics: [topic],
          fromBeginning: true,
          handleBatch: async (batch) => {
            const mine = batch.records.filter((r) => r.event.tenant === tenant);
            seen.push(...mine.map(byOf));
            return { settled: mine.length > 0 ? held : Promise.resolve() };
          },
        }),
      );
      const lagOf = async () => ((await ctx.bus.consumerLag?.()) ?? []).filter((l) => l.group === group).reduce((sum, l) => sum + l.lag, 0);
      await ctx.bus.publish(topic, [incrementRecord(tenant, 'doc-pipe', 1), incrementRecord(tenant, 'doc-pipe', 2)]);
      await eventually(() => expect(seen).toEqual([1, 2]), timeoutMs);
      await new Promise((r) => setTimeout(r, 500));
      expect(await lagOf()).toBeGreaterThanOrEqual(2);
      release();
      await eventually(async () => expect(await lagOf()).toBe(0), timeoutMs, 200);
      expect(seen).toEqual([1, 2]);
    }, timeoutMs * 2);

    it('redelivers from a pipelined batch whose settling failed, with the batches after it', async () => {
      let failed = false;
      const seen: number[] = [];
      subscriptions.push(
        await ctx.bus.subscribe({
          groupId: uniqueId('g'),
          topics: [topic],
          fromBeginning: true,
          handleBatch: async (batch) => {
            const mine = batch.records.filter((r) => r.event.tenant === tenant).map(byOf);
            seen.push(...mine);
            if (!failed && mine.includes(1)) {
              failed = true;
              return { settled: new Promise<void>((_, reject) => setTimeout(() => reject(new Error('settling failure (test)')), 300)) };
            }
            return { settled: Promise.resolve() };
          },
        }),
      );
      await ctx.bus.publish(topic, [incrementRecord(tenant, 'doc-pipe-f', 1)]);
      await eventually(() => expect(seen).toContain(1), timeoutMs);
      await ctx.bus.publish(topic, [incrementRecord(tenant, 'doc-pipe-f', 2)]);
      await eventually(() => {
        expect(seen.filter((by) => by === 1)).toHaveLength(2);
        expect(seen.slice(seen.lastIndexOf(1))).toEqual([1, 2]);
      }, timeoutMs);
    }, timeoutMs * 2);

    it('skips a malformed record without stopping the stream', async () => {
      const invalid: InvalidRecord[] = [];
      const { seen } = await collect(ctx.bus, uniqueId('g'), { invalid });
      const good = incrementRecord(tenant, 'doc-m', 1);
      await ctx.injectRaw(topic, { key: `${tenant}/doc-m`, headers: { ce_type: 'nonsense' }, value: Buffer.from('{}') });
      await ctx.bus.publish(topic, [good]);
      await eventually(() => expect(seen).toHaveLength(1), timeoutMs);
      expect(invalid).toHaveLength(1);
      expect(invalid[0].error).toBeInstanceOf(ContractError);
      expect(invalid[0].headers?.ce_type).toBe('nonsense');
      expect(invalid[0].value?.toString()).toBe('{}');
    }, timeoutMs);

    it('reports end offsets that grow by what was published', async () => {
      const total = async () => [...(await ctx.bus.endOffsets(topic)).values()].reduce((sum, o) => sum + BigInt(o), 0n);
      const before = await total();
      await ctx.bus.publish(topic, [incrementRecord(tenant, 'doc-e1'), incrementRecord(tenant, 'doc-e2'), incrementRecord(tenant, 'doc-e3')]);
      // Other tests may publish meanwhile on a shared cluster, so at least three more.
      expect((await total()) - before).toBeGreaterThanOrEqual(3n);
    }, timeoutMs);
  });
}
