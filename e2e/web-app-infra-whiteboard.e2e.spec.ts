import { signToken } from '@tandem/platform';
import { eventually, uniqueId } from '@tandem/platform/testing';
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { startWebStack } from './support/web-stack';
import { RunningProcess, stopAll } from './support/processes';
import { AppUser, shot, tokenSignIn } from './support/web-app';
import { canvasAt, dragOnCanvas } from './support/whiteboard';

/**
 * The whiteboard on the real-infra stack: docs, presence and notifications services and a gateway
 * as separate processes on real Kafka, FerretDB and Redis, two people in Chromium signed in with
 * tokens. A stroke one draws reaches the other through the gateway, Kafka and the docs service;
 * the cursor goes through presence and Redis; the stroke is stored (it is there after a reload).
 */
describe('the web app’s whiteboard in Chromium on the real-infra stack', () => {
  const jwtSecret = randomBytes(32).toString('hex');
  const tenant = uniqueId('webwb');
  let browser: Browser;
  let gateway: RunningProcess;
  let ann: AppUser;
  let bob: AppUser;

  beforeAll(async () => {
    browser = await launchBrowser();
    gateway = await startWebStack(['docs', 'presence', 'notifications'], { jwtSecret });
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await stopAll();
  });

  const token = (sub: string, name: string) => signToken(jwtSecret, { sub, tenant, name, roles: ['member'] });
  const synced = (u: AppUser) => u.page.locator('#doc-status[data-status="synced"]').waitFor({ timeout: 60_000 });
  /** The board's strokes as drawn on a page: their path data, in drawing order. */
  const strokes = (u: AppUser) => u.page.locator('svg.wb-canvas path[data-type="stroke"]').evaluateAll((paths) => paths.map((p) => p.getAttribute('d')));

  it('shows Bob the stroke Ann draws, with her cursor, and keeps it through a reload', async () => {
    ann = await tokenSignIn(browser, `${gateway.url}/#/canvas/retro`, await token('ann', 'Ann Lee'));
    bob = await tokenSignIn(browser, `${gateway.url}/#/canvas/retro`, await token('bob', 'Bob Ray'));
    await Promise.all([synced(ann), synced(bob)]);

    const at = await canvasAt(ann.page);
    await ann.page.getByRole('button', { name: 'Pen' }).click();
    await ann.page.mouse.move(...at(150, 300));
    await ann.page.mouse.down();
    for (let i = 1; i <= 12; i++) await ann.page.mouse.move(...at(150 + i * 40, 300 + Math.round(Math.sin(i / 2) * 80)));
    await ann.page.mouse.up();
    const drawn = await strokes(ann);
    expect(drawn).toHaveLength(1);
    expect(drawn[0]!.split('L').length).toBeGreaterThanOrEqual(10); // every pointer move is a point
    // Bob sees the same stroke, point for point (it may arrive as it is drawn: wait for all of it).
    await eventually(async () => expect(await strokes(bob)).toEqual(drawn), 60_000, 200);
    await ann.page.mouse.move(...at(700, 420), { steps: 4 });
    await bob.page.locator('.wb-cursor[data-user="ann"]', { hasText: 'Ann Lee' }).waitFor({ timeout: 60_000 });
    await shot(bob.page, 'infra-whiteboard');

    // Bob answers with an arrow; Ann sees it. Then Ann's stroke is durable in the docs service's store.
    const bobAt = await canvasAt(bob.page);
    await bob.page.getByRole('button', { name: 'Arrow', exact: true }).click();
    await dragOnCanvas(bob.page, bobAt(200, 120), bobAt(420, 220));
    await ann.page.locator('svg.wb-canvas [data-type="arrow"] .wb-arrowhead').waitFor({ timeout: 60_000 });
    await ann.page.locator('#doc-status', { hasText: /^Saved$/ }).waitFor({ timeout: 60_000 });
    await bob.page.locator('#doc-status', { hasText: /^Saved$/ }).waitFor({ timeout: 60_000 });
    await bob.page.reload();
    await synced(bob);
    await eventually(async () => expect(await strokes(bob)).toEqual(drawn), 60_000, 200);
    expect(await bob.page.locator('svg.wb-canvas [data-type="arrow"]').count()).toBe(1);
  });
});
