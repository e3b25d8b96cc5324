import Redis from 'ioredis';
import type { PresenceEntry, PresenceStore } from './presence-store.port';

// Atomically pops the members whose expiry passed, so exactly one caller reports each as gone.
const TAKE_EXPIRED = `
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if #expired > 0 then
  redis.call('ZREM', KEYS[1], unpack(expired))
  redis.call('HDEL', KEYS[2], unpack(expired))
end
return expired`;

/**
 * The production presence store on Redis: per set, a sorted set of members scored by expiry time and
 * a hash of their data. Whole keys also expire, so an abandoned set cleans itself up.
 */
export class RedisPresenceStore implements PresenceStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly keyPrefix = 'tandem:presence:',
    private readonly now: () => number = Date.now,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
  }

  async upsert(set: string, member: string, data: string, ttlMs: number): Promise<void> {
    const [z, h] = this.keys(set);
    const expiresAt = this.now() + ttlMs;
    await this.redis.multi().zadd(z, expiresAt, member).hset(h, member, data).pexpire(z, ttlMs * 2).pexpire(h, ttlMs * 2).exec();
  }

  async remove(set: string, member: string): Promise<void> {
    const [z, h] = this.keys(set);
    await this.redis.multi().zrem(z, member).hdel(h, member).exec();
  }

  async list(set: string): Promise<PresenceEntry[]> {
    const [z, h] = this.keys(set);
    const scored = await this.redis.zrangebyscore(z, `(${this.now()}`, '+inf', 'WITHSCORES');
    const members: string[] = [];
    const expiries: number[] = [];
    for (let i = 0; i < scored.length; i += 2) {
      members.push(scored[i]);
      expiries.push(Number(scored[i + 1]));
    }
    if (members.length === 0) return [];
    const data = await this.redis.hmget(h, ...members);
    return members
      .map((member, i) => ({ member, data: data[i] ?? '', expiresAt: expiries[i] }))
      .sort((a, b) => a.member.localeCompare(b.member));
  }

  async takeExpired(set: string): Promise<string[]> {
    const [z, h] = this.keys(set);
    const expired = (await this.redis.eval(TAKE_EXPIRED, 2, z, h, String(this.now()))) as string[];
    return expired.sort();
  }

  async checkReady(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }

  private keys(set: string): [string, string] {
    return [`${this.keyPrefix}${set}:exp`, `${this.keyPrefix}${set}:data`];
  }
}
