/**
 * Longest pause between two turns of applying remote changes. After a turn that took T ms, the next
 * one waits until T ms have passed (at most this): on a long text every Automerge 3.5 apply costs about
 * the same whatever it carries (~40 ms for one keystroke on a 100,000-character document, 57 ms for
 * 50: bench/automerge-apply.ts), so in a busy room remote changes take at most half the event loop,
 * and what arrives meanwhile goes in one call.
 */
export const MAX_APPLY_PAUSE_MS = 250;

/**
 * Shortest time between the starts of two turns while remote changes keep arriving (at most 20
 * applies a second per document). A change arriving after a quiet spell is applied at once; in a busy
 * room what arrives within the interval goes in one call. Automerge 3.5's apply has a large cost per
 * call, on small documents too (`bench/automerge-apply.ts`, a text of 3,000 changes: one call of 1
 * keystroke 0.8–2.5 ms, of 25 2.2–7.5 ms), so a room of 50 whose changes each arrived alone made one
 * call per change; 50 ms is below what a reader sees as lag.
 */
export const MIN_APPLY_INTERVAL_MS = 50;

/**
 * Longest a turn goes on starting applies: the documents still waiting when a turn has run this long
 * keep their places for the next turn, so the event loop is never held much longer than one apply
 * (input, rendering and the socket get their share) however many documents are busy.
 */
export const MAX_TURN_MS = 50;

/**
 * When remote changes are applied, for every document of one client (`TandemClient`: one user's
 * session, a tab): each document with changes waiting asks for one apply with
 * {@link ApplyPacer.schedule}; until it runs, what else arrives for that document joins the same
 * call. A turn runs the waiting applies in the order they asked ({@link MAX_TURN_MS} at most), then
 * the client rests as long as the turn took ({@link MAX_APPLY_PAUSE_MS} at most, and turns start
 * {@link MIN_APPLY_INTERVAL_MS} apart at least). The budget is the session's, not each document's: a
 * session showing several busy documents (a board beside a text, a bot holding many) gives them half
 * of its event loop together, not half each, and pays each call's fixed cost less often. With one
 * busy document it behaves as a pacer of the document's own would.
 *
 * Why per client and not per event loop: the benchmarks run many users' clients in one process, each
 * standing for a user on a machine of their own; one pacer for the whole process made 25 users share
 * one user's budget (typing at scale: p99 4.7 s → 14.2 s; BENCHMARKS.md, eighth session). Nor a
 * loop-wide share on top of the per-client pacers (ninth session): not a clear gain either way.
 *
 * The SDK's clients use one each; the benchmarks' reference clients (bare relays carrying the same
 * changes) use one each too, so both apply alike.
 */
export class ApplyPacer {
  private readonly waiting: Array<() => void> = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** A turn is running: what asks meanwhile (a listener's doing) is timed from this turn, once it ends. */
  private turning = false;
  private last = { startedAt: -Infinity, endedAt: -Infinity };

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Runs `apply` in a coming turn (once: a caller asks again when it has more to apply after it ran). */
  schedule(apply: () => void): void {
    this.waiting.push(apply);
    this.arm();
  }

  /** Milliseconds until the next turn may start. */
  private delay(): number {
    const { startedAt, endedAt } = this.last;
    if (endedAt === -Infinity) return 0; // no turn yet
    const tookMs = endedAt - startedAt;
    const next = Math.max(endedAt + Math.min(tookMs, MAX_APPLY_PAUSE_MS), startedAt + MIN_APPLY_INTERVAL_MS);
    return Math.max(0, next - this.now());
  }

  /** Applies waiting now (0 when none is). */
  get pending(): number {
    return this.waiting.length;
  }

  private arm(): void {
    if (this.timer !== null || this.turning || this.waiting.length === 0) return;
    this.timer = setTimeout(() => this.turn(), this.delay());
  }

  /** One turn: the clock is read just before the first apply and just after each. */
  private turn(): void {
    this.timer = null;
    const startedAt = this.now();
    let endedAt = startedAt;
    let failure: { error: unknown } | null = null;
    this.turning = true;
    // Only those waiting now: an apply that asks again (more arrived meanwhile) waits for the next turn.
    for (let n = this.waiting.length; n > 0 && endedAt - startedAt < MAX_TURN_MS; n--) {
      const apply = this.waiting.shift()!;
      try {
        apply();
      } catch (error) {
        // One document's failing listener must not keep the others' changes from being applied.
        failure ??= { error };
      }
      endedAt = this.now();
    }
    this.turning = false;
    this.last = { startedAt, endedAt };
    this.arm();
    if (failure) throw failure.error;
  }
}
