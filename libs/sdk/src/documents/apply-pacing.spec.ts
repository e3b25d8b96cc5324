import { ApplyPacer, MAX_APPLY_PAUSE_MS, MAX_TURN_MS, MIN_APPLY_INTERVAL_MS } from './apply-pacing';

/** A pacer on a test clock; `apply(name, ms)` is an apply that takes `ms` on that clock and logs its name. */
function setup() {
  let clock = 1_000;
  const pacer = new ApplyPacer(() => clock);
  const ran: string[] = [];
  const apply = (name: string, ms: number) => () => {
    ran.push(name);
    clock += ms;
  };
  return { pacer, ran, apply, advance: (ms: number) => void (clock += ms) };
}

describe('ApplyPacer: one budget for every document of a client', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('applies the documents waiting together in one turn, then rests as long as the whole turn took', () => {
    const { pacer, ran, apply, advance } = setup();
    pacer.schedule(apply('a', 20));
    pacer.schedule(apply('b', 20));
    jest.advanceTimersByTime(0);
    expect(ran).toEqual(['a', 'b']);

    // Both documents have more: the turn took 40 ms (not each document's 20), so both wait 40.
    pacer.schedule(apply('a2', 1));
    pacer.schedule(apply('b2', 1));
    advance(39);
    jest.advanceTimersByTime(39);
    expect(ran).toEqual(['a', 'b']);
    advance(1);
    jest.advanceTimersByTime(1);
    expect(ran).toEqual(['a', 'b', 'a2', 'b2']);
  });

  it('stops starting applies once a turn has run MAX_TURN_MS; the others keep their order for the next turn', () => {
    const { pacer, ran, apply, advance } = setup();
    for (const name of ['a', 'b', 'c', 'd']) pacer.schedule(apply(name, MAX_TURN_MS / 2));
    jest.advanceTimersByTime(0);
    expect(ran).toEqual(['a', 'b']);
    expect(pacer.pending).toBe(2);
    // One asking again meanwhile goes after those already waiting.
    pacer.schedule(apply('a2', 1));
    advance(MAX_TURN_MS);
    jest.advanceTimersByTime(MAX_TURN_MS);
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
    advance(MAX_TURN_MS);
    jest.advanceTimersByTime(MAX_TURN_MS);
    expect(ran).toEqual(['a', 'b', 'c', 'd', 'a2']);
  });

  it('starts turns MIN_APPLY_INTERVAL_MS apart while cheap applies keep coming, and rests no longer than the cap after a long one', () => {
    const { pacer, ran, apply, advance } = setup();
    pacer.schedule(apply('a', 1));
    jest.advanceTimersByTime(0);
    pacer.schedule(apply('b', 1));
    advance(MIN_APPLY_INTERVAL_MS - 2);
    jest.advanceTimersByTime(MIN_APPLY_INTERVAL_MS - 2);
    expect(ran).toEqual(['a']);
    advance(1);
    jest.advanceTimersByTime(1);
    expect(ran).toEqual(['a', 'b']);

    advance(MIN_APPLY_INTERVAL_MS);
    pacer.schedule(apply('long', 10_000));
    jest.advanceTimersByTime(0);
    pacer.schedule(apply('next', 1));
    advance(MAX_APPLY_PAUSE_MS - 1);
    jest.advanceTimersByTime(MAX_APPLY_PAUSE_MS - 1);
    expect(ran.at(-1)).toBe('long');
    advance(1);
    jest.advanceTimersByTime(1);
    expect(ran.at(-1)).toBe('next');
  });

  it('times an apply asked for during a turn (a listener seeing more arrive) from that turn, once it is over', () => {
    const { pacer, ran, apply, advance } = setup();
    pacer.schedule(() => {
      ran.push('a');
      advance(30);
      pacer.schedule(apply('b', 1));
    });
    jest.advanceTimersByTime(0);
    expect(ran).toEqual(['a']);
    // The turn took 30 ms, so b rests 30 ms after it (60 from its start, past the 50 ms interval).
    advance(29);
    jest.advanceTimersByTime(29);
    expect(ran).toEqual(['a']);
    advance(1);
    jest.advanceTimersByTime(1);
    expect(ran).toEqual(['a', 'b']);
  });

  it("runs the other documents' applies when one throws, then reports the error", () => {
    const { pacer, ran, apply } = setup();
    pacer.schedule(() => {
      ran.push('broken');
      throw new Error('a listener failed');
    });
    pacer.schedule(apply('b', 1));
    expect(() => jest.advanceTimersByTime(0)).toThrow('a listener failed');
    expect(ran).toEqual(['broken', 'b']);
    // The pacer still works afterwards.
    pacer.schedule(apply('c', 1));
    jest.advanceTimersByTime(MIN_APPLY_INTERVAL_MS);
    expect(ran).toEqual(['broken', 'b', 'c']);
  });
});
