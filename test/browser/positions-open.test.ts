/**
 * Opening a position from the Positions page and closing it, in headless
 * Chromium against the real API: problems beside their fields in words
 * (the client's and the server's), the open position with its PnL in money
 * and %, then, once closed, the closed-positions history with its realised
 * PnL and why it closed; the page at 390 px as cards.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, dashboardServer, launchBrowser, screenshotPath } from '../support/browser.js';

describe.runIf(chromiumAvailable())('opening and closing a position in Chromium', () => {
  let server: Awaited<ReturnType<typeof dashboardServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([dashboardServer(), launchBrowser()]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function positionsPage(width: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 1000 } });
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/positions#token=${server.alice.token}`);
    await page.getByRole('heading', { name: 'Positions', exact: true }).waitFor();
    return page;
  }

  it('opens a short from a market, then closes it into the history', async () => {
    const page = await positionsPage(1440);
    const form = page.getByRole('form', { name: 'Open a position' });
    await form.getByLabel('Size').fill('0');
    await form.getByRole('button', { name: 'Open position' }).click();
    await form.getByText('Market is required: pick one from the list').waitFor();
    await form.getByText('Size must be a number above 0').waitFor();

    await form.getByLabel('Market').fill('ETH/USDT');
    await form.getByLabel('Side').selectOption('short');
    await form.getByLabel('Size').fill('2');
    // A short's take profit must be below the price: the server says so beside the field, in words.
    await form.getByLabel('Take profit').fill('99999999');
    await form.getByRole('button', { name: 'Open position' }).click();
    const tpError = form.locator('#open-takeProfit-error');
    await tpError.waitFor();
    await expect(tpError.textContent()).resolves.toMatch(/^Take profit /);
    await expect(form.textContent()).resolves.not.toMatch(/body\./);
    expect(
      await server.services.positions
        .list(server.alice.user.id, { status: 'all', limit: 10, cursor: null })
        .then((p) => p.items),
    ).toEqual([]);

    await form.getByLabel('Take profit').fill('');
    await form.getByRole('button', { name: 'Open position' }).click();
    await page.getByText(/^Opened ETH\/USDT short 2 at /).waitFor();
    const [opened] = (
      await server.services.positions.list(server.alice.user.id, { status: 'open', limit: 10, cursor: null })
    ).items;
    expect(opened).toMatchObject({ symbol: 'ETH/USDT', side: 'short', size: '2' });
    const row = page.locator(`tr[data-position-id="${opened!.id}"]`);
    await row.waitFor();
    await expect(row.locator('[data-field=unrealizedPnl]').textContent()).resolves.toMatch(/%$/);
    await page.screenshot({ path: screenshotPath('positions-open'), fullPage: true });

    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Close' }).click();
    const closed = page.locator(`tr[data-closed-id="${opened!.id}"]`);
    await closed.waitFor();
    await expect(closed.textContent()).resolves.toContain('closed by hand');
    const stored = await server.services.positions.get(server.alice.user.id, opened!.id);
    expect(stored.status).toBe('closed');
    await page.close();
  });

  it('pages through the closed positions, and shows cards on a phone', async () => {
    for (let i = 0; i < 21; i++) {
      const p = await server.services.positions.open(server.alice.user.id, {
        marketId: 'BTC/USDT',
        size: '0.01',
      });
      await server.services.positions.close(server.alice.user.id, p.id);
    }
    const page = await positionsPage(390);
    const history = page.locator('.closed-positions tbody tr');
    await expect.poll(() => history.count()).toBe(20);
    await page.getByRole('button', { name: 'Show older' }).click();
    await expect.poll(() => history.count()).toBe(22);
    await expect(page.getByRole('button', { name: 'Show older' }).count()).resolves.toBe(0);
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: screenshotPath('positions-phone'), fullPage: true });
    await page.close();
  });
});
