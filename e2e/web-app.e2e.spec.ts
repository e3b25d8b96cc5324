import { eventually } from '@tandem/platform/testing';
import { devSignIn as sdkSignIn, TandemClient } from '@tandem/sdk';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { launchBrowser } from './support/browser';
import { RunningProcess, startProcess, stopAll } from './support/processes';
import { AppUser, devSignIn, EMBEDDED, imageLoaded, online, PHONE, shot, textIs } from './support/web-app';

/**
 * The web app of `npm start` (embedded mode) in Chromium, with two and three isolated browser
 * contexts as different people: presence, a shared document, files with previews, sharing and the
 * notification it sends, live stats, offline and back. Leaves a screenshot of each main screen.
 */
describe('the web app in Chromium (npm start)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-web-'));
  let browser: Browser;
  let server: RunningProcess;
  // The app as people open it: on localhost, the origin the embedded object store signs upload URLs for.
  let app: string;
  let game: TandemClient;
  let ann: AppUser;
  let bob: AppUser;
  const at = '2026-05-01T10:00:00.000Z';

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startProcess('standalone', 'apps/standalone/src/main.ts', { ...EMBEDDED, DATA_DIR: dataDir })]);
    // A game server feeding stats: the SDK in Node, as a partner's backend would use it.
    const session = await sdkSignIn(server.url, 'Game Server');
    app = server.url.replace('127.0.0.1', 'localhost');
    game = new TandemClient({ url: server.url, getToken: () => session.token });
    await game.ready();
  }, 120_000);
  afterAll(async () => {
    game?.close();
    await browser?.close();
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs two people in; each sees the other in the document, and the counter is shared', async () => {
    const first = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await first.goto(app);
    await first.getByLabel('Your name').waitFor();
    await shot(first, 'sign-in');
    await first.context().close();

    ann = await devSignIn(browser, `${app}/#/doc/launch`, 'Ann');
    bob = await devSignIn(browser, `${app}/#/doc/launch`, 'Bob');
    // Presence: each sees the other's avatar in the document's roster, and in the sidebar's people.
    await ann.page.locator('.roster-member[data-user="bob"]').waitFor();
    await bob.page.locator('.roster-member[data-user="ann"]').waitFor();
    await ann.page.locator('.person[data-user="bob"][data-status="online"]').waitFor();
    await ann.page.locator('#increment:not([disabled])').click();
    await ann.page.locator('#increment').click();
    await textIs(bob.page, '#value', '2');
    await textIs(ann.page, '#pending', 'All your clicks are saved');
  });

  it('shows a picture Ann uploads, with its preview, to Bob', async () => {
    const png = await sharp({ create: { width: 960, height: 640, channels: 3, background: '#5b8def' } })
      .composite([{ input: Buffer.from('<svg width="960" height="640"><circle cx="480" cy="320" r="200" fill="#ffd166"/></svg>'), top: 0, left: 0 }])
      .png()
      .toBuffer();
    await ann.page.getByLabel('Upload files').setInputFiles({ name: 'mockup.png', mimeType: 'image/png', buffer: png });
    const preview = await imageLoaded(bob.page, '.file-tile[data-file="mockup.png"][data-status="ready"] img');
    expect(preview.width).toBe(256); // the small preview, not the original
    await imageLoaded(ann.page, '.file-tile[data-file="mockup.png"] img');
    await shot(bob.page, 'document');
  });

  it('notifies Bob when Ann shares the document, with the unread badge, and clears it when read', async () => {
    await ann.page.getByRole('button', { name: 'Share' }).click();
    await ann.page.getByLabel('Person to share with').fill('bob');
    await ann.page.getByLabel('Role').selectOption('editor');
    await ann.page.locator('.share-form').getByRole('button', { name: 'Share' }).click();
    await ann.page.getByText('bob can now edit').waitFor();
    await ann.page.locator('.acl-list li', { hasText: 'bob' }).waitFor();
    await shot(ann.page, 'share-dialog');
    await ann.page.keyboard.press('Escape');

    await textIs(bob.page, '[data-testid="unread-count"]', '1');
    await bob.page.locator('.toast').first().waitFor();
    await bob.page.getByRole('button', { name: 'Notifications, 1 unread' }).click();
    const item = bob.page.locator('#inbox .notification[data-unread]');
    await item.waitFor();
    expect(await item.textContent()).toMatch(/launch/i);
    await shot(bob.page, 'notifications');
    await item.click();
    await bob.page.locator('[data-testid="unread-count"]').waitFor({ state: 'detached' });
  });

  it('updates the open match board as events arrive, and pages leaderboards with "around me", live', async () => {
    await game.stats.defineLeaderboard('kills', { stat: 'kills', aggregation: 'sum' });
    const players = Array.from({ length: 24 }, (_, i) => `p${String(i + 1).padStart(2, '0')}`);
    await game.stats.ingest([
      { type: 'tandem.stats.match.scheduled', data: { matchId: 'final', seq: 1, at, title: 'Grand Final', teams: [{ teamId: 'red', name: 'Red Foxes', players: ['bob', ...players.slice(0, 12)] }, { teamId: 'blue', name: 'Blue Owls', players: players.slice(12) }] } },
      { type: 'tandem.stats.match.started', data: { matchId: 'final', seq: 2, at } },
      ...players.map((playerId, i) => ({ type: 'tandem.stats.player.stats', data: { matchId: 'final', seq: 3 + i, at, playerId, teamId: i < 12 ? 'red' : 'blue', stats: { kills: 30 - i, assists: i % 5 } } })),
    ]);
    await bob.page.goto(`${app}/#/match/final`);
    await bob.page.locator('#match-status[data-status="started"]').waitFor();
    await textIs(bob.page, 'tr[data-player="p01"] td[data-stat="kills"]', '30');
    // A new event while the board is open: Bob's line appears, the team's score moves, no reload.
    await game.stats.ingest([{ type: 'tandem.stats.player.stats', data: { matchId: 'final', seq: 40, at, playerId: 'bob', teamId: 'red', stats: { kills: 13, assists: 4 } } }]);
    await textIs(bob.page, 'tr[data-player="bob"] td[data-stat="kills"]', '13');
    await shot(bob.page, 'match-board');

    await eventually(async () => expect((await game.stats.leaderboard('kills')).total).toBe(25), 30_000);
    await bob.page.goto(`${app}/#/board/kills`);
    await textIs(bob.page, '#page-info', '1–10 of 25');
    expect(await bob.page.locator('tr[data-player]').first().getAttribute('data-player')).toBe('p01');
    await bob.page.getByRole('button', { name: 'Next page' }).click();
    await textIs(bob.page, '#page-info', '11–20 of 25');
    await bob.page.getByRole('button', { name: 'Around me' }).click();
    await bob.page.locator('tr[data-me][data-player="bob"]').waitFor();
    // The open leaderboard is live: a newcomer's 40 kills push Bob down one place without a reload.
    await textIs(bob.page, 'tr[data-me][data-player="bob"] td.rank', '18'); // 17 players have more; p18's 13 ties and sorts after "bob"
    await game.stats.ingest([{ type: 'tandem.stats.player.stats', data: { matchId: 'final', seq: 41, at, playerId: 'zed', teamId: 'blue', stats: { kills: 40 } } }]);
    await textIs(bob.page, 'tr[data-me][data-player="bob"] td.rank', '19');
    await shot(bob.page, 'leaderboard');
  });

  it('shows a player profile with past performances and a chart', async () => {
    for (const [n, kills] of [[2, 9], [3, 17]] as const) {
      await game.stats.ingest([
        { type: 'tandem.stats.match.scheduled', data: { matchId: `league-${n}`, seq: 1, at: `2026-05-0${n}T10:00:00.000Z`, title: `League round ${n}`, teams: [{ teamId: 'red', name: 'Red Foxes', players: ['bob'] }, { teamId: 'blue', name: 'Blue Owls', players: ['p20'] }] } },
        { type: 'tandem.stats.match.started', data: { matchId: `league-${n}`, seq: 2, at: `2026-05-0${n}T10:00:00.000Z` } },
        { type: 'tandem.stats.player.stats', data: { matchId: `league-${n}`, seq: 3, at: `2026-05-0${n}T10:05:00.000Z`, playerId: 'bob', teamId: 'red', stats: { kills, assists: 2 } } },
        { type: 'tandem.stats.match.result', data: { matchId: `league-${n}`, seq: 4, at: `2026-05-0${n}T10:30:00.000Z`, teams: [{ teamId: 'red', placement: n === 2 ? 2 : 1 }, { teamId: 'blue', placement: n === 2 ? 1 : 2 }] } },
      ]);
    }
    // Profiles are read when the page opens (they are not pushed): open it once the service has the three matches.
    await eventually(async () => expect((await game.stats.matches('bob')).total).toBe(3), 30_000);
    await bob.page.goto(`${app}/#/player/bob`);
    await bob.page.waitForFunction(() => document.querySelectorAll('tr[data-match]').length === 3, undefined, { timeout: 30_000 });
    await bob.page.locator('.chart circle.point').nth(2).waitFor();
    expect(await bob.page.locator('.chart circle.point').count()).toBe(3);
    expect(await bob.page.locator('.chart').getAttribute('aria-label')).toBe('assists per match: 4, 2, 2');
    await bob.page.getByLabel('Stat to chart').selectOption('kills');
    // Oldest first: the final (13 kills, 1 May), round 2 (9), round 3 (17).
    expect(await bob.page.locator('.chart').getAttribute('aria-label')).toBe('kills per match: 13, 9, 17');
    await shot(bob.page, 'player-profile');
  });

  it('shows Bob offline when his network drops, keeps his clicks, and converges when he is back', async () => {
    await ann.page.goto(`${app}/#/doc/launch`);
    await bob.page.goto(`${app}/#/doc/launch`);
    await Promise.all([textIs(ann.page, '#value', '2'), textIs(bob.page, '#value', '2')]);
    await bob.context.setOffline(true);
    await bob.page.locator('#connection[data-state="offline"]').waitFor({ timeout: 30_000 });
    await bob.page.locator('#increment').click();
    await bob.page.locator('#increment').click();
    await bob.page.locator('#offline-banner', { hasText: '2 changes will be sent' }).waitFor();
    await ann.page.locator('#increment').click();
    await shot(bob.page, 'offline');
    await textIs(ann.page, '#value', '3');

    await bob.context.setOffline(false);
    await online(bob.page);
    await Promise.all([textIs(ann.page, '#value', '5'), textIs(bob.page, '#value', '5')]);
  });

  it('works at phone width: the sidebar is a drawer opened from the menu button', async () => {
    const carol = await devSignIn(browser, `${app}/#/doc/launch`, 'Carol', PHONE);
    await textIs(carol.page, '#value', '5');
    await imageLoaded(carol.page, '.file-tile[data-file="mockup.png"] img');
    expect(await carol.page.locator('.sidebar').isVisible()).toBe(true); // in the DOM, but off-screen
    expect((await carol.page.locator('.sidebar').boundingBox())!.x).toBeLessThan(0);
    await shot(carol.page, 'phone-document');
    await carol.page.getByRole('button', { name: 'Open the sidebar' }).click();
    await carol.page.waitForFunction(() => document.querySelector('.sidebar')!.getBoundingClientRect().x >= 0);
    await shot(carol.page, 'phone-sidebar');
    await carol.page.getByRole('link', { name: 'Leaderboards' }).click();
    await carol.page.getByRole('link', { name: /kills/ }).waitFor();
    await carol.page.waitForFunction(() => document.querySelector('.sidebar')!.getBoundingClientRect().right <= 0);
  });

  it('can be used with the keyboard alone', async () => {
    const { page } = await devSignIn(browser, `${app}/#/doc/launch`, 'Dan');
    await page.locator('#increment:not([disabled])').waitFor();
    await page.locator('#increment').focus();
    await page.keyboard.press('Enter');
    await textIs(page, '#value', '6');
    await page.getByRole('button', { name: 'Notifications' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#inbox').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('#inbox').waitFor({ state: 'detached' });
  });

  it('serves the SDK as one ES module that a plain <script type="module"> uses', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${app}/healthz`);
    await page.addScriptTag({
      type: 'module',
      content: `
        import { TandemClient, devSignIn } from '/sdk/tandem.js';
        const session = await devSignIn(location.origin, 'Eve');
        const client = new TandemClient({ url: location.origin, getToken: () => session.token });
        const counter = await client.counter('launch');
        counter.onChange((c) => { if (!c.pending) window.sdkResult = { user: session.userId, value: c.value }; });
        await counter.increment();
      `,
    });
    const result = await (await page.waitForFunction(() => (window as unknown as { sdkResult?: unknown }).sdkResult, undefined, { timeout: 30_000 })).jsonValue();
    expect(result).toEqual({ user: 'eve', value: 7 });
    await textIs(ann.page, '#value', '7'); // the same document the app's users see
  });
});
