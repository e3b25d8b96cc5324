import type { INestApplication } from '@nestjs/common';
import type { MatchBoard } from '@tandem/contracts';
import { loadConfig } from '@tandem/platform';
import { eventually } from '@tandem/platform/testing';
import { RankChanged, TandemClient } from '@tandem/sdk';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStandalone } from './standalone';

/** Game statistics in the embedded mode: HTTP ingestion, a live board over the socket, reads through the SDK. */
describe('standalone game statistics', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-standalone-stats-'));
  let app: INestApplication;
  let url: string;
  const clients: TandemClient[] = [];

  beforeAll(async () => {
    app = await startStandalone(loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }));
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const client = async (name: string) => {
    const res = await fetch(`${url}/auth/dev-sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
    const { token } = (await res.json()) as { token: string };
    const c = new TandemClient({ url, getToken: () => token });
    clients.push(c);
    await c.ready();
    return c;
  };
  const at = '2026-05-01T10:00:00.000Z';

  it('ingests over HTTP, pushes the board to a watcher and serves leaderboards and profiles', async () => {
    const [admin, fan] = await Promise.all([client('Admin'), client('Fan')]);
    await admin.stats.defineLeaderboard('kills', { stat: 'kills', aggregation: 'sum' });
    const watch = await fan.stats.watchMatch('m1');
    expect(watch.board).toBeNull();
    const boards: MatchBoard[] = [];
    watch.onBoard((b) => boards.push(b));
    await admin.stats.ingest([
      { type: 'tandem.stats.match.scheduled', data: { matchId: 'm1', seq: 1, at, title: 'Opener', teams: [{ teamId: 'red', name: 'Red', players: ['ann'] }, { teamId: 'blue', name: 'Blue', players: ['bob'] }] } },
      { type: 'tandem.stats.player.stats', data: { matchId: 'm1', seq: 3, at, playerId: 'bob', stats: { kills: 2 } } },
      { type: 'tandem.stats.player.stats', data: { matchId: 'm1', seq: 2, at, playerId: 'ann', stats: { kills: 3, score: 7 } } },
    ]);
    await eventually(() => expect(watch.board?.events).toBe(3), 5_000);
    expect(watch.board?.teams.map((t) => [t.teamId, t.stats.kills])).toEqual([['red', 3], ['blue', 2]]);
    expect(boards.length).toBeGreaterThan(0);

    expect((await fan.stats.leaderboard('kills')).entries).toEqual([{ rank: 1, playerId: 'ann', score: 3 }, { rank: 2, playerId: 'bob', score: 2 }]);
    expect(await fan.stats.rank('kills', 'bob')).toMatchObject({ rank: 2, score: 2, total: 2 });
    expect(await fan.stats.profile('ann')).toMatchObject({ matches: 1, totals: { kills: 3, score: 7 } });
    expect((await fan.stats.matches('ann')).matches[0]).toMatchObject({ matchId: 'm1', match: { title: 'Opener' } });
    expect(await fan.stats.board('nope')).toBeNull();
  });

  it('pushes the rank changes of a watched leaderboard, and none after the watch is closed', async () => {
    const [admin, fan] = await Promise.all([client('Admin'), client('Fan')]);
    await admin.stats.defineLeaderboard('goals', { stat: 'goals', aggregation: 'sum' });
    const watch = await fan.stats.watchLeaderboard('goals');
    const changes: RankChanged[] = [];
    watch.onRank((c) => changes.push(c));
    const teams = [{ teamId: 'red', name: 'Red', players: ['cat'] }, { teamId: 'blue', name: 'Blue', players: ['dan'] }];
    await admin.stats.ingest([
      { type: 'tandem.stats.match.scheduled', data: { matchId: 'g1', seq: 1, at, title: 'Derby', teams } },
      { type: 'tandem.stats.player.stats', data: { matchId: 'g1', seq: 2, at, playerId: 'cat', stats: { goals: 2 } } },
      { type: 'tandem.stats.player.stats', data: { matchId: 'g1', seq: 3, at, playerId: 'dan', stats: { goals: 1 } } },
    ]);
    await eventually(() => expect(changes.filter((c) => c.playerId === 'dan').at(-1)).toMatchObject({ boardId: 'goals', rank: 2, score: 1 }), 5_000);
    expect(changes.filter((c) => c.playerId === 'cat').at(-1)).toMatchObject({ rank: 1, score: 2 });

    // Dan overtakes Cat: the watcher hears Dan's move (a change is announced for the player whose score moved), and the page read then agrees.
    await admin.stats.ingest([{ type: 'tandem.stats.player.stats', data: { matchId: 'g1', seq: 4, at, playerId: 'dan', stats: { goals: 2 } } }]);
    await eventually(() => expect(changes.filter((c) => c.playerId === 'dan').at(-1)).toMatchObject({ rank: 1, previousRank: 2, score: 3 }), 5_000);
    expect((await fan.stats.leaderboard('goals')).entries).toEqual([{ rank: 1, playerId: 'dan', score: 3 }, { rank: 2, playerId: 'cat', score: 2 }]);

    watch.close();
    const seen = changes.length;
    await admin.stats.ingest([{ type: 'tandem.stats.player.stats', data: { matchId: 'g1', seq: 5, at, playerId: 'cat', stats: { goals: 5 } } }]);
    await eventually(async () => expect((await fan.stats.leaderboard('goals')).entries[0]).toMatchObject({ playerId: 'cat', score: 7 }), 5_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(changes.length).toBe(seen);
  });

  it('refuses an invalid event over HTTP, naming the field, and accepts nothing of that request', async () => {
    const admin = await client('Admin2');
    await expect(admin.stats.ingest([{ type: 'tandem.stats.player.stats', data: { matchId: 'm2', seq: 1, at, playerId: 'ann', stats: { kills: 'x' } } }])).rejects.toThrow(/stats\.kills/);
    expect(await admin.stats.board('m2')).toBeNull();
  });
});
