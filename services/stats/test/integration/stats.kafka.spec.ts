import { eventually, uniqueId } from '@tandem/platform/testing';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLAYERS, PartnerEvent, ReferenceBoard, generateMatches, referenceLeaderboard, referenceProfile, shuffle } from './partner-matches';
import { infraEnv, runRebuildCli, startStatsService } from './support';

const BOARDS: Record<string, ReferenceBoard & { period?: unknown; season?: string }> = {
  kills: { stat: 'kills', aggregation: 'sum', direction: 'desc' },
  'best-score': { stat: 'score', aggregation: 'max', direction: 'desc' },
  'fewest-deaths': { stat: 'deaths', aggregation: 'min', direction: 'asc' },
  'latest-kills': { stat: 'kills', aggregation: 'latest', direction: 'desc' },
  'weekly-kills': { stat: 'kills', aggregation: 'sum', direction: 'desc', weekly: true },
  's2-assists': { stat: 'assists', aggregation: 'sum', direction: 'desc', season: 's2' },
};
const definitionOf = (b: ReferenceBoard) => ({ stat: b.stat, aggregation: b.aggregation, direction: b.direction, ...(b.weekly ? { period: { reset: 'weekly' } } : {}), ...(b.season ? { season: b.season } : {}) });

/** A record exactly as a partner builds it with kafkajs: CloudEvents binary mode, headers by hand. */
function partnerRecord(tenant: string, e: PartnerEvent) {
  return {
    key: `${tenant}/${e.matchId}`,
    value: JSON.stringify(e.data),
    headers: { ce_id: e.id, ce_type: e.type, ce_source: '/partners/arena-games/server-7', ce_specversion: '1.0', ce_time: new Date().toISOString(), tenant, 'content-type': 'application/json' },
  };
}

describe('stats service fed by a partner through Kafka (real Kafka, FerretDB, Redis)', () => {
  const tenant = uniqueId('arena');
  const { truth, events, random } = generateMatches(20261201);
  const kafka = new Kafka({ clientId: 'arena-games-server-7', brokers: infraEnv().KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  let sut: Awaited<ReturnType<typeof startStatsService>>;
  let distinct = 0;
  let sent = 0;

  beforeAll(async () => {
    sut = await startStatsService();
    for (const [boardId, b] of Object.entries(BOARDS)) expect((await sut.call(tenant, `leaderboards/${boardId}`, definitionOf(b))).status).toBe(200);

    // Each match's events shuffled, 5% of all events sent twice (the copy anywhere in the match), matches interleaved.
    const perMatch = [...events.values()].map((list) => shuffle([...list], random));
    distinct = perMatch.reduce((n, l) => n + l.length, 0);
    const all = perMatch.flat();
    for (let i = 0; i < Math.round(distinct * 0.05); i++) {
      const copy = all[Math.floor(random.next() * all.length)];
      const list = perMatch.find((l) => l[0].matchId === copy.matchId)!;
      list.splice(Math.floor(random.next() * (list.length + 1)), 0, copy);
    }
    const queues = perMatch.map((l) => [...l]);
    const records: Array<ReturnType<typeof partnerRecord> | { key: string; value: string; headers: Record<string, string> }> = [];
    while (queues.some((q) => q.length > 0)) {
      const open = queues.filter((q) => q.length > 0);
      records.push(partnerRecord(tenant, open[Math.floor(random.next() * open.length)].shift()!));
    }
    // Two records the contract refuses, in the middle of the stream: they must not stop it.
    const bad = (value: string, type: string) => ({ key: `${tenant}/m000`, value, headers: { ce_id: randomUUID(), ce_type: type, ce_source: '/partners/arena-games/server-7', ce_specversion: '1.0', ce_time: new Date().toISOString(), tenant } });
    records.splice(records.length >> 1, 0, bad(JSON.stringify({ matchId: 'm000', seq: 999, at: '2026-04-01T09:00:00.000Z', playerId: 'p00', stats: { kills: 'three' } }), 'tandem.stats.player.stats'), bad('{not json', 'tandem.stats.player.stats'));
    sent = records.length;
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < records.length; i += 250) await producer.send({ topic: 'stats.ingest.v1', acks: -1, messages: records.slice(i, i + 250) });
    await producer.disconnect();
  }, 120_000);
  afterAll(async () => sut?.close(), 30_000);

  it('folds every match, duplicates and shuffled order notwithstanding', async () => {
    expect(sent).toBeGreaterThan(distinct * 1.04);
    await eventually(
      async () => {
        for (const [matchId, list] of events) expect({ matchId, events: (await sut.get(tenant, `matches/${matchId}`)).events }).toEqual({ matchId, events: list.length });
      },
      90_000,
      500,
    );
    const board = await sut.get(tenant, 'matches/m000');
    expect(board.status).toBe(truth[0].cancelled ? 'cancelled' : 'ended');
    expect(board.players.find((p: { playerId: string }) => p.playerId === [...truth[0].lines.keys()][0]).stats).toEqual([...truth[0].lines.values()][0]);
  }, 120_000);

  it('serves the profiles of the reference calculation', async () => {
    let compared = 0;
    for (const playerId of PLAYERS) {
      const expected = referenceProfile(truth, playerId);
      if (expected.matches === 0) {
        expect((await sut.call(tenant, `players/${playerId}/profile`)).status).toBe(404);
        continue;
      }
      expect(await sut.get(tenant, `players/${playerId}/profile?form=5`)).toEqual(expected);
      const history = await sut.get(tenant, `players/${playerId}/matches?offset=2&limit=3`);
      expect(history.matches.map((m: { matchId: string }) => m.matchId)).toEqual(
        truth.filter((m) => !m.cancelled && m.lines.has(playerId)).sort((a, b) => (a.time < b.time ? 1 : -1)).slice(2, 5).map((m) => m.matchId),
      );
      compared++;
    }
    expect(compared).toBeGreaterThan(25);
  });

  it('serves the leaderboards of the reference calculation, every period', async () => {
    for (const [boardId, b] of Object.entries(BOARDS)) {
      const expected = referenceLeaderboard(truth, b);
      const periods = await sut.get(tenant, `leaderboards/${boardId}/periods`);
      expect({ boardId, periods: periods.periods.map((p: { period: string }) => p.period) }).toEqual({ boardId, periods: [...expected.keys()].sort() });
      for (const [period, entries] of expected) {
        const page = await sut.get(tenant, `leaderboards/${boardId}?period=${encodeURIComponent(period)}&limit=200`);
        expect({ boardId, period, entries: page.entries }).toEqual({ boardId, period, entries });
      }
    }
    expect(referenceLeaderboard(truth, BOARDS['weekly-kills']).size).toBeGreaterThan(3);
  });

  it('dead-letters the invalid records with their error and original bytes', async () => {
    const consumer = kafka.consumer({ groupId: uniqueId('dlq-reader-') });
    const found: Array<Record<string, any>> = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'stats.ingest.dlq.v1', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.headers?.tenant?.toString() === tenant) found.push(JSON.parse(message.value!.toString()));
      },
    });
    try {
      await eventually(() => expect(found).toHaveLength(2), 30_000, 200);
    } finally {
      await consumer.disconnect();
    }
    expect(found.map((f) => f.error.code).sort()).toEqual(['INVALID_EVENT', 'INVALID_EVENT']);
    expect(found.map((f) => Buffer.from(f.value, 'base64').toString()).sort()).toEqual(['{"matchId":"m000","seq":999,"at":"2026-04-01T09:00:00.000Z","playerId":"p00","stats":{"kills":"three"}}', '{not json'].sort());
  }, 40_000);

  it('rebuilds byte-identical projections from the topic, side by side and in place (CLI)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-stats-rebuild-'));
    const live = await runRebuildCli(['--export-only', join(dir, 'live.json'), '--database', sut.database, '--tenant', tenant]);
    expect(live.code).toBe(0);
    const side = uniqueId('tandem_stats_rebuilt_');
    const rebuilt = await runRebuildCli(['--yes', '--database', side, '--definitions-from', sut.database, '--export', join(dir, 'side.json'), '--tenant', tenant]);
    expect({ code: rebuilt.code, stderr: rebuilt.stderr }).toMatchObject({ code: 0, stderr: expect.stringMatching(/records \(100\.0%\)/) });
    expect(rebuilt.stderr).toMatch(/copied 6 leaderboard definitions/);
    const liveJson = readFileSync(join(dir, 'live.json'), 'utf8');
    const parsed = JSON.parse(liveJson);
    expect(parsed.matches).toHaveLength(100);
    expect(parsed.ranks.length).toBeGreaterThan(6);
    expect(readFileSync(join(dir, 'side.json'), 'utf8')).toBe(liveJson);

    await sut.close(); // in place: the service is stopped first, as the CLI says
    const inPlace = await runRebuildCli(['--yes', '--database', sut.database, '--export', join(dir, 'in-place.json'), '--tenant', tenant]);
    expect(inPlace.code).toBe(0);
    expect(readFileSync(join(dir, 'in-place.json'), 'utf8')).toBe(liveJson);
    const refused = await runRebuildCli(['--database', sut.database]);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringMatching(/pass --yes/) });
  }, 180_000);
});
