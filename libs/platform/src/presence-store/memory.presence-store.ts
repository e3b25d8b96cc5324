import type { PresenceEntry, PresenceStore } from './presence-store.port';

interface MemorySet {
  members: Map<string, { data: string; expiresAt: number }>;
  /** Like a Redis key's expiry: twice the longest TTL written, from the time it was written. */
  forgetAt: number;
}

/** Upserts between two passes over every set for ones nobody refreshed (amortised clean-up). */
const PRUNE_EVERY = 1_000;

/**
 * The embedded presence store: sets in process memory with per-member expiry. A set nobody wrote to
 * for twice its longest TTL is forgotten whole, as the Redis adapter's keys expire, so a long-running
 * process does not grow without bound.
 */
export class MemoryPresenceStore implements PresenceStore {
  private readonly sets = new Map<string, MemorySet>();
  private upserts = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async upsert(set: string, member: string, data: string, ttlMs: number): Promise<void> {
    if (++this.upserts % PRUNE_EVERY === 0) this.prune();
    const now = this.now();
    let s = this.setOf(set);
    if (!s) this.sets.set(set, (s = { members: new Map(), forgetAt: 0 }));
    s.members.set(member, { data, expiresAt: now + ttlMs });
    s.forgetAt = Math.max(s.forgetAt, now + Math.max(1, Math.ceil(ttlMs * 2)));
  }

  async remove(set: string, member: string): Promise<void> {
    this.setOf(set)?.members.delete(member);
  }

  async list(set: string): Promise<PresenceEntry[]> {
    const now = this.now();
    return [...(this.setOf(set)?.members ?? [])]
      .filter(([, v]) => v.expiresAt > now)
      .map(([member, v]) => ({ member, ...v }))
      .sort((a, b) => a.member.localeCompare(b.member));
  }

  async takeExpired(set: string): Promise<string[]> {
    const s = this.setOf(set);
    if (!s) return [];
    const now = this.now();
    const expired = [...s.members].filter(([, v]) => v.expiresAt <= now).map(([m]) => m);
    for (const m of expired) s.members.delete(m);
    if (s.members.size === 0) this.sets.delete(set);
    return expired.sort();
  }

  async checkReady(): Promise<void> {}

  async close(): Promise<void> {
    this.sets.clear();
  }

  /** The set, unless it is due to be forgotten (then it is dropped). */
  private setOf(name: string): MemorySet | undefined {
    const s = this.sets.get(name);
    if (s && s.forgetAt <= this.now()) {
      this.sets.delete(name);
      return undefined;
    }
    return s;
  }

  private prune(): void {
    const now = this.now();
    for (const [name, s] of this.sets) if (s.forgetAt <= now) this.sets.delete(name);
  }
}
