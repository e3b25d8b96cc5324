import * as A from '@automerge/automerge';

/**
 * A lookup of which of `hashes` are in `doc`'s history (applied, not merely queued for missing
 * dependencies). `A.hasHeads` finds each hash by re-encoding its whole change
 * (`getChangeByHash`, Automerge 3.5: a walk of the document's operations), which on a typed paper
 * cost the docs service more than the merge itself, and an SDK client in a busy room more than
 * applying the room's changes (bench/docs-fanout.ts profile, BENCHMARKS.md);
 * while Automerge's queue of changes waiting for dependencies is empty, ONE `getMissingDeps(doc,
 * hashes)` call names exactly the hashes missing from history. With a non-empty queue that call
 * also hides the queued hashes, so each hash is then looked up with `hasHeads` (as it is for a
 * hash not in `hashes`). Valid until `doc` changes.
 */
export function historyLookup(doc: A.Doc<unknown>, hashes: Iterable<string>): (hash: string) => boolean {
  const asked = new Set(hashes);
  const slow = (hash: string) => A.hasHeads(doc, [hash]);
  if (asked.size === 0 || A.getMissingDeps(doc, []).length > 0) return slow;
  const missing = new Set(A.getMissingDeps(doc, [...asked]));
  return (hash) => (asked.has(hash) ? !missing.has(hash) : slow(hash));
}

/** True if every one of `heads` is in `doc`'s history (what `A.hasHeads` answers, without its cost). */
export function holdsHeads(doc: A.Doc<unknown>, heads: readonly string[]): boolean {
  const known = historyLookup(doc, heads);
  return heads.every(known);
}
