import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { RunningProcess, startProcess, stopAll } from './support/processes';
import { AppUser, devSignIn, EMBEDDED, shot } from './support/web-app';

/**
 * Boards in the web app of `npm start`, two people in isolated browser contexts: a kanban card
 * moved by drag and drop, and whiteboard drawing with live cursors. (The rich-text editor, offline
 * edits and version history: web-app-documents-editor.e2e.spec.ts.)
 */
describe('kanban boards and whiteboards in the web app (npm start)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-web-docs-'));
  let browser: Browser;
  let server: RunningProcess;
  let app: string;
  let ann: AppUser;
  let bob: AppUser;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startProcess('standalone', 'apps/standalone/src/main.ts', { ...EMBEDDED, DATA_DIR: dataDir })]);
    app = server.url.replace('127.0.0.1', 'localhost');
    ann = await devSignIn(browser, app, 'Ann');
    bob = await devSignIn(browser, app, 'Bob');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const synced = (page: Page) => page.locator('#doc-status[data-status="synced"]').waitFor({ timeout: 30_000 });

  it('shows a kanban card moved by drag and drop to the other person', async () => {
    await ann.page.goto(`${app}/#/kanban/sprint`);
    await bob.page.goto(`${app}/#/kanban/sprint`);
    await ann.page.getByRole('button', { name: 'Start with To do, Doing, Done' }).click();
    await ann.page.getByLabel('New card in To do').fill('Write the spec');
    await ann.page.getByLabel('New card in To do').press('Enter');
    await ann.page.getByLabel('New card in To do').fill('Review designs');
    await ann.page.getByLabel('New card in To do').press('Enter');
    await bob.page.locator('.kcolumn[data-column="To do"] .kcard[data-card="Review designs"]').waitFor({ timeout: 30_000 });
    await ann.page.locator('.kcard[data-card="Write the spec"]').dragTo(ann.page.locator('.kcolumn[data-column="Doing"] .kcards'));
    await bob.page.locator('.kcolumn[data-column="Doing"] .kcard[data-card="Write the spec"]').waitFor({ timeout: 30_000 });
    // By keyboard: Bob moves the other card right with its button.
    await bob.page.getByRole('button', { name: 'Move Review designs right' }).focus();
    await bob.page.keyboard.press('Enter');
    await ann.page.locator('.kcolumn[data-column="Doing"] .kcard[data-card="Review designs"]').waitFor({ timeout: 30_000 });
    expect(await ann.page.locator('.kcolumn[data-column="To do"] .kcard').count()).toBe(0);
    await shot(bob.page, 'kanban');
  });

  it('shows a whiteboard stroke and shape to the other person with live cursors, and a deletion back', async () => {
    await ann.page.goto(`${app}/#/canvas/sketch`);
    await bob.page.goto(`${app}/#/canvas/sketch`);
    await Promise.all([synced(ann.page), synced(bob.page)]);
    const box = (await ann.page.locator('svg.wb-canvas').boundingBox())!;
    const at = (fx: number, fy: number) => [box.x + box.width * fx, box.y + box.height * fy] as const;
    await ann.page.getByRole('button', { name: 'Pen' }).click();
    await ann.page.mouse.move(...at(0.1, 0.2));
    await ann.page.mouse.down();
    for (let i = 1; i <= 10; i++) await ann.page.mouse.move(...at(0.1 + i * 0.03, 0.2 + Math.sin(i / 2) * 0.1));
    await ann.page.mouse.up();
    await bob.page.locator('svg.wb-canvas path[data-type="stroke"]').waitFor({ timeout: 30_000 });
    await ann.page.getByRole('button', { name: 'Rectangle' }).click();
    await ann.page.mouse.move(...at(0.55, 0.3));
    await ann.page.mouse.down();
    await ann.page.mouse.move(...at(0.75, 0.5), { steps: 5 });
    await ann.page.mouse.up();
    await bob.page.locator('svg.wb-canvas rect[data-type="rectangle"]').waitFor({ timeout: 30_000 });
    await ann.page.mouse.move(...at(0.5, 0.7), { steps: 3 });
    await bob.page.locator('.wb-cursor[data-user="ann"]', { hasText: 'Ann' }).waitFor({ timeout: 30_000 });
    await shot(bob.page, 'whiteboard');

    await bob.page.getByRole('button', { name: 'Select' }).click();
    await bob.page.locator('svg.wb-canvas rect[data-type="rectangle"]').click();
    await bob.page.getByRole('button', { name: 'Delete' }).click();
    await ann.page.locator('svg.wb-canvas rect[data-type="rectangle"]').waitFor({ state: 'detached', timeout: 30_000 });
    expect(await ann.page.locator('svg.wb-canvas path[data-type="stroke"]').count()).toBe(1);
  });

  it('opens a whiteboard shared with Bob from its notification on the whiteboard screen (the notification says the kind)', async () => {
    await ann.page.goto(`${app}/#/canvas/ideas`);
    await synced(ann.page);
    const box = (await ann.page.locator('svg.wb-canvas').boundingBox())!;
    await ann.page.getByRole('button', { name: 'Pen' }).click();
    await ann.page.mouse.move(box.x + 100, box.y + 100);
    await ann.page.mouse.down();
    await ann.page.mouse.move(box.x + 220, box.y + 160, { steps: 6 });
    await ann.page.mouse.up();
    await ann.page.locator('#doc-status', { hasText: /^Saved$/ }).waitFor({ timeout: 30_000 }); // the document exists, so its ACL knows its kind
    await ann.page.getByRole('button', { name: 'Share' }).click();
    await ann.page.getByLabel('Person to share with').fill('bob');
    await ann.page.getByLabel('Role').selectOption('viewer');
    await ann.page.locator('.share-form').getByRole('button', { name: 'Share' }).click();
    await ann.page.getByText('bob can now view').waitFor();

    await bob.page.goto(`${app}/#/stats`);
    await bob.page.getByRole('button', { name: /Notifications, \d+ unread/ }).click({ timeout: 30_000 });
    await bob.page.locator('#inbox .notification[data-unread]', { hasText: /ideas/ }).click();
    await bob.page.waitForURL(/#\/canvas\/ideas$/);
    await bob.page.locator('svg.wb-canvas path[data-type="stroke"]').waitFor({ timeout: 30_000 });
    expect(await bob.page.locator('.sidebar a[href="#/canvas/ideas"]').count()).toBe(1); // listed under its kind, not as a counter
  });
});
