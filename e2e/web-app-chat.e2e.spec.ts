import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { RunningProcess, startProcess, stopAll } from './support/processes';
import sharp from 'sharp';
import { AppUser, devSignIn, EMBEDDED, imageLoaded, shot, textIs } from './support/web-app';

/**
 * Chat in the web app of `npm start`, two people in isolated contexts: channel, unread badge, thread
 * reply, reaction, edit and delete, typing indicators, attachments with previews, and a new DM.
 */
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

  it('shows Ann that Bob is typing while he writes, in the channel and in a thread, and stops when he sends', async () => {
    await ann.page.goto(`${app}/#/chat/general`);
    await bob.page.goto(`${app}/#/chat/general`);
    await bob.page.getByLabel('Message #general').waitFor({ timeout: 30_000 });
    await bob.page.getByLabel('Message #general').pressSequentially('Lunch at', { delay: 30 });
    await ann.page.locator('.typing-line[data-typing="Bob"]', { hasText: 'Bob is typing…' }).waitFor({ timeout: 30_000 });
    expect(await bob.page.locator('.typing-line').first().textContent()).toBe(''); // not shown to the typist
    await shot(ann.page, 'chat-typing');
    await bob.page.getByLabel('Message #general').press('Enter');
    await message(ann.page, 'Lunch at').waitFor({ timeout: 30_000 });
    await ann.page.locator('.typing-line:not([data-typing])').first().waitFor({ timeout: 30_000 });

    // In a thread: shown in the thread panel, not under the channel.
    await message(ann.page, 'Hello team').first().getByRole('link', { name: /repl/ }).click();
    await bob.page.goto(`${app}/#/chat/general/${await message(ann.page, 'Hello team').first().getAttribute('data-message')}`);
    await bob.page.getByLabel('Reply in thread').pressSequentially('Sure', { delay: 30 });
    await ann.page.locator('.thread-panel .typing-line[data-typing="Bob"]').waitFor({ timeout: 30_000 });
    expect(await ann.page.locator('.chat:not(.thread-panel) .typing-line').getAttribute('data-typing')).toBeNull();
    await bob.page.getByLabel('Reply in thread').fill(''); // an emptied box stops "typing"
    await ann.page.locator('.thread-panel .typing-line:not([data-typing])').waitFor({ timeout: 30_000 });
  });

  it('uploads a picture attached in the composer with progress, and shows its preview in the message to the other person', async () => {
    await ann.page.goto(`${app}/#/chat/general`);
    await bob.page.goto(`${app}/#/chat/general`);
    const png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#d6409f' } }).png().toBuffer();
    await ann.page.getByLabel('Attach files').setInputFiles({ name: 'mockup.png', mimeType: 'image/png', buffer: png });
    // The composer shows the file at once with a local preview, and once stored, its size.
    await ann.page.locator('.pending-file[data-file="mockup.png"] img').waitFor();
    await ann.page.locator('.pending-file[data-file="mockup.png"][data-state="stored"]').waitFor({ timeout: 30_000 });
    await ann.page.getByLabel('Message #general').fill('The new mockup');
    await ann.page.getByLabel('Message #general').press('Enter');
    await ann.page.locator('.pending-file').waitFor({ state: 'detached' });
    const preview = await imageLoaded(bob.page, '.message .message-file[data-file="mockup.png"][data-status="ready"] img', 60_000);
    expect(preview.width).toBe(256); // the files service's small preview, not the original
    expect(await message(bob.page, 'The new mockup').locator('.message-file').count()).toBe(1);
    await shot(bob.page, 'chat-attachment');
  });

  it('starts a direct message from the sidebar; the other person gets it in their DMs', async () => {
    await ann.page.getByRole('button', { name: 'New direct message' }).click();
    await ann.page.getByLabel('Person to message').fill('bob');
    await ann.page.getByLabel('Person to message').press('Enter');
    await ann.page.waitForURL(/#\/dm\/bob$/);
    await ann.page.getByLabel('Message Bob').fill('Got a minute?');
    await ann.page.getByLabel('Message Bob').press('Enter');
    await ann.page.waitForURL(/#\/chat\/dm-[0-9a-f]+$/, { timeout: 30_000 });
    await message(ann.page, 'Got a minute?').waitFor({ timeout: 30_000 });
    const channel = ann.page.url().split('/').pop()!;

    await bob.page.goto(`${app}/#/stats`);
    await bob.page.locator(`[data-unread-channel="${channel}"]`).waitFor({ timeout: 30_000 });
    await bob.page.locator('.sidebar a', { has: bob.page.locator(`[data-unread-channel="${channel}"]`) }).click();
    await message(bob.page, 'Got a minute?').waitFor({ timeout: 30_000 });
    await bob.page.getByLabel('Message Ann').fill('Sure');
    await bob.page.getByLabel('Message Ann').press('Enter');
    await message(ann.page, 'Sure').waitFor({ timeout: 30_000 });
    await shot(ann.page, 'chat-dm');
  });
});
