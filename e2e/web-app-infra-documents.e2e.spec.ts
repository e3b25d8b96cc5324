import { signToken } from '@tandem/platform';
import { uniqueId } from '@tandem/platform/testing';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { startWebStack } from './support/web-stack';
import { boardColumns, clickThenCaretToStart, editorTextIs, synced } from './support/documents-ui';
import { RunningProcess, stopAll } from './support/processes';
import { AppUser, online, shot, tokenSignIn } from './support/web-app';

/**
 * Documents in the web app on the real-infra stack — the docs, presence and notifications services
 * and a gateway as separate processes on real Kafka, FerretDB and Redis (MinIO for large
 * snapshots) — in Chromium: a rich-text document edited by a browser that lost its network, and a
 * kanban card moved by one person and seen moved by the other.
 */
describe('documents and boards in the web app on the real-infra stack', () => {
  const jwtSecret = randomBytes(32).toString('hex');
  const tenant = uniqueId('webdocs');
  let browser: Browser;
  let gateway: RunningProcess;
  let ann: AppUser;
  let bob: AppUser;

  beforeAll(async () => {
    browser = await launchBrowser();
    gateway = await startWebStack(['docs', 'presence', 'notifications'], { jwtSecret, objectStore: true });
    ann = await tokenSignIn(browser, gateway.url, await token('ann', 'Ann Lee'));
    bob = await tokenSignIn(browser, gateway.url, await token('bob', 'Bob Ray'));
  }, 600_000);
  const token = (sub: string, name: string) => signToken(jwtSecret, { sub, tenant, name, roles: ['member'] });
  afterAll(async () => {
    await browser?.close();
    await stopAll();
  });

  const editor = (page: Page) => page.getByRole('textbox', { name: 'Document text' });
  const open = async (page: Page, route: string) => {
    await page.goto(`${gateway.url}/#/${route}`);
    await synced(page, 60_000);
  };
  const columnsAre = async (page: Page, expected: Record<string, string[]>, timeout = 60_000) => {
    const deadline = Date.now() + timeout;
    let last: Record<string, string[]> = {};
    while (Date.now() < deadline) {
      last = await boardColumns(page);
      if (JSON.stringify(last) === JSON.stringify(expected)) return;
      await page.waitForTimeout(100);
    }
    throw new Error(`expected the board ${JSON.stringify(expected)}, the page shows ${JSON.stringify(last)}`);
  };

  it('merges what a browser without network wrote in a rich-text document with the other person’s text when it is back', async () => {
    await open(ann.page, 'text/brief');
    await editor(ann.page).click();
    await ann.page.keyboard.type('Release brief');
    await open(bob.page, 'text/brief');
    await editorTextIs(bob.page, 'Release brief', 60_000);

    await bob.context.setOffline(true);
    await bob.page.locator('#doc-status[data-status="offline"]').waitFor({ timeout: 30_000 });
    await editor(bob.page).click();
    await bob.page.keyboard.press('End');
    await bob.page.keyboard.type(' for v2');
    await bob.page.locator('#doc-status', { hasText: /to send/ }).waitFor();
    await clickThenCaretToStart(editor(ann.page));
    await ann.page.keyboard.type('Draft: ');
    await editorTextIs(ann.page, 'Draft: Release brief');
    await ann.page.locator('#doc-status', { hasText: /^Saved$/ }).waitFor({ timeout: 60_000 }); // in FerretDB through Kafka
    await editorTextIs(bob.page, 'Release brief for v2'); // Ann's text has not reached him

    await bob.context.setOffline(false);
    await online(bob.page, 60_000);
    await Promise.all([editorTextIs(ann.page, 'Draft: Release brief for v2', 60_000), editorTextIs(bob.page, 'Draft: Release brief for v2', 60_000)]);
    await bob.page.locator('#doc-status', { hasText: /^Saved$/ }).waitFor({ timeout: 60_000 }); // nothing left to send
    await shot(bob.page, 'infra-offline-text');
  });

  it('shows a kanban card moved by one person in its new column for the other', async () => {
    await open(ann.page, 'kanban/launch');
    await ann.page.getByRole('button', { name: 'Start with To do, Doing, Done' }).click();
    for (const title of ['Draft notes', 'Tag release']) {
      await ann.page.getByLabel('New card in To do').fill(title);
      await ann.page.getByLabel('New card in To do').press('Enter');
    }
    await open(bob.page, 'kanban/launch');
    await columnsAre(bob.page, { 'To do': ['Draft notes', 'Tag release'], Doing: [], Done: [] });

    await ann.page.locator('.kcard[data-card="Draft notes"]').dragTo(ann.page.locator('.kcolumn[data-column="Doing"] .kcards'));
    await columnsAre(ann.page, { 'To do': ['Tag release'], Doing: ['Draft notes'], Done: [] });
    await columnsAre(bob.page, { 'To do': ['Tag release'], Doing: ['Draft notes'], Done: [] });
    // And back the other way, by keyboard: Bob moves the other card right twice.
    for (let i = 0; i < 2; i++) await bob.page.getByRole('button', { name: 'Move Tag release right' }).click();
    await columnsAre(ann.page, { 'To do': [], Doing: ['Draft notes'], Done: ['Tag release'] });
    await ann.page.locator('#doc-status', { hasText: /^Saved$/ }).waitFor({ timeout: 60_000 });

    // What the docs service stored is what a new device (nothing kept locally) loads.
    const device = await tokenSignIn(browser, `${gateway.url}/#/kanban/launch`, await token('bob', 'Bob Ray'));
    await synced(device.page, 60_000);
    await columnsAre(device.page, { 'To do': [], Doing: ['Draft notes'], Done: ['Tag release'] });
    await shot(device.page, 'infra-kanban');
    await device.context.close();
  });
});
