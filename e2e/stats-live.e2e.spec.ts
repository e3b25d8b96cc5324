import type { MatchBoard } from '@tandem/contracts';
import { signToken } from '@tandem/platform';
import { eventually, requireEnv, uniqueId } from '@tandem/platform/testing';
import { TandemClient } from '@tandem/sdk';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import { histogramDelta, summarize } from '../bench/support/stats';
import { RunningProcess, startProcess, stopAll } from './support/processes';

const MATCHES = 10;
const EVENTS_PER_MATCH = 100;
/** Each match gets an event every this many ms (about 67 events/s in all), slower than the 10/s board coalescing. */
const EVERY_MS = 150;

/** A record as a partner builds it: CloudEvents binary mode, headers by hand. */
function record(tenant: string, matchId: string, data: Record<string, unknown>, type: string) {
  return { key: `${tenant}/${matchId}`, value: JSON.stringify(data), headers: { ce_id: randomUUID(), ce_type: type, ce_source: '/partners/arena-live', ce_specversion: '1.0', ce_time: new Date().toISOString(), tenant, 'content-type': 'application/json' } };
}

/**
 * Live boards end to end: a partner produces with plain kafkajs, the stats service (its own process)
 * folds and publishes, a gateway relays, and an SDK client watching the matches receives the boards.
 * Latency of an event = from just before its produce call to the first board that includes it
 * (boards carry how many distinct events they fold; a match's events are produced in order on one key).
 */
describe('live stats boards through a real gateway', () => {
  const jwtSecret = randomBytes(32).toString('hex');
  let gateway: RunningProcess;
  let stats: RunningProcess;
  let client: TandemClient;
  const tenant = uniqueId('arena');

  beforeAll(async () => {
    const env = { KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'), MONGO_URL: requireEnv('MONGO_URL'), REDIS_URL: requireEnv('REDIS_URL'), JWT_SECRET: jwtSecret, INTERNAL_TOKEN: randomBytes(24).toString('hex') };
    stats = await startProcess('stats', 'services/stats/src/main.ts', env);
    gateway = await startProcess('gateway', 'services/gateway/src/main.ts', { ...env, STATS_URL: stats.url });
    client = new TandemClient({ url: gateway.url, getToken: () => signToken(jwtSecret, { sub: 'fan', tenant, name: 'Fan' }) });
    await client.ready();
    // The service reads the topic from the beginning: wait until it has caught up on every partition
    // (a board for each of 30 warm-up matches, spread over the partitions by key) before measuring.
    const kafka = new Kafka({ clientId: 'arena-warmup', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const warm = Array.from({ length: 30 }, (_, i) => `warm-${i}`);
    await producer.send({ topic: 'stats.ingest.v1', acks: -1, messages: warm.map((matchId) => record(tenant, matchId, { matchId, seq: 1, at: new Date().toISOString() }, 'tandem.stats.match.started')) });
    await producer.disconnect();
    await eventually(async () => {
      for (const m of warm) expect(await client.stats.board(m)).not.toBeNull();
    }, 120_000, 500);
  }, 180_000);
  afterAll(async () => {
    client?.close();
    await stopAll();
  });

  it(`delivers every one of ${MATCHES * EVENTS_PER_MATCH} events' boards to a watching SDK client, and reports the p99`, async () => {
    const matchIds = Array.from({ length: MATCHES }, (_, i) => `live-${i}`);
    const producedAt = new Map(matchIds.map((m) => [m, [] as number[]]));
    const latencies: number[] = [];
    const seen = new Map(matchIds.map((m) => [m, 0]));
    let allSeen: () => void;
    const done = new Promise<void>((resolve) => (allSeen = resolve));
    for (const matchId of matchIds) {
      const watch = await client.stats.watchMatch(matchId);
      watch.onBoard((board: MatchBoard) => {
        const now = Date.now();
        for (let k = seen.get(matchId)!; k < board.events; k++) latencies.push(now - producedAt.get(matchId)![k]);
        seen.set(matchId, Math.max(seen.get(matchId)!, board.events));
        if (latencies.length === MATCHES * EVENTS_PER_MATCH) allSeen();
      });
    }

    const metrics = async () => [await (await fetch(`${stats.url}/metrics`)).text(), await (await fetch(`${gateway.url}/metrics`)).text()] as const;
    const before = await metrics();
    const kafka = new Kafka({ clientId: 'arena-live', brokers: requireEnv('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const produce = async (matchId: string, k: number) => {
      const data = { matchId, seq: k + 1, at: new Date().toISOString(), playerId: `p${k % 6}`, teamId: k % 6 < 3 ? 'red' : 'blue', stats: { score: 1 + (k % 5), kills: k % 2 } };
      producedAt.get(matchId)![k] = Date.now();
      await producer.send({ topic: 'stats.ingest.v1', acks: -1, messages: [record(tenant, matchId, data, 'tandem.stats.player.stats')] });
    };
    const started = Date.now();
    try {
      await Promise.all(
        matchIds.map(async (matchId, i) => {
          await new Promise((r) => setTimeout(r, (i * EVERY_MS) / MATCHES)); // staggered
          for (let k = 0; k < EVENTS_PER_MATCH; k++) {
            const next = started + (i * EVERY_MS) / MATCHES + k * EVERY_MS;
            await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
            await produce(matchId, k);
          }
        }),
      );
      await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${latencies.length} of ${MATCHES * EVENTS_PER_MATCH} events were seen on a board`)), 30_000))]);
    } finally {
      await producer.disconnect();
    }
    const summary = summarize(latencies);
    console.log(`live board latency over ${summary.count} events (produce → SDK board): ${JSON.stringify(summary)} ms`);
    // Per stage, from the services' own histograms (bucket bounds, so "p99 under"): the stats
    // service's wait (produce → batch handed over), fold and write passes; the gateway's relay
    // (board event time → room emit).
    const after = await metrics();
    const stages = { ...histogramDelta(before[0], after[0], 'tandem_stats_stage_seconds', 'stage'), relay: histogramDelta(before[1], after[1], 'tandem_fanout_latency_seconds', 'type')['stats.board'] };
    console.log(`stages: ${JSON.stringify(stages)}`);
    expect(summary.count).toBe(MATCHES * EVENTS_PER_MATCH);
    expect([...seen.values()]).toEqual(matchIds.map(() => EVENTS_PER_MATCH));
    // A board read over HTTP comes from the store, which trails the live boards by the write pass in
    // progress (boards go out as soon as a batch is folded in memory): it must catch up, not match at once.
    await eventually(async () => {
      for (const matchId of matchIds) expect((await client.stats.board(matchId))?.events).toBe(EVENTS_PER_MATCH);
    }, 15_000, 200);
  });
});
