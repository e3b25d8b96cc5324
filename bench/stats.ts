/**
 * Stats ingestion (issue 9): sustained events/s the stats service ingests from `stats.ingest.v1`
 * (fold, match lines, 2 leaderboards, Redis ranks, board events) with the lag staying flat, against a
 * reference measured in the same run on the same records: a raw kafkajs consumer that only reads and
 * JSON-parses them.
 *   1. prefill EVENTS player-stat events (MATCHES matches, PLAYERS players) with a plain kafkajs producer;
 *   2. raw: a new consumer group reads exactly those records (events/s);
 *   3. drain: the stats service (its own process, group `stats` set to the same start offsets) ingests
 *      them (events/s from its start to its committed offsets reaching the end);
 *   4. sustained: the producer sends at SUSTAIN_SHARE (default 0.6) of the drain rate for
 *      SUSTAIN_SECONDS, the lag (end − committed offsets) is sampled every second; flat = its slope.
 *
 *   node scripts/infra/up.mjs --only kafka,mongo,redis -- node -r ./scripts/register.js bench/stats.ts
 */
import { Admin, Kafka, logLevel } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { startProcess, stopAll } from '../e2e/support/processes';

const EVENTS = Number(process.env.EVENTS ?? 10_000);
const MATCHES = Number(process.env.MATCHES ?? 200);
const PLAYERS = Number(process.env.PLAYERS ?? 400);
const SUSTAIN_SECONDS = Number(process.env.SUSTAIN_SECONDS ?? 30);
const SUSTAIN_SHARE = Number(process.env.SUSTAIN_SHARE ?? 0.6);
const TOPIC = 'stats.ingest.v1';
const tenant = `bench${Date.now().toString(36)}`;
const log = (msg: string) => process.stderr.write(`[bench:stats] ${msg}\n`);
const need = (name: string) => process.env[name] ?? (log(`${name} is not set: run through scripts/infra/up.mjs (see the header)`), process.exit(1));

let seq = 0;
function record(i: number) {
  const matchId = `bm-${i % MATCHES}`;
  const data = { matchId, seq: ++seq, at: new Date(Date.UTC(2026, 4, 1) + (i % MATCHES) * 3600_000).toISOString(), playerId: `bp-${(i * 7919) % PLAYERS}`, teamId: null, stats: { kills: i % 3, score: i % 97 } };
  return { key: `${tenant}/${matchId}`, value: JSON.stringify(data), headers: { ce_id: randomUUID(), ce_type: 'tandem.stats.player.stats', ce_source: '/bench', ce_specversion: '1.0', ce_time: new Date().toISOString(), tenant, 'content-type': 'application/json' } };
}

async function offsets(admin: Admin, groupId?: string): Promise<Map<number, number>> {
  if (!groupId) return new Map((await admin.fetchTopicOffsets(TOPIC)).map((p) => [p.partition, Number(p.high)]));
  const [t] = await admin.fetchOffsets({ groupId, topics: [TOPIC] });
  return new Map(t.partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]));
}
const lagOf = (end: Map<number, number>, committed: Map<number, number>) => [...end].reduce((n, [p, o]) => n + Math.max(0, o - (committed.get(p) ?? 0)), 0);

async function main() {
  const brokers = need('KAFKA_BROKERS').split(',');
  const env = { KAFKA_BROKERS: brokers.join(','), MONGO_URL: need('MONGO_URL'), REDIS_URL: need('REDIS_URL'), JWT_SECRET: randomBytes(32).toString('hex'), INTERNAL_TOKEN: randomBytes(24).toString('hex'), LOG_LEVEL: 'warn' };
  const kafka = new Kafka({ clientId: 'bench-partner', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();

  // Leaderboards defined once (the service fills them as it ingests), then the service stops.
  let stats = await startProcess('stats', 'services/stats/src/main.ts', env);
  for (const [id, def] of [['kills', { stat: 'kills', aggregation: 'sum' }], ['best-weekly', { stat: 'score', aggregation: 'max', period: { reset: 'weekly' } }]] as const) {
    const res = await fetch(`${stats.url}/internal/stats/${tenant}/leaderboards/${id}`, { method: 'PUT', headers: { authorization: `Bearer ${env.INTERNAL_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(def) });
    if (!res.ok) throw new Error(`defining ${id}: ${res.status} ${await res.text()}`);
  }
  await stats.stop();

  const start = await offsets(admin);
  const producer = kafka.producer();
  await producer.connect();
  let t = Date.now();
  for (let i = 0; i < EVENTS; i += 500) await producer.send({ topic: TOPIC, acks: -1, messages: Array.from({ length: Math.min(500, EVENTS - i) }, (_, k) => record(i + k)) });
  const end = await offsets(admin);
  log(`prefilled ${EVENTS} events in ${Date.now() - t} ms`);

  // Reference: a raw kafkajs consumer of exactly these records.
  const raw = kafka.consumer({ groupId: `bench-raw-${randomUUID()}` });
  await raw.connect();
  await raw.subscribe({ topic: TOPIC });
  let read = 0;
  let rawStarted = 0;
  const rawDone = new Promise<number>((resolve) => {
    void raw.run({
      eachBatch: async ({ batch }) => {
        if (!rawStarted) rawStarted = Date.now();
        const limit = end.get(batch.partition) ?? 0;
        for (const m of batch.messages) if (Number(m.offset) >= (start.get(batch.partition) ?? 0) && Number(m.offset) < limit) (JSON.parse(m.value!.toString()), read++);
        if (read >= EVENTS) resolve(Date.now());
      },
    });
  });
  for (const [partition, offset] of start) raw.seek({ topic: TOPIC, partition, offset: String(offset) });
  const rawEnd = await rawDone;
  await raw.disconnect();
  const rawRate = EVENTS / ((rawEnd - rawStarted) / 1000);
  log(`raw kafkajs consume: ${Math.round(rawRate)} events/s`);

  // The stats service drains the same records from the same start offsets.
  await admin.setOffsets({ groupId: 'stats', topic: TOPIC, partitions: [...start].map(([partition, offset]) => ({ partition, offset: String(offset) })) });
  stats = await startProcess('stats', 'services/stats/src/main.ts', env);
  t = Date.now();
  while (lagOf(end, await offsets(admin, 'stats')) > 0) await new Promise((r) => setTimeout(r, 100));
  const drainRate = EVENTS / ((Date.now() - t) / 1000);
  log(`stats service drain: ${Math.round(drainRate)} events/s (${(drainRate / rawRate).toFixed(3)} of raw)`);

  // Sustained: a steady rate below the drain rate; the lag must stay flat.
  const rate = Math.max(10, Math.round(drainRate * SUSTAIN_SHARE));
  const samples: Array<{ s: number; lag: number }> = [];
  const began = Date.now();
  let sent = 0;
  const sampler = setInterval(async () => samples.push({ s: Math.round((Date.now() - began) / 100) / 10, lag: lagOf(await offsets(admin), await offsets(admin, 'stats')) }), 1000);
  while (Date.now() - began < SUSTAIN_SECONDS * 1000) {
    const due = Math.floor(((Date.now() - began) / 1000) * rate) - sent;
    if (due > 0) {
      await producer.send({ topic: TOPIC, acks: -1, messages: Array.from({ length: due }, (_, k) => record(EVENTS + sent + k)) });
      sent += due;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  clearInterval(sampler);
  const tail = samples.slice(Math.floor(samples.length / 3));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const ms = mean(tail.map((x) => x.s));
  const ml = mean(tail.map((x) => x.lag));
  const slope = tail.reduce((n, x) => n + (x.s - ms) * (x.lag - ml), 0) / tail.reduce((n, x) => n + (x.s - ms) ** 2, 0);
  log(`sustained ${rate} events/s for ${SUSTAIN_SECONDS}s: lag max ${Math.max(...samples.map((x) => x.lag))}, slope ${slope.toFixed(2)} events/s`);
  await producer.disconnect();
  await admin.disconnect();
  await stopAll();

  const result = {
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    config: { EVENTS, MATCHES, PLAYERS, SUSTAIN_SECONDS, SUSTAIN_SHARE, leaderboards: 2 },
    rawKafkajsEventsPerSecond: Math.round(rawRate),
    statsDrainEventsPerSecond: Math.round(drainRate),
    ratioStatsToRaw: Number((drainRate / rawRate).toFixed(4)),
    sustained: { eventsPerSecond: rate, sent, lagSlopeEventsPerSecond: Number(slope.toFixed(3)), lagMax: Math.max(...samples.map((x) => x.lag)), lagSamples: samples },
  };
  writeFileSync(join(__dirname, 'results', 'stats.json'), JSON.stringify(result, null, 2) + '\n');
  log('written to bench/results/stats.json');
}

main().then(
  () => process.exit(0),
  async (error) => {
    log(`failed: ${(error as Error).stack ?? error}`);
    await stopAll();
    process.exit(1);
  },
);
