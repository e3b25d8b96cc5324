import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Where the browser tests leave a screenshot of each main screen (git-ignored; kept as CI artifacts). */
export const SCREENSHOTS = join(__dirname, '..', 'artifacts', 'screenshots');

/**
 * Environment that keeps a standalone process (`npm start`) on its embedded adapters even when the
 * test run has real servers in its environment (npm test's e2e stage does): otherwise it would use
 * them, and its `local` tenant would carry documents and stats over from earlier runs.
 */
export const EMBEDDED = { KAFKA_BROKERS: '', MONGO_URL: '', REDIS_URL: '', S3_ENDPOINT: '' };

export const LAPTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Saves a screenshot of the page as `<SCREENSHOTS>/<name>.png`. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Toasts and animations come and go: wait for fonts and the next frame, not a fixed time.
  await page.evaluate(() => document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => r(null)))));
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

export interface AppUser {
  context: BrowserContext;
  page: Page;
}

/** A new isolated browser context (its own storage, like another person's machine) on the app. */
export async function openApp(browser: Browser, url: string, viewport = LAPTOP): Promise<AppUser> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, isMobile: viewport.width < 600, hasTouch: viewport.width < 600 });
  const page = await context.newPage();
  await page.goto(url);
  return { context, page };
}

/** Signs in with the dev sign-in (embedded mode) and waits until the app is connected. */
export async function devSignIn(browser: Browser, url: string, name: string, viewport = LAPTOP): Promise<AppUser> {
  const user = await openApp(browser, url, viewport);
  await user.page.getByLabel('Your name').fill(name);
  await user.page.getByRole('button', { name: 'Sign in' }).click();
  await online(user.page);
  return user;
}

/** Signs in by pasting a token (production mode) and waits until the app is connected. */
export async function tokenSignIn(browser: Browser, url: string, token: string, viewport = LAPTOP): Promise<AppUser> {
  const user = await openApp(browser, url, viewport);
  await user.page.getByRole('tab', { name: 'Token' }).click();
  await user.page.getByLabel('Access token').fill(token);
  await user.page.getByRole('button', { name: 'Sign in' }).click();
  await online(user.page);
  return user;
}

export async function online(page: Page, timeout = 30_000): Promise<void> {
  await page.locator('#connection[data-state="online"]').waitFor({ timeout });
}

/** Waits until `selector`'s text is exactly `text`; on timeout the error says what it showed instead. */
export async function textIs(page: Page, selector: string, text: string, timeout = 30_000): Promise<void> {
  try {
    await page.waitForFunction(([s, t]) => document.querySelector(s!)?.textContent?.trim() === t, [selector, text] as const, { timeout });
  } catch (error) {
    const shown = await page.evaluate((s) => document.querySelector(s)?.textContent?.trim() ?? null, selector).catch(() => null);
    throw new Error(`${selector}: expected ${JSON.stringify(text)}, the page shows ${JSON.stringify(shown)} (${(error as Error).message.split('\n')[0]})`);
  }
}

/** Waits until the image in `selector` has loaded real pixels (a preview served and decoded). */
export async function imageLoaded(page: Page, selector: string, timeout = 30_000): Promise<{ width: number; height: number }> {
  const handle = await page.waitForFunction(
    (s) => {
      const img = document.querySelector<HTMLImageElement>(s);
      return img && img.complete && img.naturalWidth > 0 ? { width: img.naturalWidth, height: img.naturalHeight } : null;
    },
    selector,
    { timeout },
  );
  return (await handle.jsonValue()) as { width: number; height: number };
}
