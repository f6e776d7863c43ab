/**
 * Positions in headless Chromium against the real API: a TP/SL edit with a
 * bad value shows the server's message beside the field and changes
 * nothing; a good one is saved; close; a live update over the WebSocket
 * stream lands in the row. Also saves a screenshot of the research and
 * performance pages (markets has its own suite, markets.test.ts).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Position } from '../../src/domain/position.js';
import { chromiumAvailable, dashboardServer, launchBrowser, screenshotPath } from '../support/browser.js';

describe.runIf(chromiumAvailable())('dashboard positions and other pages in Chromium', () => {
  let server: Awaited<ReturnType<typeof dashboardServer>>;
  let browser: Browser;
  let position: Position;

  beforeAll(async () => {
    [server, browser] = await Promise.all([dashboardServer(), launchBrowser()]);
    position = await server.services.positions.open(server.alice.user.id, {
      marketId: 'BTC/USDT',
      size: '0.5',
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(path: string, heading: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}${path}#token=${server.alice.token}`);
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
    return page;
  }

  it('shows the server error next to a bad stop loss, and saves a good one', async () => {
    const page = await open('/positions', 'Positions');
    const row = page.locator(`tr[data-position-id="${position.id}"]`);
    await row.waitFor();
    await page.getByText('Prices: Live').waitFor();
    // A long position's stop loss above the current price is already reached: the server refuses it.
    await row.getByLabel('Stop loss').fill('99999999');
    await row.getByRole('button', { name: 'Save TP/SL' }).click();
    const error = row.locator('.field-error');
    await error.waitFor();
    await expect(error.textContent()).resolves.toMatch(/^Stop loss already reached at/);
    await expect(row.getByLabel('Stop loss').getAttribute('aria-invalid')).resolves.toBe('true');
    await page.screenshot({ path: screenshotPath('positions-error') });
    expect((await server.services.positions.get(server.alice.user.id, position.id)).stopLoss).toBeNull();

    await row.getByLabel('Stop loss').fill('1');
    await row.getByRole('button', { name: 'Save TP/SL' }).click();
    await row.getByRole('status').getByText('Saved').waitFor();
    expect(
      (await server.services.positions.get(server.alice.user.id, position.id)).stopLoss?.toString(),
    ).toBe('1');
    await page.close();
  });

  it('applies a position update pushed over the stream in place', async () => {
    const page = await open('/positions', 'Positions');
    await page.getByText('Prices: Live').waitFor();
    const other = await server.services.positions.open(server.alice.user.id, {
      marketId: 'ETH/USDT',
      size: '2',
    });
    await page.locator(`tr[data-position-id="${other.id}"]`).waitFor();
    await page.screenshot({ path: screenshotPath('positions') });
    page.once('dialog', (d) => void d.accept());
    await page.locator(`tr[data-position-id="${other.id}"]`).getByRole('button', { name: 'Close' }).click();
    await page.locator(`tr[data-position-id="${other.id}"].closed`).waitFor();
    await page.close();
  });

  for (const [path, heading] of [
    ['/research', 'Research'],
    ['/performance', 'Performance'],
  ] as const) {
    it(`renders the ${heading.toLowerCase()} page`, async () => {
      const page = await open(path, heading);
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: screenshotPath(heading.toLowerCase()), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: screenshotPath(`${heading.toLowerCase()}-phone`), fullPage: true });
      await page.close();
    });
  }
});
