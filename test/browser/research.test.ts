/**
 * Research in headless Chromium against the real API: a backtest started
 * from the form reaches 100 % and draws its equity curve and drawdown; a
 * Monte Carlo run on its trades draws its histogram. Skipped, saying so,
 * when the server has no research API.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, dashboardServer, launchBrowser, screenshotPath } from '../support/browser.js';
import { noteSkip } from '../support/skip-notice.js';

describe.runIf(chromiumAvailable())('dashboard research page in Chromium', () => {
  let server: Awaited<ReturnType<typeof dashboardServer>>;
  let browser: Browser;
  let hasResearch = false;

  beforeAll(async () => {
    [server, browser] = await Promise.all([dashboardServer(), launchBrowser()]);
    const probe = await fetch(`${server.url}/api/v1/strategies`, { headers: server.alice.headers });
    hasResearch = probe.status === 200;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${server.url}/research#token=${server.alice.token}`);
    await page.getByRole('heading', { name: 'Research', exact: true }).waitFor();
    return page;
  }

  it('runs a backtest to 100 % and draws its charts, then a Monte Carlo histogram', async (ctx) => {
    if (!hasResearch) {
      noteSkip('[skip] research browser test skipped: GET /api/v1/strategies is 404 on this server');
      ctx.skip();
    }
    const page = await open();
    await page.getByLabel('Initial capital').fill('25000');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    const row = page.locator('tr[data-job-id]').first();
    await row.waitFor();
    // The job list says what ran: the strategy with its parameters, the data and its dates.
    await expect(row.locator('.address').textContent()).resolves.toMatch(/^[a-z-]+ \w+ \d+.* · .+ → /);
    await row.locator('[role=progressbar][aria-valuenow="100"]').waitFor({ timeout: 60_000 });
    await page.locator('tr[data-status="succeeded"]').first().waitFor({ timeout: 60_000 });
    await row.getByRole('button', { name: 'Show result' }).click();
    await page.getByRole('img', { name: 'Equity curve' }).and(page.locator('[data-rendered=true]')).waitFor();
    await expect(
      page.getByRole('img', { name: 'Equity curve' }).locator('canvas').count(),
    ).resolves.toBeGreaterThan(0);
    await page.locator('[data-rendered=true][aria-label^="Drawdown"]').waitFor();
    // Metrics named in words, returns and drawdown as percentages.
    await page.getByText('Largest drawdown').waitFor();
    await expect(page.locator('[data-metric=totalReturn]').textContent()).resolves.toMatch(/^-?[\d,.]+ %$/);
    await expect(page.locator('[data-metric=maxDrawdown]').textContent()).resolves.toMatch(/^[\d,.]+ %$/);
    await page.screenshot({ path: screenshotPath('research-backtest'), fullPage: true });

    const noTrades = await page.getByRole('combobox', { name: 'Trades from' }).locator('option').count();
    if (noTrades > 1) {
      await page.getByRole('button', { name: 'Run Monte Carlo' }).click();
      const mc = page.locator('tr[data-job-id]', { hasText: 'montecarlo' }).first();
      await mc.locator('[role=progressbar][aria-valuenow="100"]').waitFor({ timeout: 60_000 });
      await mc.getByRole('button', { name: 'Show result' }).click();
      await page.locator('svg.histogram rect').first().waitFor();
      await page.screenshot({ path: screenshotPath('research-montecarlo'), fullPage: true });
    }
    // The form keeps its last values.
    await page.reload();
    await expect(page.getByLabel('Initial capital').inputValue()).resolves.toBe('25000');
    await page.close();
  });

  it('says the research API is unavailable, or shows the forms', async () => {
    const page = await open();
    if (hasResearch) await page.getByRole('button', { name: 'Run backtest' }).waitFor();
    else await page.getByText('Research API unavailable').waitFor();
    await page.close();
  });
});
