/**
 * Longest pause between two applies of remote changes. After an apply that took T ms, the next one
 * waits until T ms have passed (at most this): on a long text every Automerge 3.5 apply costs about
 * the same whatever it carries (~40 ms for one keystroke on a 100,000-character document, 57 ms for
 * 50: bench/automerge-apply.ts), so in a busy room remote changes take at most half the event loop,
 * and what arrives meanwhile goes in one call.
 */
export const MAX_APPLY_PAUSE_MS = 250;

/**
 * Shortest time between the starts of two applies of remote changes while they keep arriving (at
 * most 20 applies a second per document). A change arriving after a quiet spell is applied at once;
 * in a busy room what arrives within the interval goes in one call. Automerge 3.5's apply has a
 * large cost per call, on small documents too (`bench/automerge-apply.ts`, a text of 3,000
 * changes: one call of 1 keystroke 2.5 ms, of 5 3.5 ms, of 25 6.5–7.5 ms), so a room of 50 whose
 * changes each arrived alone made one call per change; 50 ms is below what a reader sees as lag.
 */
export const MIN_APPLY_INTERVAL_MS = 50;

/**
 * When to apply a document's remote changes: {@link MAX_APPLY_PAUSE_MS} and
 * {@link MIN_APPLY_INTERVAL_MS} above. The SDK's handles use it; the benchmarks' reference clients
 * (bare relays carrying the same changes) use it too, so both apply alike.
 */
export class ApplyPacer {
  private last = { endedAt: -Infinity, tookMs: 0 };

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Milliseconds until the next apply may start. */
  delay(): number {
    const { endedAt, tookMs } = this.last;
    const next = Math.max(endedAt + Math.min(tookMs, MAX_APPLY_PAUSE_MS), endedAt - tookMs + MIN_APPLY_INTERVAL_MS);
    return Math.max(0, next - this.now());
  }

  /** Runs one apply, timing it (the clock is read just before and just after). */
  run(apply: () => void): void {
    const started = this.now();
    apply();
    const endedAt = this.now();
    this.last = { endedAt, tookMs: endedAt - started };
  }
}
