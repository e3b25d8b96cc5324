import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { RunningProcess, startProcess, stopAll } from './support/processes';
import { AppUser, devSignIn, EMBEDDED, shot } from './support/web-app';

/**
 * Collaborative documents in the web app of `npm start`, two people in isolated browser contexts:
 * the text editor with each other's cursors, offline edits merging, version history and restore,
 * a kanban card moved by drag and drop, and whiteboard drawing with live cursors.
 */
describe('documents, boards and history in the web app (npm start)', () => {
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

  const text = (page: Page) => page.getByLabel('Document text');
  /** Waits until the editor shows `value`; on timeout the error says what it showed instead. */
  const textIs = async (page: Page, value: string, timeout = 30_000) => {
    try {
      await page.waitForFunction((v) => document.querySelector<HTMLTextAreaElement>('textarea.editor')?.value === v, value, { timeout });
    } catch (error) {
      const shown = await page.evaluate(() => ({ text: document.querySelector<HTMLTextAreaElement>('textarea.editor')?.value, status: document.querySelector('#doc-status')?.textContent, connection: document.querySelector('#connection')?.textContent }));
      throw new Error(`expected ${JSON.stringify(value)}, the page shows ${JSON.stringify(shown)}: ${(error as Error).message}`);
    }
  };
  const synced = (page: Page) => page.locator('#doc-status[data-status="synced"]').waitFor({ timeout: 30_000 });

  it('lets two people type in the same document; each sees the same text and the other’s cursor with a name', async () => {
    // Ann creates the document from the sidebar; Bob opens it by its address.
    await ann.page.getByRole('button', { name: 'New document' }).click();
    await ann.page.getByLabel('Document name').fill('Notes');
    await ann.page.getByLabel('Kind').selectOption('richtext');
    await ann.page.getByRole('button', { name: 'Create' }).click();
    await ann.page.waitForURL(/#\/text\/notes$/);
    await synced(ann.page);
    await bob.page.goto(`${app}/#/text/notes`);
    await synced(bob.page);

    await text(ann.page).click();
    await ann.page.keyboard.type('Hello from Ann');
    await textIs(bob.page, 'Hello from Ann');
    await text(bob.page).click();
    await bob.page.keyboard.press('End');
    await bob.page.keyboard.type(' and Bob');
    await bob.page.keyboard.press('Enter');
    await bob.page.keyboard.type('A second line.');
    const both = 'Hello from Ann and Bob\nA second line.';
    await Promise.all([textIs(ann.page, both), textIs(bob.page, both)]);
    // Each sees the other's caret with their name, where they are.
    await ann.page.locator('.remote-cursor[data-user="bob"] .caret-name', { hasText: 'Bob' }).waitFor();
    await text(ann.page).click();
    await ann.page.keyboard.press('Control+Home');
    await bob.page.locator('.remote-cursor[data-user="ann"] .caret-name', { hasText: 'Ann' }).waitFor();
    await shot(ann.page, 'text-editor');
  });

  it('keeps edits made offline and merges them with the other person’s when back', async () => {
    await bob.context.setOffline(true);
    await bob.page.locator('#doc-status[data-status="offline"]').waitFor({ timeout: 30_000 });
    await text(bob.page).click();
    await bob.page.keyboard.press('Control+End');
    await bob.page.keyboard.type(' Written offline.');
    await text(ann.page).click();
    await ann.page.keyboard.press('Control+Home');
    await ann.page.keyboard.type('Title: ');
    await textIs(ann.page, 'Title: Hello from Ann and Bob\nA second line.');
    await bob.context.setOffline(false);
    const merged = 'Title: Hello from Ann and Bob\nA second line. Written offline.';
    await Promise.all([textIs(ann.page, merged, 60_000), textIs(bob.page, merged, 60_000)]);
    await synced(bob.page);
  });

  it('lists versions with their changes, and restores one for everybody', async () => {
    await ann.page.getByRole('button', { name: 'History' }).click();
    const versions = ann.page.locator('.versions > li');
    await ann.page.locator('.versions > li[data-type="created"]').waitFor();
    // Restore the empty document it was created as: both see it empty.
    await ann.page.locator('.versions > li[data-type="created"] .version').click();
    await ann.page.getByRole('button', { name: 'Restore this version' }).click();
    await ann.page.locator('#history-message', { hasText: 'Restored' }).waitFor();
    await Promise.all([textIs(ann.page, ''), textIs(bob.page, '')]);
    // The restore is a version of its own; the one below it (before the restore) brings the text back.
    await ann.page.locator('.versions > li[data-type="restore"]').first().waitFor();
    expect(await versions.first().getAttribute('data-type')).toBe('restore');
    await versions.nth(1).locator('.version').click();
    await ann.page.locator('.diff').waitFor();
    await shot(ann.page, 'history');
    await ann.page.getByRole('button', { name: 'Restore this version' }).click();
    const merged = 'Title: Hello from Ann and Bob\nA second line. Written offline.';
    await Promise.all([textIs(ann.page, merged), textIs(bob.page, merged)]);
  });

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
});
