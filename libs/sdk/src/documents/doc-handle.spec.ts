import * as A from '@automerge/automerge';
import { createDoc, richtext } from '@tandem/documents';
import { ApplyPacer, MAX_APPLY_PAUSE_MS, MIN_APPLY_INTERVAL_MS } from './apply-pacing';
import { DocHandle } from './doc-handle';

/**
 * A handle on a test clock: `applyCostMs` is how far the clock moves while the next apply of remote
 * changes runs (the handle reads the clock just before and just after it), as if Automerge took that long.
 */
function setup() {
  let clock = 1_000;
  let applyCostMs = 0;
  const handle = new DocHandle('d', 'richtext', createDoc('richtext'), {
    userId: 'ann',
    requestFlush: () => undefined,
    history: async () => Promise.reject(new Error('not in this test')),
    close: () => undefined,
    newCommandId: () => 'cmd',
    pacer: new ApplyPacer(() => {
      const t = clock;
      clock += applyCostMs;
      applyCostMs = 0;
      return t;
    }),
  });
  let peer = A.clone(handle.doc, 'be'.repeat(16));
  const typed = (text: string) => {
    peer = A.change(peer, (d) => richtext.insertText(d, 0, text));
    return A.getLastLocalChange(peer)!;
  };
  return { handle, typed, nextApplyCosts: (ms: number) => void (applyCostMs = ms), advanceClock: (ms: number) => void (clock += ms) };
}

describe('DocHandle: remote changes', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('after an apply that took T ms, applies what arrives next once T ms have passed, all in one call', () => {
    const { handle, typed, nextApplyCosts } = setup();
    const applies: string[] = [];
    handle.onChange((doc, { origin }) => origin === 'remote' && applies.push(doc.text));

    handle.receive(typed('a'));
    nextApplyCosts(40);
    jest.advanceTimersByTime(0);
    expect(applies).toEqual(['a']);

    handle.receive(typed('b'));
    jest.advanceTimersByTime(20);
    handle.receive(typed('c'));
    jest.advanceTimersByTime(19);
    expect(applies).toEqual(['a']);
    jest.advanceTimersByTime(1);
    expect(applies).toEqual(['a', 'cba']);
  });

  it('applies at once after a quiet spell, at most every MIN_APPLY_INTERVAL_MS while changes keep coming, never later than the cap', () => {
    const { handle, typed, nextApplyCosts, advanceClock } = setup();
    const applies: string[] = [];
    handle.onChange((doc, { origin }) => origin === 'remote' && applies.push(doc.text));

    handle.receive(typed('a'));
    jest.advanceTimersByTime(0);
    expect(applies).toEqual(['a']);
    // A cheap apply just now: what comes next waits for the interval, then goes in one call.
    handle.receive(typed('b'));
    jest.advanceTimersByTime(0);
    handle.receive(typed('c'));
    jest.advanceTimersByTime(MIN_APPLY_INTERVAL_MS - 1);
    expect(applies).toEqual(['a']);
    jest.advanceTimersByTime(1);
    expect(applies).toEqual(['a', 'cba']);

    // The last apply started an interval ago: applied at once.
    advanceClock(MIN_APPLY_INTERVAL_MS);
    handle.receive(typed('d'));
    jest.advanceTimersByTime(0);
    expect(applies.at(-1)).toBe('dcba');

    // An apply that took far longer than the cap: the next waits the cap, no more.
    advanceClock(MIN_APPLY_INTERVAL_MS);
    handle.receive(typed('e'));
    nextApplyCosts(10_000);
    jest.advanceTimersByTime(0);
    handle.receive(typed('f'));
    jest.advanceTimersByTime(MAX_APPLY_PAUSE_MS - 1);
    expect(applies.at(-1)).toBe('edcba');
    jest.advanceTimersByTime(1);
    expect(applies.at(-1)).toBe('fedcba');
  });
});

describe('DocHandle: checks of announced heads', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('waits for the queued relayed changes to be applied in their turn, never applying them out of it', () => {
    const { handle, typed, nextApplyCosts } = setup();
    const applies: string[] = [];
    handle.onChange((doc, { origin }) => origin === 'remote' && applies.push(doc.text));
    handle.receive(typed('a'));
    nextApplyCosts(200);
    jest.advanceTimersByTime(0);

    const b = typed('b');
    handle.receive(b);
    // The server announces a merge holding `b`, which waits in the queue for the pacer's turn.
    expect(handle.merged(A.getHeads(A.applyChanges(A.clone(handle.doc), [b])[0]), [])).toBe(true);
    const checks: boolean[] = [];
    handle.whenQueuedApplied(() => checks.push(handle.missingAnnounced()));
    jest.advanceTimersByTime(199);
    expect({ applies, checks }).toEqual({ applies: ['a'], checks: [] });
    jest.advanceTimersByTime(1);
    expect({ applies, checks }).toEqual({ applies: ['a', 'ba'], checks: [false] });

    // Nothing queued: the check runs at once, and heads never relayed are missing.
    handle.merged(['f'.repeat(64)], []);
    handle.whenQueuedApplied(() => checks.push(handle.missingAnnounced()));
    expect(checks).toEqual([false, true]);
    expect(applies).toEqual(['a', 'ba']);
  });
});

describe('DocHandle: relayed bytes that are not valid changes', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('drops them and keeps every valid change that came with them', () => {
    const { handle, typed } = setup();
    handle.receive(new Uint8Array([1, 2, 3, 4, 5])); // not an Automerge chunk at all
    const other = A.change(A.clone(handle.doc, 'cd'.repeat(16)), (d) => richtext.insertText(d, 0, 'x'));
    const corrupt = new Uint8Array(A.getLastLocalChange(other)!);
    corrupt[corrupt.length - 1] ^= 0xff; // framed like a change, but its contents do not check out
    const valid = typed('a');
    handle.receive(corrupt);
    handle.receive(valid);
    expect(() => jest.advanceTimersByTime(0)).not.toThrow();
    expect(handle.doc.text).toBe('a');
  });
});
