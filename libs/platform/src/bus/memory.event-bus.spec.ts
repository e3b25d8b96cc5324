import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@tandem/contracts';
import { runEventBusContract } from './event-bus.contract';
import { MemoryEventBus } from './memory.event-bus';
import { eventually } from '../testing/eventually';
import { incrementRecord } from '../testing/factories';

runEventBusContract('in-process', async () => {
  const bus = new MemoryEventBus({ partitions: 4, retryDelayMs: 20 });
  return { bus, secondBus: bus, injectRaw: async (topic, record) => bus.appendRaw(topic, record), teardown: () => bus.close() };
});

runEventBusContract('in-process, on disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-bus-'));
  const bus = new MemoryEventBus({ partitions: 4, retryDelayMs: 20, dataDir: dir });
  return {
    bus,
    secondBus: bus,
    injectRaw: async (topic, record) => bus.appendRaw(topic, record),
    teardown: async () => {
      await bus.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe(MemoryEventBus.name, () => {
  it('keeps acknowledged records and committed offsets across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-bus-'));
    const first = new MemoryEventBus({ dataDir: dir });
    const seen: number[] = [];
    const sub = await first.subscribe({
      groupId: 'g',
      topics: [TOPICS.docsCommands],
      fromBeginning: true,
      handleBatch: async (b) => void seen.push(...b.records.map((r) => (r.event.data as { by: number }).by)),
    });
    await first.publish(TOPICS.docsCommands, [incrementRecord('t1', 'd', 1)]);
    await eventually(() => expect(seen).toEqual([1]));
    await sub.close();
    await first.publish(TOPICS.docsCommands, [incrementRecord('t1', 'd', 2)]);
    await first.close();

    const second = new MemoryEventBus({ dataDir: dir });
    const after: number[] = [];
    await second.subscribe({
      groupId: 'g',
      topics: [TOPICS.docsCommands],
      handleBatch: async (b) => void after.push(...b.records.map((r) => (r.event.data as { by: number }).by)),
    });
    await eventually(() => expect(after).toEqual([2]));
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports invalid records of subscriptions without their own handler to the bus reporter', async () => {
    const reported: string[] = [];
    const bus = new MemoryEventBus({ reportInvalid: (r) => reported.push(r.offset) });
    const seen: number[] = [];
    await bus.subscribe({ groupId: 'g', topics: [TOPICS.docsCommands], fromBeginning: true, handleBatch: async (b) => void seen.push(b.records.length) });
    bus.appendRaw(TOPICS.docsCommands, { key: 't1/d', headers: { ce_type: 'nonsense' }, value: Buffer.from('{}') });
    await bus.publish(TOPICS.docsCommands, [incrementRecord('t1', 'd', 1)]);
    await eventually(() => expect(seen).toEqual([1]));
    expect(reported).toHaveLength(1);
    await bus.close();
  });
});
