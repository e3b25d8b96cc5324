import { aggregateKey, encodeEvent, TOPICS } from '@tandem/contracts';
import { signToken } from '@tandem/platform';
import { eventually, requireEnv, uniqueId } from '@tandem/platform/testing';
import { TandemClient } from '@tandem/sdk';
import { Kafka, Producer } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { launchBrowser } from './support/browser';
import { startWebStack } from './support/web-stack';
import { RunningProcess, stopAll } from './support/processes';
import { AppUser, imageLoaded, online, shot, textIs, tokenSignIn } from './support/web-app';

/**
 * The web app against the full real-infra stack — docs, presence, files, stats, notifications and
 * chat services and a gateway as separate processes on real Kafka, FerretDB, Redis and MinIO — in
 * Chromium, signed in with pasted tokens (no dev sign-in in production). A partner's stats event
 * produced straight to Kafka updates the open board.
 */
describe('the web app in Chromium on the real-infra stack', () => {
  const jwtSecret = randomBytes(32).toString('hex');
  const tenant = uniqueId('webapp');
  const at = '2026-06-01T18:00:00.000Z';
  let browser: Browser;
  let gateway: RunningProcess;
  let producer: Producer;
  let ann: AppUser;
  let bob: AppUser;

  beforeAll(async () => {
    browser = await launchBrowser();
    gateway = await startWebStack(['docs', 'presence', 'files', 'stats', 'notifications', 'chat'], { jwtSecret, objectStore: true });
    producer = new Kafka({ clientId: 'partner-game-server', brokers: requireEnv('KAFKA_BROKERS').split(','), logLevel: 0 }).producer({ idempotent: true });
    await producer.connect();
    // The stats service must be consuming (its group joined, the topic known) before a partner's
    // event can show on a board: produce a probe match and wait until the service has its board.
    const probeToken = await signToken(jwtSecret, { sub: 'probe', tenant, roles: ['member'] });
    const probe = new TandemClient({ url: gateway.url, getToken: () => probeToken });
    try {
      await eventually(async () => {
        await produce([{ type: 'tandem.stats.match.scheduled', data: { matchId: 'probe', seq: 1, at, title: 'Probe', teams: [] } }]);
        expect(await probe.stats.board('probe')).toMatchObject({ matchId: 'probe' });
      }, 120_000, 1_000);
    } finally {
      probe.close();
    }
  }, 600_000);
  afterAll(async () => {
    await producer?.disconnect();
    await browser?.close();
    await stopAll();
  });

  const token = (sub: string, name: string) => signToken(jwtSecret, { sub, tenant, name, roles: ['member'] });
  /** Produces match events to `stats.ingest.v1` as a partner's game server does: binary-mode CloudEvents keyed by match. */
  async function produce(events: Array<{ type: string; data: Record<string, unknown> }>): Promise<void> {
    await producer.send({
      topic: TOPICS.statsIngest,
      acks: -1,
      messages: events.map(({ type, data }) => {
        const { headers, value } = encodeEvent({ id: randomUUID(), type, source: '/partners/arena', specversion: '1.0', time: new Date().toISOString(), tenant, data } as never);
        return { key: aggregateKey(tenant, String(data.matchId)), headers, value };
      }),
    });
  }

  it('signs two people in with tokens; each sees the other in the document and the shared counter', async () => {
    ann = await tokenSignIn(browser, `${gateway.url}/#/doc/roadmap`, await token('ann', 'Ann Lee'));
    bob = await tokenSignIn(browser, `${gateway.url}/#/doc/roadmap`, await token('bob', 'Bob Ray'));
    await ann.page.locator('.roster-member[data-user="bob"]').waitFor({ timeout: 30_000 });
    await bob.page.locator('.roster-member[data-user="ann"]').waitFor({ timeout: 30_000 });
    await bob.page.locator('.person[data-user="ann"][data-status="online"]').waitFor({ timeout: 30_000 });
    await ann.page.locator('#increment:not([disabled])').click();
    await textIs(bob.page, '#value', '1');
  });

  it('shows Bob the preview of a picture Ann uploads to MinIO', async () => {
    const png = await sharp({ create: { width: 800, height: 500, channels: 3, background: '#12a594' } }).png().toBuffer();
    await ann.page.getByLabel('Upload files').setInputFiles({ name: 'floorplan.png', mimeType: 'image/png', buffer: png });
    const preview = await imageLoaded(bob.page, '.file-tile[data-file="floorplan.png"][data-status="ready"] img', 60_000);
    expect(preview.width).toBe(256);
    await shot(bob.page, 'infra-document');
  });

  it('delivers the notification of a share to Bob, with the unread badge', async () => {
    await ann.page.getByRole('button', { name: 'Share' }).click();
    await ann.page.getByLabel('Person to share with').fill('bob');
    await ann.page.getByLabel('Role').selectOption('viewer');
    await ann.page.locator('.share-form').getByRole('button', { name: 'Share' }).click();
    await ann.page.getByText('bob can now view').waitFor();
    await ann.page.keyboard.press('Escape');
    await textIs(bob.page, '[data-testid="unread-count"]', '1', 60_000);
    await bob.page.getByRole('button', { name: 'Notifications, 1 unread' }).click();
    expect(await bob.page.locator('#inbox .notification[data-unread]').textContent()).toMatch(/roadmap/i);
    await shot(bob.page, 'infra-notifications');
    await bob.page.keyboard.press('Escape');
  });

  it('updates the open match board when a partner produces a stats event to Kafka', async () => {
    await bob.page.goto(`${gateway.url}/#/match/arena-1`);
    await bob.page.getByText('Nothing has happened in this match yet').waitFor();
    await produce([
      { type: 'tandem.stats.match.scheduled', data: { matchId: 'arena-1', seq: 1, at, title: 'Arena Night', teams: [{ teamId: 'gold', name: 'Gold', players: ['ann'] }, { teamId: 'jade', name: 'Jade', players: ['bob'] }] } },
      { type: 'tandem.stats.match.started', data: { matchId: 'arena-1', seq: 2, at } },
    ]);
    await bob.page.locator('#match-status[data-status="started"]').waitFor({ timeout: 60_000 });
    await produce([{ type: 'tandem.stats.player.stats', data: { matchId: 'arena-1', seq: 3, at, playerId: 'bob', teamId: 'jade', stats: { goals: 2 } } }]);
    await textIs(bob.page, 'tr[data-player="bob"] td[data-stat="goals"]', '2', 60_000);
    await textIs(bob.page, '.team[data-team="jade"] .team-score', '2');
    await shot(bob.page, 'infra-match-board');
  });

  it('shows Ann offline with her network down, and both converge when she is back', async () => {
    await bob.page.goto(`${gateway.url}/#/doc/roadmap`);
    await online(bob.page);
    await ann.context.setOffline(true);
    await ann.page.locator('#connection[data-state="offline"]').waitFor({ timeout: 30_000 });
    await ann.page.locator('#increment').click();
    await ann.page.locator('#offline-banner', { hasText: '1 change will be sent' }).waitFor();
    await ann.context.setOffline(false);
    await online(ann.page);
    await Promise.all([textIs(ann.page, '#value', '2', 60_000), textIs(bob.page, '#value', '2', 60_000)]);
  });

  it('lets both type in one rich-text document through Kafka and the docs service; each sees the other’s text and cursor', async () => {
    const editor = (u: AppUser) => u.page.getByLabel('Document text');
    // The editor's text without the names on other people's carets.
    const shows = (u: AppUser, v: string) =>
      u.page.waitForFunction(
        (t) => {
          const copy = document.querySelector('.editor')?.cloneNode(true) as HTMLElement | undefined;
          copy?.querySelectorAll('.remote-cursor').forEach((c) => c.remove());
          return copy?.textContent === t;
        },
        v,
        { timeout: 60_000 },
      );
    await ann.page.goto(`${gateway.url}/#/text/plan`);
    await bob.page.goto(`${gateway.url}/#/text/plan`);
    await Promise.all([ann.page.locator('#doc-status[data-status="synced"]').waitFor({ timeout: 60_000 }), bob.page.locator('#doc-status[data-status="synced"]').waitFor({ timeout: 60_000 })]);
    await editor(ann).click();
    await ann.page.keyboard.type('Q3 plan');
    await shows(bob, 'Q3 plan');
    await editor(bob).click();
    await bob.page.keyboard.press('End');
    await bob.page.keyboard.type(': ship it');
    await Promise.all([shows(ann, 'Q3 plan: ship it'), shows(bob, 'Q3 plan: ship it')]);
    await ann.page.locator('.remote-cursor[data-user="bob"] .caret-name', { hasText: 'Bob Ray' }).waitFor({ timeout: 30_000 });
    await ann.page.locator('#doc-status', { hasText: /^Saved$/ }).waitFor({ timeout: 60_000 }); // durable in the docs service's store
  });
  it('restores a version of the rich-text document for both, through the docs service and its store', async () => {
    const text = (u: AppUser) =>
      u.page.evaluate(() => {
        const copy = document.querySelector('.editor')?.cloneNode(true) as HTMLElement | undefined;
        copy?.querySelectorAll('.remote-cursor').forEach((c) => c.remove());
        return copy?.textContent ?? null;
      });
    const shows = (u: AppUser, v: string) => eventually(async () => expect(await text(u)).toBe(v), 60_000, 100);
    await ann.page.getByRole('button', { name: 'History' }).click();
    await ann.page.locator('.versions > li[data-type="created"] .version').click();
    await ann.page.getByRole('button', { name: 'Restore this version' }).click();
    await ann.page.locator('#history-message', { hasText: 'Restored' }).waitFor({ timeout: 60_000 });
    await Promise.all([shows(ann, ''), shows(bob, '')]);
    const versions = ann.page.locator('.versions > li');
    await ann.page.locator('.versions > li[data-type="restore"]').first().waitFor({ timeout: 60_000 });
    // The version just before the restore brings the text back for both.
    await versions.nth(1).locator('.version').click();
    await ann.page.getByRole('button', { name: 'Restore this version' }).click();
    await Promise.all([shows(ann, 'Q3 plan: ship it'), shows(bob, 'Q3 plan: ship it')]);
    await shot(ann.page, 'infra-history');
  });

  it('keeps a chat thread reply, a reaction and the unread badge right through the chat service on Kafka and FerretDB', async () => {
    const message = (u: AppUser, t: string) => u.page.locator('.messages .message', { hasText: t });
    await ann.page.getByRole('button', { name: 'New channel' }).click();
    await ann.page.getByLabel('Channel name').fill('ops');
    await ann.page.getByLabel('Channel name').press('Enter');
    await ann.page.getByLabel('Message #ops').fill('Deploy at noon');
    await ann.page.getByLabel('Message #ops').press('Enter');
    await message(ann, 'Deploy at noon').waitFor({ timeout: 60_000 });

    await bob.page.goto(`${gateway.url}/#/chat/ops`);
    await message(bob, 'Deploy at noon').waitFor({ timeout: 60_000 });
    await bob.page.getByRole('button', { name: 'Join #ops' }).click();
    await bob.page.getByLabel('Message #ops').waitFor({ timeout: 60_000 });
    await message(bob, 'Deploy at noon').getByRole('link', { name: 'Reply in thread' }).click();
    await bob.page.getByLabel('Reply in thread').fill('Ready here');
    await bob.page.getByLabel('Reply in thread').press('Enter');
    await bob.page.locator('.thread-panel .message', { hasText: 'Ready here' }).waitFor({ timeout: 60_000 });
    await message(bob, 'Deploy at noon').first().getByRole('button', { name: 'React 👍' }).click();
    await message(ann, 'Deploy at noon').getByRole('link', { name: '1 reply' }).waitFor({ timeout: 60_000 });
    await message(ann, 'Deploy at noon').getByRole('button', { name: '👍 1' }).waitFor({ timeout: 60_000 });

    // Bob elsewhere: Ann's next message shows as one unread on #ops, cleared when he reads it.
    await bob.page.goto(`${gateway.url}/#/stats`);
    await ann.page.getByLabel('Message #ops').fill('Moved to 12:30');
    await ann.page.getByLabel('Message #ops').press('Enter');
    await textIs(bob.page, '[data-unread-channel="ops"]', '1', 60_000);
    await bob.page.getByRole('link', { name: /ops/ }).click();
    await message(bob, 'Moved to 12:30').waitFor({ timeout: 60_000 });
    await bob.page.locator('[data-unread-channel="ops"]').waitFor({ state: 'detached', timeout: 60_000 });
    await shot(bob.page, 'infra-chat');
  });
});
