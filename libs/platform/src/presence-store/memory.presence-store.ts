import type { PresenceEntry, PresenceStore } from './presence-store.port';

/** The embedded presence store: sets in process memory with per-member expiry. */
export class MemoryPresenceStore implements PresenceStore {
  private readonly sets = new Map<string, Map<string, { data: string; expiresAt: number }>>();

  constructor(private readonly now: () => number = Date.now) {}

  async upsert(set: string, member: string, data: string, ttlMs: number): Promise<void> {
    let members = this.sets.get(set);
    if (!members) this.sets.set(set, (members = new Map()));
    members.set(member, { data, expiresAt: this.now() + ttlMs });
  }

  async remove(set: string, member: string): Promise<void> {
    this.sets.get(set)?.delete(member);
  }

  async list(set: string): Promise<PresenceEntry[]> {
    const now = this.now();
    return [...(this.sets.get(set) ?? [])]
      .filter(([, v]) => v.expiresAt > now)
      .map(([member, v]) => ({ member, ...v }))
      .sort((a, b) => a.member.localeCompare(b.member));
  }

  async takeExpired(set: string): Promise<string[]> {
    const members = this.sets.get(set);
    if (!members) return [];
    const now = this.now();
    const expired = [...members].filter(([, v]) => v.expiresAt <= now).map(([m]) => m);
    for (const m of expired) members.delete(m);
    if (members.size === 0) this.sets.delete(set);
    return expired.sort();
  }

  async checkReady(): Promise<void> {}

  async close(): Promise<void> {
    this.sets.clear();
  }
}
