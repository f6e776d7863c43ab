/**
 * The Bot page in headless Chromium against the real API: paper mode and
 * why, a non-admin refused in words, an admin's start leading to a run
 * with its stage timings and decisions with their reasons, then stop.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, dashboardServer, launchBrowser, screenshotPath } from '../support/browser.js';

describe.runIf(chromiumAvailable())('the Bot page in Chromium', () => {
  let server: Awaited<ReturnType<typeof dashboardServer>>;
  let browser: Browser;

  beforeAll(async () => {
    // A strategy that decides on the first closed bar (RSI(2) below 49 or above 51), so a decision
    // follows the first run instead of waiting for an SMA cross.
    [server, browser] = await Promise.all([
      dashboardServer({
        pipelineStrategy: 'rsi-reversion',
        pipelineStrategyParams: '{"period":2,"oversold":49,"overbought":51}',
        pipelineTimeframe: '1m',
        pipelineWarmupBars: 10,
        pipelineLookbackBars: 50,
        pipelineIntervalMs: 2000,
      }),
      launchBrowser(),
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function botPage(token: string, width = 1440): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 1000 } });
    page.setDefaultTimeout(20_000);
    await page.goto(`${server.url}/bot#token=${token}`);
    await page.getByRole('heading', { name: 'Bot', exact: true }).waitFor();
    await page.getByText(/Why paper:/).waitFor();
    return page;
  }

  it('refuses a start from a non-admin in words', async () => {
    const page = await botPage(server.alice.token);
    await page.getByRole('button', { name: 'Start the bot' }).click();
    await page.getByText('Only an admin can start or stop the bot.').waitFor();
    expect(server.services.pipeline.isRunning).toBe(false);
    await page.close();
  });

  it('starts for an admin: a run with stage timings and decisions with reasons appear; then stops', async () => {
    const page = await botPage(server.admin.token);
    await expect(page.getByTestId('bot-running').textContent()).resolves.toBe('Stopped');
    await page.getByRole('button', { name: 'Start the bot' }).click();
    await page.getByText('Started: it also resumes after a restart.').waitFor();
    await expect.poll(() => page.getByTestId('bot-running').textContent()).toBe('Running');
    await page.getByText(/^Run \d+, /).waitFor({ timeout: 60_000 });
    await page.locator('section[aria-labelledby=bot-run-title] dd', { hasText: / ms$/ }).first().waitFor();
    await page.locator('tr[data-run-id]').first().waitFor();
    await page.locator('tr[data-decision-id]').first().waitFor({ timeout: 60_000 });
    const first = await page.locator('tr[data-decision-id]').first().textContent();
    expect(first).toMatch(/\w/);
    await page.screenshot({ path: screenshotPath('bot'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshotPath('bot-phone'), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.getByRole('button', { name: 'Stop the bot' }).click();
    await expect.poll(() => page.getByTestId('bot-running').textContent()).toBe('Stopped');
    expect(server.services.pipeline.isRunning).toBe(false);
    await page.close();
  }, 120_000);
});
