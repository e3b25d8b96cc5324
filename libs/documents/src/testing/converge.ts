import * as A from '@automerge/automerge';

/** Test helpers (not exported from the library): peers, concurrent edits, merging both ways. */

let actorSeq = 0;
/** A fresh actor id per call, distinct and deterministic within a run (hex). */
export function actor(): string {
  actorSeq += 1;
  return actorSeq.toString(16).padStart(8, '0') + 'ab'.repeat(4);
}

/** A copy of `doc` writing as a new actor (another peer that has seen the same changes). */
export function peer<T>(doc: A.Doc<T>): A.Doc<T> {
  return A.clone(doc, actor());
}

/** Merges two peers' documents both ways and checks they converged; returns `a` merged. */
export function mergeBoth<T>(a: A.Doc<T>, b: A.Doc<T>): { ab: A.Doc<T>; ba: A.Doc<T> } {
  const ab = A.merge(A.clone(a), A.clone(b));
  const ba = A.merge(A.clone(b), A.clone(a));
  return { ab, ba };
}

/** Applies `fn` as one change with a JSON author message. */
export function edit<T>(doc: A.Doc<T>, userId: string, fn: (d: T) => void, time?: number): A.Doc<T> {
  const message = JSON.stringify({ userId });
  return A.change(doc, time === undefined ? { message } : { message, time }, fn);
}
