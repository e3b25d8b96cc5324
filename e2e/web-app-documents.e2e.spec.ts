import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@tandem/platform/testing';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { RunningProcess, startProcess, stopAll } from './support/processes';
import { AppUser, devSignIn, EMBEDDED, PHONE, shot, textIs } from './support/web-app';
import { arrowTip, attrsBox, canvasAt, dragOnCanvas, itemOf, near } from './support/whiteboard';

/**
 * Boards in the web app of `npm start`, two people in isolated browser contexts: a kanban card
 * moved by drag and drop, and whiteboard drawing with live cursors: pen, shapes, text, sticky notes
 * and arrows, moved, resized, restyled and deleted by pointer, keyboard and touch. (The rich-text editor, offline
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

  it('shows the text, sticky note and arrow Ann makes to Bob, and Bob’s move, resize, restyle and deletion of the note to Ann', async () => {
    await ann.page.goto(`${app}/#/canvas/tools`);
    await bob.page.goto(`${app}/#/canvas/tools`);
    await Promise.all([synced(ann.page), synced(bob.page)]);
    const at = await canvasAt(ann.page);

    // Text: the tool from the toolbar, a click, typing in place.
    await ann.page.getByRole('button', { name: 'Text', exact: true }).click();
    await ann.page.mouse.click(...at(100, 80));
    await ann.page.locator('textarea.wb-editor:focus').waitFor();
    await ann.page.keyboard.type('Launch plan');
    await ann.page.keyboard.press('Escape');
    await bob.page.locator('svg.wb-canvas [data-type="text"]', { hasText: 'Launch plan' }).waitFor({ timeout: 30_000 });

    // Sticky note: the tool by its shortcut, a click, typing in place.
    await ann.page.keyboard.press('s');
    expect(await ann.page.getByRole('button', { name: 'Sticky note' }).getAttribute('aria-pressed')).toBe('true');
    await ann.page.mouse.click(...at(500, 250));
    await ann.page.locator('textarea.wb-editor:focus').waitFor();
    await ann.page.keyboard.type('Ship it');
    await ann.page.keyboard.press('Escape');
    const bobNote = bob.page.locator('svg.wb-canvas [data-type="sticky"]', { hasText: 'Ship it' });
    await bobNote.waitFor({ timeout: 30_000 });

    // Arrow: dragged from the left towards the bottom; the head is where the drag ended.
    await ann.page.getByRole('button', { name: 'Arrow', exact: true }).click();
    await dragOnCanvas(ann.page, at(120, 420), at(380, 520));
    await bob.page.locator('svg.wb-canvas [data-type="arrow"] .wb-arrowhead').waitFor({ timeout: 30_000 });
    // The head is where the drag ended (Bob may first see the arrow mid-drag).
    await eventually(async () => expect(near(await arrowTip(bob.page), { x: 380, y: 520 }, 3)).toBe(true), 30_000, 100);
    await ann.page.mouse.move(...at(700, 500), { steps: 3 });
    await bob.page.locator('.wb-cursor[data-user="ann"]').waitFor({ timeout: 30_000 });
    await shot(bob.page, 'whiteboard-tools');

    // Bob moves the note by dragging it, resizes it by its corner, and nudges it with the keyboard.
    const bobAt = await canvasAt(bob.page);
    const note = await itemOf(ann.page, 'sticky');
    const annSees = (expected: Record<string, number>) =>
      eventually(
        async () => {
          const actual = await itemOf(ann.page, 'sticky');
          expect({ actual, near: near(actual, expected) }).toEqual({ actual, near: true });
        },
        30_000,
        100,
      );
    await bob.page.getByRole('button', { name: 'Select', exact: true }).click();
    await dragOnCanvas(bob.page, bobAt(note.x + 40, note.y + 60), bobAt(note.x + 140, note.y + 10));
    await annSees({ x: note.x + 100, y: note.y - 50, width: note.width, height: note.height });
    const moved = await itemOf(bob.page, 'sticky');
    const corner = await attrsBox(bob.page, '.selection .handle[data-corner="se"]');
    await dragOnCanvas(bob.page, bobAt(corner.x + corner.width / 2, corner.y + corner.height / 2), bobAt(moved.x + moved.width + 60, moved.y + moved.height + 40));
    await annSees({ x: moved.x, y: moved.y, width: moved.width + 60, height: moved.height + 40 });
    const resized = await itemOf(bob.page, 'sticky');
    await bob.page.keyboard.press('Shift+ArrowLeft');
    await bob.page.keyboard.press('ArrowDown');
    await annSees({ x: resized.x - 20, y: resized.y + 2 });
    await bob.page.getByRole('button', { name: 'Colour Red' }).click();
    await eventually(async () => expect(await ann.page.locator('svg.wb-canvas [data-type="sticky"] rect').first().getAttribute('fill')).toBe('#ffd9d9'), 30_000, 100);
    await bob.page.getByRole('button', { name: 'Bring to front' }).click();

    // Deleted with the Delete key: gone for Ann; the text and the arrow stay.
    await bob.page.keyboard.press('Delete');
    await ann.page.locator('svg.wb-canvas [data-type="sticky"]').waitFor({ state: 'detached', timeout: 30_000 });
    expect(await ann.page.locator('svg.wb-canvas [data-type="text"]', { hasText: 'Launch plan' }).count()).toBe(1);
    expect(await ann.page.locator('svg.wb-canvas [data-type="arrow"]').count()).toBe(1);
  });

  it('lets someone on a phone add a sticky note by touch and Tab to an item and delete it from the keyboard', async () => {
    const cat = await devSignIn(browser, app, 'Cat', PHONE);
    await cat.page.goto(`${app}/#/canvas/tools`);
    await synced(cat.page);
    await cat.page.locator('svg.wb-canvas [data-type="text"]', { hasText: 'Launch plan' }).waitFor({ timeout: 30_000 });
    const [toolbar, view] = [(await cat.page.locator('.wb-toolbar').boundingBox())!, (await cat.page.locator('.wb-viewport').boundingBox())!];
    expect(toolbar.x + toolbar.width).toBeLessThanOrEqual(PHONE.width); // wraps, never wider than the phone
    expect(view.x + view.width).toBeLessThanOrEqual(PHONE.width);
    // A phone starts zoomed in (readable text) and pans by dragging the paper.
    await textIs(cat.page, '.wb-zoom output', '200%');
    await cat.page.getByRole('button', { name: 'Sticky note' }).tap();
    const at = await canvasAt(cat.page);
    await cat.page.touchscreen.tap(...at(220, 300));
    await cat.page.locator('textarea.wb-editor:focus').waitFor();
    await cat.page.keyboard.type('From my phone');
    await cat.page.keyboard.press('Escape');
    await ann.page.locator('svg.wb-canvas [data-type="sticky"]', { hasText: 'From my phone' }).waitFor({ timeout: 30_000 });
    await shot(cat.page, 'whiteboard-phone');

    // Keyboard only, on Ann's laptop: Tab onto the arrow selects it; Delete removes it for Cat.
    await ann.page.locator('svg.wb-canvas').focus();
    await ann.page.keyboard.press('Escape');
    expect(await ann.page.locator('.selection').count()).toBe(0);
    for (let i = 0; i < 6 && !(await ann.page.evaluate(() => document.activeElement?.getAttribute('data-type') === 'arrow')); i++) await ann.page.keyboard.press('Tab');
    expect(await ann.page.evaluate(() => document.activeElement?.getAttribute('data-type'))).toBe('arrow');
    await ann.page.locator('.selection').waitFor();
    await ann.page.keyboard.press('Delete');
    await cat.page.locator('svg.wb-canvas [data-type="arrow"]').waitFor({ state: 'detached', timeout: 30_000 });
    await cat.context.close();
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
