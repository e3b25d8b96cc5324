import type { ClientCommand } from '@tandem/contracts';
import { MemoryOutboxStorage, Outbox } from './outbox';

const command = (id: string): ClientCommand => ({ type: 'doc.counter.increment', commandId: id, docId: 'd', by: 1 });

describe(Outbox.name, () => {
  it('keeps commands in order until each is removed', () => {
    const sut = new Outbox(new MemoryOutboxStorage());
    sut.add(command('cmd-aaaaaaa1'));
    sut.add(command('cmd-aaaaaaa2'));
    sut.remove('cmd-aaaaaaa1');
    expect(sut.all().map((c) => c.commandId)).toEqual(['cmd-aaaaaaa2']);
  });

  it('survives a reload through its storage', () => {
    const storage = new MemoryOutboxStorage();
    new Outbox(storage).add(command('cmd-aaaaaaa1'));
    expect(new Outbox(storage).all()).toEqual([command('cmd-aaaaaaa1')]);
  });

  it('holds a resent command once', () => {
    const sut = new Outbox(new MemoryOutboxStorage());
    sut.add(command('cmd-aaaaaaa1'));
    sut.add(command('cmd-aaaaaaa1'));
    expect(sut.size).toBe(1);
  });
});
