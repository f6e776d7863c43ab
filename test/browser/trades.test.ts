/**
 * The Trades page in headless Chromium against the real API: orders
 * filtered by trader, pair and status, the profit per trader and per
 * market, and the CSV export's content (every order the filter selects,
 * quoted where a field needs it).
 */
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, dashboardServer, launchBrowser, screenshotPath } from '../support/browser.js';

const ALPHA = 'Alpha "A", first';

describe.runIf(chromiumAvailable())('the Trades page in Chromium', () => {
  let server: Awaited<ReturnType<typeof dashboardServer>>;
  let browser: Browser;
  let alpha: number;

  beforeAll(async () => {
    [server, browser] = await Promise.all([dashboardServer(), launchBrowser()]);
    const user = server.alice.user.id;
    const make = (name: string, address: string) =>
      server.services.traders.create(user, { name, source: 'manual', address });
    alpha = (await make(ALPHA, 'alpha')).id;
    const beta = (await make('Beta', 'beta')).id;
    const fill = (
      traderId: number,
      pair: string,
      side: 'buy' | 'sell',
      price: string,
      fee: string,
      clientOrderId?: string,
    ) => ({
      traderId,
      pair,
      side,
      type: 'market',
      quantity: '1',
      filledQuantity: '1',
      averagePrice: price,
      status: 'filled',
      fee,
      ...(clientOrderId ? { clientOrderId } : {}),
    });
    await server.services.orders.bulkImport(user, [
      fill(alpha, 'BTC/USDT', 'buy', '100', '0.1', 'alpha-1'),
      fill(alpha, 'BTC/USDT', 'sell', '110', '0.1'),
      fill(beta, 'ETH/USDT', 'buy', '10', '0.01'),
      { pair: 'ETH/USDT', side: 'buy', type: 'limit', price: '9', quantity: '2', status: 'open' },
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function tradesPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/trades#token=${server.alice.token}`);
    await page.getByRole('heading', { name: 'Trades', exact: true }).waitFor();
    await page.getByText('4 orders shown').waitFor();
    return page;
  }

  it('filters by trader, pair and status, and sums profit per trader and market', async () => {
    const page = await tradesPage();
    await page.getByRole('combobox', { name: 'Trader', exact: true }).selectOption({ label: ALPHA });
    await page.getByText('2 orders shown').waitFor();
    await page.getByRole('combobox', { name: 'Trader', exact: true }).selectOption({ label: 'all' });
    await page.getByLabel('Status').selectOption('open');
    await page.getByText('1 orders shown').waitFor();
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Pair').fill('eth/usdt');
    // An answer arriving while the user types re-renders the page: what is typed stays (a
    // controlled field once reset it to the last filter, and Enter then filtered nothing).
    await page.getByText('4 orders shown').waitFor();
    await expect(page.getByLabel('Pair').inputValue()).resolves.toBe('eth/usdt');
    await page.getByLabel('Pair').press('Enter');
    await page.getByText('2 orders shown').waitFor();

    const alphaRow = page.locator('section[aria-labelledby=per-trader-title] tr', { hasText: ALPHA });
    await alphaRow.waitFor();
    await expect(alphaRow.textContent()).resolves.toMatch(/1100\.0 %\+9\.80/);
    await page.locator('section[aria-labelledby=per-market-title] tr', { hasText: 'BTC/USDT' }).waitFor();
    // Both net of fees: the ledger's per trader, the positions' per market (migration 022).
    await page
      .locator('section[aria-labelledby=per-trader-title] th', { hasText: 'Realised PnL (net of fees)' })
      .waitFor();
    await page
      .locator('section[aria-labelledby=per-market-title] th', { hasText: 'Realised PnL (net of fees)' })
      .waitFor();
    await page.screenshot({ path: screenshotPath('trades'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: screenshotPath('trades-phone'), fullPage: true });
    await page.close();
  });

  it('exports the selected orders as CSV', async () => {
    const page = await tradesPage();
    await page.getByRole('combobox', { name: 'Trader', exact: true }).selectOption({ label: ALPHA });
    await page.getByText('2 orders shown').waitFor();
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(file.suggestedFilename()).toBe('tradeloop-orders.csv');
    const text = fs.readFileSync((await file.path())!, 'utf8');
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,createdAt,pair,side,type,status,price,quantity,filledQuantity,averagePrice,fee,traderId,clientOrderId,updatedAt,traderName',
    );
    expect(lines).toHaveLength(3);
    expect(lines.every((l, i) => i === 0 || l.includes(`,${alpha},`))).toBe(true);
    expect(lines[1]!.endsWith(',"Alpha ""A"", first"')).toBe(true);
    expect(text).toContain(',alpha-1,');
    expect(lines.slice(1).map((l) => l.split(',')[3])).toEqual(['sell', 'buy']);
    await page.getByText('Exported 2 orders.').waitFor();
    await page.close();
  });
});
