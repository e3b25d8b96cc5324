import type { Page } from 'playwright-core';

/** Board units (the SVG viewBox, 1000 wide) to a page's pixels: `at(x, y)` is where to point the mouse. */
export async function canvasAt(page: Page): Promise<(x: number, y: number) => [number, number]> {
  const box = (await page.locator('svg.wb-canvas').boundingBox())!;
  const scale = box.width / 1000;
  return (x, y) => [box.x + x * scale, box.y + y * scale];
}

/** A mouse drag from one page point to another, in steps (each step one pointer move, as a hand makes). */
export async function dragOnCanvas(page: Page, from: [number, number], to: [number, number], steps = 8): Promise<void> {
  await page.mouse.move(...from);
  await page.mouse.down();
  await page.mouse.move(...to, { steps });
  await page.mouse.up();
}

/** The box (board units) of the first item of `type` as this page draws it. */
export async function itemOf(page: Page, type: string): Promise<{ x: number; y: number; width: number; height: number }> {
  return page.evaluate((t) => {
    const el = document.querySelector(`svg.wb-canvas [data-type="${t}"]`);
    const rect = el?.tagName === 'rect' ? el : el?.querySelector('rect');
    if (!rect) throw new Error(`no ${t} on the board`);
    const n = (a: string) => Number(rect.getAttribute(a));
    return { x: n('x'), y: n('y'), width: n('width'), height: n('height') };
  }, type);
}

/** The box (board units, from its attributes) of an SVG rect. */
export async function attrsBox(page: Page, selector: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const el = page.locator(selector);
  const n = async (a: string) => Number(await el.getAttribute(a));
  return { x: await n('x'), y: await n('y'), width: await n('width'), height: await n('height') };
}

/** Where the first arrow's head points (its tip, board units). */
export async function arrowTip(page: Page): Promise<{ x: number; y: number }> {
  const points = (await page.locator('svg.wb-canvas [data-type="arrow"] .wb-arrowhead').first().getAttribute('points'))!;
  const [x, y] = points.split(' ')[0]!.split(',').map(Number);
  return { x: x!, y: y! };
}

/** Whether `actual` is within `tolerance` board units of `expected` in every field given (pointer positions round to whole units). */
export function near(actual: Record<string, number>, expected: Record<string, number>, tolerance = 2): boolean {
  return Object.entries(expected).every(([k, v]) => Math.abs((actual[k] ?? NaN) - v) <= tolerance);
}
