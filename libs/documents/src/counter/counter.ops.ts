import { DocumentError } from '../errors';
import type { CounterDoc } from '../kinds';

/** Adds `by` (default 1, may be negative) to the counter. Mutator: call inside `A.change`. Concurrent increments all add up. */
export function increment(d: CounterDoc, by = 1): void {
  if (!Number.isInteger(by)) throw new DocumentError('invalid-argument', `a counter moves by whole numbers, got ${by}`);
  if (by !== 0) d.count.increment(by);
}

/** The counter's value. */
export function counterValue(doc: CounterDoc): number {
  return doc.count?.value ?? 0;
}
