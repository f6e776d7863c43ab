/**
 * Every page of the dashboard at 1440 and at 390 px wide, in headless
 * Chromium against the real API (with a trader, positions and orders so
 * tables have rows): each renders its heading, the page never scrolls
 * sideways, every form control has an accessible name, and a screenshot of
 * each is kept (test-artifacts/screenshots/page-<name>-<width>.png).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, dashboardServer, launchBrowser, screenshotPath } from '../support/browser.js';

const PAGES = [
  ['/', 'Home'],
  ['/traders', 'Traders'],
  ['/discover', 'Discover'],
  ['/positions', 'Positions'],
  ['/trades', 'Trades'],
  ['/bot', 'Bot'],
  ['/markets', 'Markets'],
  ['/research', 'Research'],
  ['/performance', 'Performance'],
  ['/settings', 'Settings'],
] as const;

/** Form controls without an accessible name (label, aria-label or aria-labelledby), as "tag#id". */
const UNLABELLED = `[...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
  .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el.tagName === 'BUTTON' && el.textContent.trim())))
  .map((el) => el.tagName.toLowerCase() + '#' + (el.id || el.getAttribute('name') || '?'))`;

describe.runIf(chromiumAvailable())('every page at 1440 and 390 px', () => {
  let server: Awaited<ReturnType<typeof dashboardServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([dashboardServer(), launchBrowser()]);
    const user = server.alice.user.id;
    const trader = await server.services.traders.create(user, {
      name: 'Leader',
      source: 'manual',
      address: 'l-1',
    });
    await server.services.positions.open(user, { marketId: 'BTC/USDT', size: '0.5' });
    await server.services.orders.create(user, {
      traderId: trader.id,
      pair: 'BTC/USDT',
      side: 'buy',
      type: 'market',
      quantity: '1',
      filledQuantity: '1',
      averagePrice: '100',
      status: 'filled',
      fee: '0.1',
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const width of [1440, 390]) {
    for (const [path, heading] of PAGES) {
      it(`${heading} at ${width} px`, async () => {
        const page = await browser.newPage({ viewport: { width, height: width > 500 ? 1000 : 844 } });
        page.setDefaultTimeout(15_000);
        await page.goto(`${server.url}${path}#token=${server.alice.token}`);
        await page.getByRole('heading', { name: heading, exact: true, level: 1 }).waitFor();
        await page.waitForLoadState('networkidle');
        await page.screenshot({
          path: screenshotPath(`page-${heading.toLowerCase()}-${width}`),
          fullPage: true,
        });
        const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
        expect(overflow, `${heading} scrolls sideways at ${width} px`).toBeLessThanOrEqual(0);
        await expect(page.evaluate(UNLABELLED)).resolves.toEqual([]);
        await page.close();
      });
    }
  }
});
