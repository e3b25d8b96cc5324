import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { RunningProcess, startProcess, stopAll } from './support/processes';

/** `npm start`'s process in a real browser: two tabs share a counter, and it survives a restart. */
describe('the counter page in Chromium', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-browser-'));
  let browser: Browser;
  let server: RunningProcess;

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startProcess('standalone', 'apps/standalone/src/main.ts', { DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await browser?.close();
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function signedInTab(name: string, url: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    await page.getByLabel('Your name').fill(name);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#connection[data-state="online"]').waitFor();
    return page;
  }

  it('shows each tab the other tab’s clicks, and keeps the count across a restart', async () => {
    const ann = await signedInTab('Ann', server.url);
    const bob = await signedInTab('Bob', server.url);
    for (let i = 0; i < 3; i++) await ann.getByRole('button', { name: '+1' }).click();
    for (let i = 0; i < 2; i++) await bob.getByRole('button', { name: '+1' }).click();
    await expectValue(ann, '5');
    await expectValue(bob, '5');

    await server.stop();
    server = await startProcess('standalone (restarted)', 'apps/standalone/src/main.ts', { DATA_DIR: dataDir });
    const carol = await signedInTab('Carol', server.url);
    await expectValue(carol, '5');
  });
});

async function expectValue(page: Page, value: string): Promise<void> {
  await page.waitForFunction((v) => document.getElementById('value')?.textContent === v, value, { timeout: 30_000 });
}
