import { CounterHandle } from './counter';

function setup() {
  let n = 0;
  const sut = new CounterHandle('d', () => ({ commandId: `cmd-${++n}`, acked: Promise.resolve() }), () => undefined);
  return sut;
}

describe(CounterHandle.name, () => {
  it('takes the state with the highest seq, whatever order it arrives in', () => {
    const sut = setup();
    sut.applyState({ seq: 5, value: 50 });
    sut.applyState({ seq: 3, value: 30 });
    expect([sut.seq, sut.value]).toEqual([5, 50]);
  });

  it('counts its own increments as pending until an event says they were merged', async () => {
    const sut = setup();
    await sut.increment(2);
    await sut.increment(3);
    expect(sut.pending).toBe(5);
    sut.applyState({ seq: 1, value: 2 }, ['cmd-1']);
    expect(sut.pending).toBe(3);
  });

  it('notifies listeners until they stop listening', () => {
    const sut = setup();
    const seen: number[] = [];
    const stop = sut.onChange((c) => seen.push(c.value));
    sut.applyState({ seq: 1, value: 1 });
    stop();
    sut.applyState({ seq: 2, value: 2 });
    expect(seen).toEqual([1]);
  });
});
