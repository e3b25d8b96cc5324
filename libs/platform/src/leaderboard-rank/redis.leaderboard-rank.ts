import Redis from 'ioredis';
import type { LeaderboardRankStore, RankEntry } from './leaderboard-rank.port';

const CHUNK = 1_000;

/** The production ranked sets: one Redis sorted set per key (under a prefix). */
export class RedisLeaderboardRankStore implements LeaderboardRankStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly keyPrefix = 'tandem:lb:',
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 3 });
  }

  async set(key: string, entries: readonly RankEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (let i = 0; i < entries.length; i += CHUNK) pipeline.zadd(this.k(key), ...entries.slice(i, i + CHUNK).flatMap((e) => [String(e.score), e.member]));
    await this.exec(pipeline);
  }

  async remove(key: string, members: readonly string[]): Promise<void> {
    if (members.length > 0) await this.redis.zrem(this.k(key), ...members);
  }

  async replace(key: string, entries: readonly RankEntry[]): Promise<void> {
    // Built under a temporary key and renamed over the old set in one MULTI: readers never see a half-built set.
    const tmp = `${this.k(key)}:rebuild:${process.pid}:${Date.now()}`;
    const multi = this.redis.multi().del(tmp);
    for (let i = 0; i < entries.length; i += CHUNK) multi.zadd(tmp, ...entries.slice(i, i + CHUNK).flatMap((e) => [String(e.score), e.member]));
    if (entries.length > 0) multi.rename(tmp, this.k(key));
    else multi.del(this.k(key));
    await this.exec(multi);
  }

  async ranks(key: string, members: readonly string[]): Promise<Array<number | null>> {
    if (members.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const m of members) pipeline.zrank(this.k(key), m);
    const results = await this.exec(pipeline);
    return results.map((r) => (r === null || r === undefined ? null : Number(r)));
  }

  async range(key: string, start: number, stop: number): Promise<RankEntry[]> {
    if (stop < start || stop < 0) return [];
    const flat = await this.redis.zrange(this.k(key), Math.max(0, start), stop, 'WITHSCORES');
    const out: RankEntry[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ member: flat[i], score: Number(flat[i + 1]) });
    return out;
  }

  async count(key: string): Promise<number> {
    return this.redis.zcard(this.k(key));
  }

  async checkReady(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }

  private k(key: string): string {
    return `${this.keyPrefix}${key}`;
  }

  private async exec(pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
    const results = (await pipeline.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
    return results.map(([, value]) => value);
  }
}
