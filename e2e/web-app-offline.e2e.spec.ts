import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { boardColumns, canvasItems, clickThenCaretToStart, draw, editorTextIs, synced } from './support/documents-ui';
import { launchBrowser } from './support/browser';
import { RunningProcess, startProcess, stopAll } from './support/processes';
import { AppUser, devSignIn, EMBEDDED, online, shot } from './support/web-app';

/**
 * Offline in the web app of `npm start`, for real: Bob's browser loses its network, he edits a
 * rich-text document, a kanban board and a whiteboard, and his tab is reloaded (first while still
 * offline, which fails like any page load without a network, then with the network back). His edits
 * live only in the tab's IndexedDB meanwhile; Ann edits the same objects. Nothing may be lost.
 */
describe('offline edits in the web app survive a reload (npm start)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-web-offline-'));
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

  const editor = (page: Page) => page.getByRole('textbox', { name: 'Document text' });
  const open = async (page: Page, route: string) => {
    await page.goto(`${app}/#/${route}`);
    await page.locator('.screen #doc-status').waitFor({ timeout: 30_000 });
  };
  const columnsAre = async (page: Page, expected: Record<string, string[]>) => {
    const deadline = Date.now() + 30_000;
    let last: Record<string, string[]> = {};
    while (Date.now() < deadline) {
      last = await boardColumns(page);
      if (JSON.stringify(last) === JSON.stringify(expected)) return;
      await page.waitForTimeout(50);
    }
    throw new Error(`expected the board ${JSON.stringify(expected)}, the page shows ${JSON.stringify(last)}`);
  };
  const itemsAre = async (page: Page, expected: Record<string, number>) => {
    const deadline = Date.now() + 30_000;
    let last: Record<string, number> = {};
    while (Date.now() < deadline) {
      last = await canvasItems(page);
      if (JSON.stringify(last) === JSON.stringify(expected)) return;
      await page.waitForTimeout(50);
    }
    throw new Error(`expected the whiteboard to hold ${JSON.stringify(expected)}, the page shows ${JSON.stringify(last)}`);
  };

  /** The documents with outbox entries in IndexedDB database `name`, with the kind each entry names. */
  const outboxes = (page: Page, name: string) =>
    page.evaluate(async (db) => {
      const open = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(db);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const entries = await new Promise<Array<{ docId: string; kind: string }>>((resolve, reject) => {
        const req = open.transaction('outbox').objectStore('outbox').getAll();
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      open.close();
      return Object.fromEntries(entries.map((e) => [e.docId, e.kind]));
    }, name);

  it('keeps text, card moves and drawings made offline through a reload, and merges them with the other person’s', async () => {
    // Ann writes the three documents; Bob has seen each of them.
    await open(ann.page, 'text/plan');
    await synced(ann.page);
    await editor(ann.page).click();
    await ann.page.keyboard.type('Launch plan');
    await open(ann.page, 'kanban/tasks');
    await ann.page.getByRole('button', { name: 'Start with To do, Doing, Done' }).click();
    for (const title of ['Write it', 'Review it']) {
      await ann.page.getByLabel('New card in To do').fill(title);
      await ann.page.getByLabel('New card in To do').press('Enter');
    }
    await open(ann.page, 'canvas/sketch');
    await synced(ann.page);
    await draw(ann.page, 'Rectangle', [0.1, 0.1], [0.3, 0.3]);
    await ann.page.locator('#doc-status', { hasText: /^Saved$/ }).waitFor({ timeout: 30_000 });

    await open(bob.page, 'text/plan');
    await editorTextIs(bob.page, 'Launch plan');
    await open(bob.page, 'kanban/tasks');
    await columnsAre(bob.page, { 'To do': ['Write it', 'Review it'], Doing: [], Done: [] });
    await open(bob.page, 'canvas/sketch');
    await itemsAre(bob.page, { rectangle: 1 });

    // Bob loses his network and edits all three (moving between screens closes each document).
    await bob.context.setOffline(true);
    await bob.page.locator('#connection[data-state="offline"]').waitFor({ timeout: 30_000 });
    await draw(bob.page, 'Pen', [0.5, 0.5], [0.8, 0.7]);
    await itemsAre(bob.page, { rectangle: 1, stroke: 1 });
    await open(bob.page, 'kanban/tasks');
    await bob.page.getByRole('button', { name: 'Move Write it right' }).click();
    await columnsAre(bob.page, { 'To do': ['Review it'], Doing: ['Write it'], Done: [] });
    await open(bob.page, 'text/plan');
    await editor(bob.page).click();
    await bob.page.keyboard.press('Control+End');
    await bob.page.keyboard.type(' for Friday');
    await editorTextIs(bob.page, 'Launch plan for Friday');
    await bob.page.locator('#doc-status', { hasText: /to send/ }).waitFor();
    await shot(bob.page, 'offline-edits');
    // All that is left of them once the tab is gone: the outboxes in IndexedDB, each with its document's kind.
    expect(await outboxes(bob.page, 'tandem-docs.local.bob')).toEqual({ plan: 'richtext', sketch: 'whiteboard', tasks: 'kanban' });

    // His tab is reloaded: without a network the page cannot even load.
    await expect(bob.page.reload()).rejects.toThrow(/ERR_INTERNET_DISCONNECTED/);

    // Meanwhile Ann edits the same objects.
    await open(ann.page, 'text/plan');
    await editorTextIs(ann.page, 'Launch plan');
    await synced(ann.page);
    await clickThenCaretToStart(editor(ann.page));
    await ann.page.keyboard.type('Our ');
    await editorTextIs(ann.page, 'Our Launch plan');
    await open(ann.page, 'kanban/tasks');
    await ann.page.getByRole('button', { name: 'Move Review it right' }).click();
    await columnsAre(ann.page, { 'To do': ['Write it'], Doing: ['Review it'], Done: [] });
    await open(ann.page, 'canvas/sketch');
    await draw(ann.page, 'Rectangle', [0.6, 0.1], [0.9, 0.3]);
    await itemsAre(ann.page, { rectangle: 2 });
    await ann.page.locator('#doc-status', { hasText: /^Saved$/ }).waitFor({ timeout: 30_000 });

    // The network comes back and the tab loads again, on the document it showed. Every offline edit
    // reaches Ann, those of the documents Bob has not opened again too.
    await bob.context.setOffline(false);
    await bob.page.reload();
    await online(bob.page);
    await itemsAre(ann.page, { rectangle: 2, stroke: 1 });
    await open(ann.page, 'kanban/tasks');
    await ann.page.waitForFunction(() => document.querySelectorAll('.kcolumn[data-column="Doing"] .kcard').length === 2, null, { timeout: 30_000 });
    const board = await boardColumns(ann.page);
    expect(board['To do']).toEqual([]);
    expect([...board.Doing!].sort()).toEqual(['Review it', 'Write it']);
    await open(ann.page, 'text/plan');
    await editorTextIs(ann.page, 'Our Launch plan for Friday');

    // Bob sees the same three documents.
    await editorTextIs(bob.page, 'Our Launch plan for Friday');
    await synced(bob.page);
    expect(await bob.page.locator('#doc-status').textContent()).not.toMatch(/to send/);
    await open(bob.page, 'kanban/tasks');
    await columnsAre(bob.page, board); // the same order too
    await open(bob.page, 'canvas/sketch');
    await itemsAre(bob.page, { rectangle: 2, stroke: 1 });
    await shot(bob.page, 'offline-merged');
  }, 240_000);

  it('IndexedDbDocStorage keeps documents and outboxes, and lists those with changes to send, across instances (the storage contract, in Chromium)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app}/healthz`);
    await page.addScriptTag({
      type: 'module',
      content: `
        import { IndexedDbDocStorage } from '/sdk/tandem.js';
        const b = (...x) => new Uint8Array(x);
        const sut = new IndexedDbDocStorage('contract');
        const out = { empty: await sut.load('nothing'), pendingEmpty: await sut.pending() };
        await sut.saveDoc('plan', b(1, 2, 3), ['h1']);
        await sut.addToOutbox('plan', { commandId: 'a', changes: [b(4)] }, 'richtext');
        await sut.addToOutbox('plan', { commandId: 'b', changes: [b(5), b(6)] }, 'richtext');
        await sut.addToOutbox('tasks', { commandId: 'c', changes: [b(7)] }, 'kanban');
        await sut.saveDoc('sketch', b(9), []);
        const next = new IndexedDbDocStorage('contract'); // another session of the same tab
        const plan = await next.load('plan');
        out.plan = { doc: [...plan.doc], syncedHeads: plan.syncedHeads, outbox: plan.outbox.map((e) => ({ commandId: e.commandId, changes: e.changes.map((c) => [...c]) })) };
        out.pending = (await next.pending()).sort((x, y) => x.docId.localeCompare(y.docId));
        await next.removeFromOutbox('tasks', ['c']);
        out.pendingAfter = await next.pending();
        window.contractResult = out;
      `,
    });
    const result = await (await page.waitForFunction(() => (window as unknown as { contractResult?: unknown }).contractResult, undefined, { timeout: 30_000 })).jsonValue();
    expect(result).toEqual({
      empty: null,
      pendingEmpty: [],
      plan: { doc: [1, 2, 3], syncedHeads: ['h1'], outbox: [{ commandId: 'a', changes: [[4]] }, { commandId: 'b', changes: [[5], [6]] }] },
      pending: [
        { docId: 'plan', kind: 'richtext' },
        { docId: 'tasks', kind: 'kanban' },
      ],
      pendingAfter: [{ docId: 'plan', kind: 'richtext' }],
    });
    await context.close();
  });
});
