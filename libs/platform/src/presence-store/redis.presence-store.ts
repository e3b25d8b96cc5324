import Redis from 'ioredis';
import type { PresenceEntry, PresenceStore } from './presence-store.port';

// Adds or refreshes a member, then extends (never shortens) the keys' own expiry to twice its TTL,
// so a short-lived member written after a long-lived one cannot take the whole set with it.
const UPSERT = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
local keep = tonumber(ARGV[4])
for i = 1, 2 do
  if redis.call('PTTL', KEYS[i]) < keep then redis.call('PEXPIRE', KEYS[i], keep) end
end
return 1`;

// Atomically pops the members whose expiry passed, so exactly one caller reports each as gone.
const TAKE_EXPIRED = `
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if #expired > 0 then
  redis.call('ZREM', KEYS[1], unpack(expired))
  redis.call('HDEL', KEYS[2], unpack(expired))
end
return expired`;

interface Scripts {
  presenceUpsert(zset: string, hash: string, expiresAt: string, member: string, data: string, keepMs: string): Promise<number>;
  presenceTakeExpired(zset: string, hash: string, now: string): Promise<string[]>;
}

/**
 * The production presence store on Redis: per set, a sorted set of members scored by expiry time and
 * a hash of their data. Whole keys also expire (twice the longest TTL written to them), so an
 * abandoned set cleans itself up.
 */
export class RedisPresenceStore implements PresenceStore {
  private readonly redis: Redis & Scripts;

  constructor(
    url: string,
    private readonly keyPrefix = 'tandem:presence:',
    private readonly now: () => number = Date.now,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false }) as Redis & Scripts;
    // Defined commands run by EVALSHA: the script text is sent once per connection, not per call.
    this.redis.defineCommand('presenceUpsert', { numberOfKeys: 2, lua: UPSERT });
    this.redis.defineCommand('presenceTakeExpired', { numberOfKeys: 2, lua: TAKE_EXPIRED });
  }

  async upsert(set: string, member: string, data: string, ttlMs: number): Promise<void> {
    const [z, h] = this.keys(set);
    const expiresAt = this.now() + ttlMs;
    await this.redis.presenceUpsert(z, h, String(expiresAt), member, data, String(Math.max(1, Math.ceil(ttlMs * 2))));
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
    const expired = await this.redis.presenceTakeExpired(z, h, String(this.now()));
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
