import { TOPICS } from '@tandem/contracts';
import { ConsumedRecordOf, MemoryEventBus, Metrics, createLogger } from '@tandem/platform';
import { eventually, incrementRecord } from '@tandem/platform/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileDocumentStore } from '../store/file.document-store';
import { DocumentStore } from '../store/document-store.port';
import { CounterService } from './counter.service';

type Changed = { seq: number; value: number; commandIds: string[] };

function setup(dir = mkdtempSync(join(tmpdir(), 'tandem-counter-')), store: DocumentStore = new FileDocumentStore(dir)) {
  const bus = new MemoryEventBus();
  const sut = new CounterService(store, bus, createLogger({ name: 'test', level: 'silent' }), 'docs-test', new Metrics('docs-test'));
  const announced: Changed[] = [];
  void bus.subscribe({ groupId: 'watch', topics: [TOPICS.docsEvents], fromBeginning: true, handleBatch: async (b) => void announced.push(...b.records.flatMap((r) => (r.event.type === 'tandem.docs.counter.changed' ? [r.event.data] : []))) });
  return { sut, dir, store, bus, announced };
}

let offset = 0;
function commands(tenant: string, docId: string, n: number, by = 1, ids?: string[]): ConsumedRecordOf<typeof TOPICS.docsCommands, 'tandem.docs.counter.increment'>[] {
  return Array.from({ length: n }, (_, i) => {
    const r = incrementRecord(tenant, docId, by, ids?.[i]);
    return { topic: TOPICS.docsCommands, partition: 0, offset: String(offset++), key: r.key, event: r.event };
  });
}

describe(CounterService.name, () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('merges a batch into one change and announces the value', async () => {
    const { sut, dir, announced } = setup();
    dirs.push(dir);
    await sut.applyCommands(commands('acme', 'd1', 5, 2));
    expect(await sut.read('acme', 'd1')).toEqual({ seq: 1, value: 10 });
    await eventually(() => expect(announced).toEqual([expect.objectContaining({ seq: 1, value: 10 })]));
    expect(announced[0].commandIds).toHaveLength(5);
  });

  it('ignores a command id it has already merged, in the same batch or a later one', async () => {
    const { sut, dir } = setup();
    dirs.push(dir);
    const batch = commands('acme', 'd2', 3, 1, ['cmd-aaaaaaaa', 'cmd-bbbbbbbb', 'cmd-aaaaaaaa']);
    await sut.applyCommands(batch);
    await sut.applyCommands(batch);
    expect(await sut.read('acme', 'd2')).toEqual({ seq: 1, value: 2 });
  });

  it('does not double-count a batch redelivered to a restarted service', async () => {
    const first = setup();
    dirs.push(first.dir);
    const batch = commands('acme', 'd3', 4);
    await first.sut.applyCommands(batch);
    const restarted = setup(first.dir);
    await restarted.sut.applyCommands([...batch, ...commands('acme', 'd3', 1)]);
    expect(await restarted.sut.read('acme', 'd3')).toEqual({ seq: 2, value: 5 });
    // The redelivered batch is announced again with the merged value, for anyone who missed it.
    await eventually(() => expect(restarted.announced.at(-1)).toMatchObject({ seq: 2, value: 5 }));
  });

  it('keeps counting correctly across snapshots', async () => {
    const { sut, dir } = setup();
    dirs.push(dir);
    for (let i = 0; i < 205; i++) await sut.applyCommands(commands('acme', 'd4', 1));
    const restarted = setup(dir);
    expect(await restarted.sut.read('acme', 'd4')).toEqual({ seq: 205, value: 205 });
    const loaded = await restarted.store.load('acme', 'd4');
    expect(loaded.snapshot?.seq).toBe(200);
    expect(loaded.changes).toHaveLength(5);
  });

  it('reloads and retries when another writer stored the next change first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-counter-'));
    dirs.push(dir);
    const a = setup(dir);
    const b = setup(dir, a.store);
    await a.sut.applyCommands(commands('acme', 'd5', 1));
    await b.sut.applyCommands(commands('acme', 'd5', 1));
    const late = commands('acme', 'd5', 1);
    await expect(a.sut.applyCommands(late)).rejects.toMatchObject({ code: 'SEQ_TAKEN' });
    await a.sut.applyCommands(late);
    expect(await a.sut.read('acme', 'd5')).toEqual({ seq: 3, value: 3 });
  });

  it('keeps tenants apart', async () => {
    const { sut, dir } = setup();
    dirs.push(dir);
    await sut.applyCommands(commands('acme', 'd6', 2));
    await sut.applyCommands(commands('globex', 'd6', 5));
    expect((await sut.read('acme', 'd6')).value).toBe(2);
    expect((await sut.read('globex', 'd6')).value).toBe(5);
  });
});
