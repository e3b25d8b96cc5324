import type { Locator, Page } from 'playwright-core';

/** The rich-text editor's text, one line per block, without the names on other people's carets (null: no editor shown). */
export function editorText(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const root = document.querySelector('.editor');
    if (!root) return null;
    return [...root.querySelectorAll('p, h1, h2, h3, h4, h5, h6, pre')]
      .map((b) => {
        const copy = b.cloneNode(true) as HTMLElement;
        copy.querySelectorAll('.remote-cursor').forEach((c) => c.remove());
        return copy.textContent;
      })
      .join('\n');
  });
}

/** Waits until the editor shows `value`; on timeout the error says what it showed instead. */
export async function editorTextIs(page: Page, value: string, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = await editorText(page).catch(() => null);
    if (last === value) return;
    await page.waitForTimeout(50);
  }
  const status = await page.evaluate(() => ({ status: document.querySelector('#doc-status')?.textContent, connection: document.querySelector('#connection')?.textContent })).catch(() => null);
  throw new Error(`expected ${JSON.stringify(value)}, the page shows ${JSON.stringify(last)} (${JSON.stringify(status)})`);
}

/** Waits until the document screen says it is in sync with the server. */
export function synced(page: Page, timeout = 30_000): Promise<void> {
  return page.locator('#doc-status[data-status="synced"]').waitFor({ timeout });
}

/** The ids of the cards of each column of the open kanban board, by column title: `{ 'To do': ['Write it'] }`. */
export function boardColumns(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll<HTMLElement>('.kcolumn[data-column]')].map((c) => [c.dataset.column!, [...c.querySelectorAll<HTMLElement>('.kcard')].map((k) => k.dataset.card!)])));
}

/** Draws on the open whiteboard with `tool` ('Pen', 'Rectangle', …) from one point to another (fractions of the canvas). */
export async function draw(page: Page, tool: string, from: [number, number], to: [number, number]): Promise<void> {
  const box = (await page.locator('svg.wb-canvas').boundingBox())!;
  const at = (f: [number, number]) => [box.x + box.width * f[0], box.y + box.height * f[1]] as const;
  await page.getByRole('button', { name: tool, exact: true }).click();
  await page.mouse.move(...at(from));
  await page.mouse.down();
  await page.mouse.move(...at(to), { steps: 8 });
  await page.mouse.up();
}

/** How many items of each type the open whiteboard shows: `{ stroke: 1, rectangle: 2 }`. */
export function canvasItems(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const counts: Record<string, number> = {};
    for (const el of document.querySelectorAll<SVGElement>('svg.wb-canvas [data-type]')) counts[el.dataset.type!] = (counts[el.dataset.type!] ?? 0) + 1;
    return counts;
  });
}

/**
 * How long after the editor gains focus ProseMirror takes a caret at the very start of the document
 * for the browser resetting the selection, and puts its own back (prosemirror-view's DOMObserver.flush,
 * `lastFocus > Date.now() - 200`).
 */
const FOCUS_RESET_WINDOW_MS = 200;

/**
 * Clicks into the rich-text editor and puts the caret at the start of the document. Ctrl+Home right
 * after the click would be undone by ProseMirror (above), and what is typed next would land where the
 * click put the caret ("Launch planOur "), so the key waits for that window to pass.
 */
export async function clickThenCaretToStart(editor: Locator): Promise<void> {
  await editor.click();
  await editor.page().waitForTimeout(FOCUS_RESET_WINDOW_MS + 50);
  await editor.press('Control+Home');
}
