import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';

/**
 * Order of columns, cards and whiteboard items: each carries a fractional-index `rank` string
 * (rocicorp's fractional-indexing) in a single last-writer-wins register. Moving an item writes only
 * its own rank, so concurrent moves of the same item converge to one of them (never a duplicate),
 * and concurrent moves of different items all survive. Two items given the same rank concurrently
 * are ordered by id, the same everywhere.
 */
export interface Ranked {
  id: string;
  rank: string;
}

export function compareRanked(a: Ranked, b: Ranked): number {
  // Documents come from other peers: a missing or non-string rank sorts first, never breaks the sort.
  const ra = typeof a.rank === 'string' ? a.rank : '';
  const rb = typeof b.rank === 'string' ? b.rank : '';
  if (ra !== rb) return ra < rb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function sortRanked<T extends Ranked>(items: Iterable<T>): T[] {
  return [...items].sort(compareRanked);
}

/** A rank after every one of `ranks` (appending). */
export function rankAfterAll(ranks: Iterable<string>): string {
  let max: string | null = null;
  for (const r of ranks) if (max === null || r > max) max = r;
  return safeBetween(max, null) ?? generateKeyBetween(null, null);
}

/** A rank before every one of `ranks`. */
export function rankBeforeAll(ranks: Iterable<string>): string {
  let min: string | null = null;
  for (const r of ranks) if (min === null || r < min) min = r;
  return safeBetween(null, min) ?? generateKeyBetween(null, null);
}

/**
 * The rank writes that put `id` at `index` among `siblings` (which must not contain `id`).
 * Usually one write (`id` itself). When the neighbours share a rank (concurrent inserts) the tied
 * run is re-ranked with it; when ranks are unusable (not fractional-index keys) every sibling is.
 */
export function placeAt(siblings: readonly Ranked[], id: string, index: number): Map<string, string> {
  const sorted = sortRanked(siblings.filter((s) => s.id !== id));
  const at = Math.max(0, Math.min(index, sorted.length));
  const prev = sorted[at - 1]?.rank ?? null;
  const next = sorted[at]?.rank ?? null;
  const simple = safeBetween(prev, next);
  if (simple !== null) return new Map([[id, simple]]);

  const order = [...sorted.slice(0, at).map((s) => s.id), id, ...sorted.slice(at).map((s) => s.id)];
  if (prev !== null && prev === next) {
    // Re-rank the run of items sharing that rank, with the moved item in its place.
    let lo = at - 1;
    while (lo > 0 && sorted[lo - 1].rank === prev) lo--;
    let hi = at;
    while (hi < sorted.length - 1 && sorted[hi + 1].rank === prev) hi++;
    const below = sorted[lo - 1]?.rank ?? null;
    const above = sorted[hi + 1]?.rank ?? null;
    const run = order.slice(lo, hi + 2);
    const keys = safeNBetween(below, above, run.length);
    if (keys) return new Map(run.map((r, i) => [r, keys[i]]));
  }
  const keys = generateNKeysBetween(null, null, order.length);
  return new Map(order.map((r, i) => [r, keys[i]]));
}

function safeBetween(a: string | null, b: string | null): string | null {
  try {
    return generateKeyBetween(a, b);
  } catch {
    return null;
  }
}

function safeNBetween(a: string | null, b: string | null, n: number): string[] | null {
  try {
    return generateNKeysBetween(a, b, n);
  } catch {
    return null;
  }
}
