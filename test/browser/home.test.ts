/**
 * Home in headless Chromium against the real API: the money first (equity,
 * PnL windows, the daily profit chart), open positions with their totals,
 * the bot, and no alert on an idle fresh start; a position opened elsewhere
 * appears without a reload (a push on `positions` makes the page read the
 * overview again). Screenshots at 1440 and 390 px, and no sideways scroll on
 * the phone.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, dashboardServer, launchBrowser, screenshotPath } from '../support/browser.js';

describe.runIf(chromiumAvailable())('dashboard Home in Chromium', () => {
  let server: Awaited<ReturnType<typeof dashboardServer>>;
  let browser: Browser;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    // The lag ceiling is raised: this process also drives Chromium, and on a loaded test machine
    // its event loop waits for a CPU; start-up work itself is not counted (EventLoopLag.restart).
    [server, browser] = await Promise.all([dashboardServer({ alertEventLoopLagMs: 5_000 }), launchBrowser()]);
    const alice = server.alice.user.id;
    await server.services.positions.open(alice, { marketId: 'BTC/USDT', size: '0.5' });
    const closed = await server.services.positions.open(alice, { marketId: 'ETH/USDT', size: '1' });
    await server.services.positions.close(alice, closed.id);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(width: number, height: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height } });
    page.setDefaultTimeout(10_000);
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(`${server.url}/#token=${server.alice.token}`);
    await page.getByRole('heading', { name: 'Home', exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Equity' }).waitFor();
    return page;
  }

  it('shows equity, PnL windows, the chart, open positions, the bot and no alerts', async () => {
    const page = await open(1440, 1000);
    const overview = (
      await server.app.inject({ method: 'GET', url: '/api/v1/overview', headers: server.alice.headers })
    ).json();
    const total = Number(overview.equity.total).toLocaleString('en-US', { maximumFractionDigits: 2 });
    await expect(page.getByTestId('equity-total').textContent()).resolves.toBe(total);
    for (const label of [
      'Today (realised, net of fees)',
      'Last 7 days (realised, net of fees)',
      'All time (realised, net of fees)',
      'Open now (unrealised)',
    ])
      await page.getByText(label).waitFor();
    await page.getByRole('img', { name: /Profit per UTC day over the last 30 days/ }).waitFor();
    await page.getByRole('heading', { name: /Open positions \(1\)/ }).waitFor();
    await page.getByRole('row', { name: /BTC\/USDT/ }).waitFor();
    await expect(page.getByTestId('bot-state').textContent()).resolves.toBe('Stopped');
    // An idle fresh start raises no alert.
    const alerts = await server.app.inject({
      method: 'GET',
      url: '/api/v1/performance/alerts',
      headers: server.alice.headers,
    });
    expect(alerts.json().alerts).toEqual([]);
    await page.getByText('Nothing needs attention.').waitFor();
    await page.screenshot({ path: screenshotPath('home'), fullPage: true });

    await server.services.positions.open(server.alice.user.id, { marketId: 'SOL/USDT', size: '3' });
    await page.getByRole('heading', { name: /Open positions \(2\)/ }).waitFor();
    await page.getByRole('row', { name: /SOL\/USDT/ }).waitFor();
    await page.close();
    expect(consoleErrors).toEqual([]);
  });

  it('fits a 390 px phone: no sideways scroll, positions as cards', async () => {
    const page = await open(390, 844);
    await page.getByRole('row', { name: /BTC\/USDT/ }).waitFor();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: screenshotPath('home-phone'), fullPage: true });
    await page.close();
  });
});
