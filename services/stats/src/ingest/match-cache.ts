import type { MatchState } from '../domain/match-state';

/** Where a batch comes from: its partition and the offsets of its first record and after its last. */
export interface BatchSource {
  partition: number;
  firstOffset: string;
  nextOffset: string;
}

/** A match held in memory: its state, the ids it applied (as a set) and how many writes of it are pending. */
export interface CachedMatch {
  tenant: string;
  state: MatchState;
  seen: Set<string>;
  partition: number | null;
  pending: number;
  /** Its partition did not follow on while a write was pending: dropped once the writes are done. */
  stale: boolean;
}

const keyOf = (tenant: string, matchId: string) => `${tenant}\u0000${matchId}`;

/**
 * The match states of the partitions this process consumes, in memory, so that a batch is folded
 * without a store round trip. The store stays the source of truth: an entry is only ever a fold of
 * the stored state plus events of its partition that this process has folded since. Rules:
 * - a partition's entries are kept only while its batches follow each other (a batch starting
 *   where the previous one ended). Anything else (a rewind after a failure, a reassignment after
 *   which another consumer may have written these matches, skipped records) drops them, and they
 *   are loaded from the store again;
 * - an entry with a write pending is never dropped (a reload could miss that write); entries
 *   folded outside a partition (rebuild, tests) are kept only until their writes are done;
 * - at most `max` entries once a fold is done; the least recently used ones without pending writes go first.
 */
export class MatchCache {
  private readonly entries = new Map<string, CachedMatch>();
  private readonly partitions = new Map<number, { next: string; keys: Set<string> }>();

  constructor(private readonly max = 20_000) {}

  /** Before folding a batch of `source.partition`: drops its matches unless it follows the last batch. */
  follow(source: BatchSource): void {
    const p = this.partitions.get(source.partition);
    if (p && p.next === source.firstOffset) return;
    const keys = new Set<string>();
    for (const key of p?.keys ?? []) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      if (entry.pending === 0) {
        this.drop(key);
      } else {
        entry.stale = true;
        keys.add(key);
      }
    }
    this.partitions.set(source.partition, { next: source.firstOffset, keys });
  }

  /** After folding a batch: the next batch of its partition continues the cache if it starts at `nextOffset`. */
  advance(source: BatchSource): void {
    const p = this.partitions.get(source.partition);
    if (p) p.next = source.nextOffset;
  }

  get(tenant: string, matchId: string): CachedMatch | undefined {
    const key = keyOf(tenant, matchId);
    const entry = this.entries.get(key);
    if (entry) {
      // Map order is use order: the first entries are the least recently used.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Holds a match (loaded from the store, or new), as part of `partition` if given. */
  put(tenant: string, state: MatchState, partition: number | null): CachedMatch {
    const key = keyOf(tenant, state.matchId);
    const entry: CachedMatch = { tenant, state, seen: new Set(state.eventIds), partition: null, pending: 0, stale: false };
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.own(entry, partition);
    return entry;
  }

  /** Makes `entry` part of `partition` (a match folded outside a partition first, then inside one). */
  own(entry: CachedMatch, partition: number | null): void {
    if (partition === null || entry.partition === partition) return;
    const key = keyOf(entry.tenant, entry.state.matchId);
    if (entry.partition !== null) this.partitions.get(entry.partition)?.keys.delete(key);
    entry.partition = partition;
    this.partitions.get(partition)?.keys.add(key);
  }

  /** A write of the entry was queued. */
  pin(entry: CachedMatch): void {
    entry.pending++;
  }

  /**
   * A write of the entry finished. After a failed write the entry is dropped (once no other write of
   * it is pending), so the redelivered events are folded into the state as stored.
   */
  unpin(entry: CachedMatch, ok: boolean): void {
    entry.pending--;
    const key = keyOf(entry.tenant, entry.state.matchId);
    if (this.entries.get(key) !== entry || entry.pending > 0) return;
    if (!ok || entry.stale || entry.partition === null) this.drop(key);
  }

  /** After a fold: drops the entry if no write of it is pending and it belongs to no partition. */
  release(entry: CachedMatch): void {
    if (entry.pending === 0 && entry.partition === null) this.drop(keyOf(entry.tenant, entry.state.matchId));
  }

  /** How many matches are held (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    if (entry.partition !== null) this.partitions.get(entry.partition)?.keys.delete(key);
  }

  /** Drops the least recently used entries without pending writes beyond `max` (call between folds only). */
  trim(): void {
    if (this.entries.size <= this.max) return;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.max) return;
      if (entry.pending === 0) this.drop(key);
    }
  }
}
