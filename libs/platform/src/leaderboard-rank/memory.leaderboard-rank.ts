import type { LeaderboardRankStore, RankEntry } from './leaderboard-rank.port';

const before = (a: RankEntry, b: RankEntry) => a.score < b.score || (a.score === b.score && a.member < b.member);

/** The embedded ranked sets: a sorted array per key, kept sorted by binary insertion. */
export class MemoryLeaderboardRankStore implements LeaderboardRankStore {
  private readonly sets = new Map<string, { sorted: RankEntry[]; scores: Map<string, number> }>();

  async set(key: string, entries: readonly RankEntry[]): Promise<void> {
    const set = this.setOf(key);
    for (const entry of entries) {
      this.delete(set, entry.member);
      const e = { member: entry.member, score: entry.score };
      set.sorted.splice(this.position(set.sorted, e), 0, e);
      set.scores.set(e.member, e.score);
    }
  }

  async remove(key: string, members: readonly string[]): Promise<void> {
    const set = this.sets.get(key);
    if (!set) return;
    for (const m of members) this.delete(set, m);
    if (set.sorted.length === 0) this.sets.delete(key);
  }

  async replace(key: string, entries: readonly RankEntry[]): Promise<void> {
    this.sets.delete(key);
    if (entries.length > 0) await this.set(key, entries);
  }

  async ranks(key: string, members: readonly string[]): Promise<Array<number | null>> {
    const set = this.sets.get(key);
    return members.map((member) => {
      const score = set?.scores.get(member);
      return set && score !== undefined ? this.position(set.sorted, { member, score }) : null;
    });
  }

  async range(key: string, start: number, stop: number): Promise<RankEntry[]> {
    const sorted = this.sets.get(key)?.sorted ?? [];
    if (stop < start || start >= sorted.length) return [];
    return sorted.slice(Math.max(0, start), stop + 1).map((e) => ({ ...e }));
  }

  async count(key: string): Promise<number> {
    return this.sets.get(key)?.sorted.length ?? 0;
  }

  async checkReady(): Promise<void> {}

  async close(): Promise<void> {}

  private setOf(key: string) {
    let set = this.sets.get(key);
    if (!set) this.sets.set(key, (set = { sorted: [], scores: new Map() }));
    return set;
  }

  private delete(set: { sorted: RankEntry[]; scores: Map<string, number> }, member: string): void {
    const score = set.scores.get(member);
    if (score === undefined) return;
    set.sorted.splice(this.position(set.sorted, { member, score }), 1);
    set.scores.delete(member);
  }

  /** Index of the first entry not before `e` (its index if present). */
  private position(sorted: RankEntry[], e: RankEntry): number {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(sorted[mid], e)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
