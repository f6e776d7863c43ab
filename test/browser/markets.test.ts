/**
 * Markets in headless Chromium against the real API (simulated venue), at
 * 1440 and 390 px: every word the search hint suggests finds a market; each
 * row shows the price with the venue's 24 h change and volume (the figures
 * /prices answers); a binary market is titled by its question; choosing a
 * market draws its candles with an SMA overlay. Screenshots kept.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, dashboardServer, launchBrowser, screenshotPath } from '../support/browser.js';

describe.runIf(chromiumAvailable())('markets page in Chromium', () => {
  let server: Awaited<ReturnType<typeof dashboardServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([dashboardServer(), launchBrowser()]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(width: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: width > 500 ? 1000 : 844 } });
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/markets#token=${server.alice.token}`);
    await page.getByRole('heading', { name: 'Markets', exact: true }).waitFor();
    await page.getByText(/^\d+ of \d+$/).waitFor();
    return page;
  }

  /** The 24 h change and volume the API answers for `symbol` now. */
  async function figures(symbol: string): Promise<{ change: number; volume: number }> {
    const { items } = await server.services.marketData.prices([symbol]);
    return { change: Number(items[0]!.change24h), volume: Number(items[0]!.volume24h) };
  }

  it('finds what the search hint suggests', async () => {
    const page = await open(1440);
    // The hint is built from the listing as it arrives: wait for both its words (a spot base, a question's word).
    const placeholder = async () =>
      ((await page.getByLabel('Search').getAttribute('placeholder')) ?? '').replace(/^e\.g\. /, '');
    await expect.poll(async () => (await placeholder()).split(', ').length, { timeout: 10_000 }).toBe(2);
    for (const word of (await placeholder()).split(', ')) {
      await page.getByLabel('Search').fill(word);
      await expect(page.getByText(/^\d+ of \d+$/).textContent()).resolves.toMatch(/^[1-9]\d* of /);
      const first = page.locator('.market-list tbody tr').first();
      await expect(first.textContent()).resolves.toMatch(new RegExp(word, 'i'));
    }
    await page.close();
  });

  for (const width of [1440, 390]) {
    it(`shows price, 24 h change and volume beside each market, and a binary market's question, at ${width} px`, async () => {
      const page = await open(width);
      const eth = page.locator('tr[data-symbol="ETH/USDT"]');
      const change = eth.locator('[data-col=change]');
      await expect.poll(() => change.textContent()).toMatch(/^[+−]?\d+\.\d\d %$/);
      const shown = Number((await change.textContent())!.replace('−', '-').replace(' %', ''));
      const api = await figures('ETH/USDT');
      // The page rounds to hundredths; the price may have been refetched since it loaded.
      expect(Math.abs(shown - api.change)).toBeLessThan(0.5);
      const volume = eth.locator('[data-col=volume]');
      await expect(volume.textContent()).resolves.toMatch(/^\d+(\.\d)?[KMB]?$/);
      const exactVolume = Number(await volume.getAttribute('title'));
      expect(Math.abs(exactVolume - api.volume) / api.volume).toBeLessThan(0.05);

      // A binary market: its question is the row's title, its slug beneath, and its Yes price's 24 h change.
      const binary = (await server.services.marketData.markets(500, null)).items.find((m) => m.question)!;
      const row = page.locator(`tr[data-symbol="${binary.symbol}"]`);
      await row.scrollIntoViewIfNeeded();
      await expect(row.getByRole('button').textContent()).resolves.toBe(`${binary.question}${binary.symbol}`);
      await expect(row.getByRole('button').getAttribute('title')).resolves.toBe(
        `${binary.question} (${binary.symbol})`,
      );
      await expect.poll(() => row.locator('[data-col=change]').textContent()).toMatch(/\d %$/);
      for (const cell of [change, volume]) {
        const box = (await cell.boundingBox())!;
        expect(box.x + box.width, `${width} px: the 24 h columns fit`).toBeLessThanOrEqual(width);
      }
      const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow).toBeLessThanOrEqual(0);

      await page.screenshot({ path: screenshotPath(`markets-list-${width}`) });
      await row.getByRole('button').click();
      await page.getByRole('heading', { name: binary.question! }).waitFor();
      await page.getByLabel('Search').fill('ETH/');
      await page.getByRole('button', { name: 'ETH/USDT' }).click();
      await page.getByRole('heading', { name: 'ETH/USDT' }).waitFor();
      await page.locator('[data-rendered=true][aria-label="ETH/USDT 1h candlestick chart"]').waitFor();
      await page.getByText(/Last 1h candle: open/).waitFor();
      await page.screenshot({ path: screenshotPath(`markets-${width}`), fullPage: true });
      await page.close();
    });
  }
});
