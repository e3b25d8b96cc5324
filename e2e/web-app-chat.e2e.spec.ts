import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { RunningProcess, startProcess, stopAll } from './support/processes';
import { AppUser, devSignIn, EMBEDDED, shot, textIs } from './support/web-app';

/** Chat in the web app of `npm start`, two people in isolated contexts: channel, unread badge, thread reply, reaction, edit and delete. */
describe('chat in the web app (npm start)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-web-chat-'));
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

  const message = (page: Page, text: string) => page.locator('.messages .message', { hasText: text });

  it('shows a message in a new channel to someone who joins it, and an unread badge while they are elsewhere', async () => {
    await ann.page.getByRole('button', { name: 'New channel' }).click();
    await ann.page.getByLabel('Channel name').fill('general');
    await ann.page.getByLabel('Channel name').press('Enter');
    await ann.page.getByLabel('Message #general').fill('Hello team');
    await ann.page.getByLabel('Message #general').press('Enter');
    await message(ann.page, 'Hello team').waitFor({ timeout: 30_000 });

    await bob.page.goto(`${app}/#/chat/general`);
    await message(bob.page, 'Hello team').waitFor({ timeout: 30_000 });
    await bob.page.getByRole('button', { name: 'Join #general' }).click();
    await bob.page.getByLabel('Message #general').waitFor({ timeout: 30_000 });

    await bob.page.goto(`${app}/#/stats`);
    await ann.page.getByLabel('Message #general').fill('Standup at 10');
    await ann.page.getByLabel('Message #general').press('Enter');
    await textIs(bob.page, '[data-unread-channel="general"]', '1');
    await bob.page.getByRole('link', { name: /general/ }).click();
    await message(bob.page, 'Standup at 10').waitFor({ timeout: 30_000 });
    await bob.page.locator('[data-unread-channel="general"]').waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('puts a thread reply in the side panel, and shows the reply count and a reaction to the author', async () => {
    await message(bob.page, 'Hello team').getByRole('link', { name: 'Reply in thread' }).click();
    await bob.page.getByLabel('Reply in thread').fill('On it!');
    await bob.page.getByLabel('Reply in thread').press('Enter');
    await bob.page.locator('.thread-panel .message', { hasText: 'On it!' }).waitFor({ timeout: 30_000 });
    await message(bob.page, 'Hello team').first().getByRole('button', { name: 'React 👍' }).click();
    await message(ann.page, 'Hello team').getByRole('link', { name: '1 reply' }).waitFor({ timeout: 30_000 });
    await message(ann.page, 'Hello team').getByRole('button', { name: '👍 1' }).waitFor({ timeout: 30_000 });
    expect(await ann.page.locator('.messages').first().textContent()).not.toContain('On it!'); // replies stay in the thread
    await shot(bob.page, 'chat-thread');
  });

  it('shows the author’s edit and delete to everyone', async () => {
    await message(ann.page, 'Standup at 10').getByRole('button', { name: 'Edit' }).click();
    await ann.page.getByLabel('Edit message').fill('Standup at 10:30');
    await ann.page.getByLabel('Edit message').press('Enter');
    await bob.page.locator('.messages .message', { hasText: 'Standup at 10:30' }).filter({ hasText: '(edited)' }).waitFor({ timeout: 30_000 });
    await message(ann.page, 'Standup at 10:30').getByRole('button', { name: 'Delete' }).click();
    await message(bob.page, 'This message was deleted.').waitFor({ timeout: 30_000 });
    await shot(ann.page, 'chat');
  });
});
