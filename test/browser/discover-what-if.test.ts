/**
 * "What if I had copied" on the Discover page, in headless Chromium against
 * the real API and its job workers: a refused option shows the server's words
 * and marks its field; a copy backtest of one leader shows its return,
 * drawdown, copied and skipped trades (the server's figures); two leaders
 * picked with Compare run side by side with the same options.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, dashboardServer, launchBrowser, screenshotPath } from '../support/browser.js';

describe.runIf(chromiumAvailable())('Discover: what if I had copied', () => {
  let server: Awaited<ReturnType<typeof dashboardServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      dashboardServer({ simLeaders: 20, simLeaderIntervalMs: 3_600_000, copyEngine: 'off' }),
      launchBrowser(),
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function discover(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/discover#token=${server.alice.token}`);
    await page.getByRole('heading', { name: 'Discover', exact: true }).waitFor();
    await page.locator('tr[data-leader]').first().waitFor();
    return page;
  }

  it('backtests copying one leader; a refused option is marked with the server message', async () => {
    const page = await discover();
    const row = page.locator('tr[data-leader]').first();
    const name = (await row.locator('.name').textContent())!;
    await row.getByRole('button', { name: `What if I had copied ${name}` }).click();
    const form = page.getByRole('form', { name: `What if I had copied ${name}` });
    await form.waitFor();
    await form.getByLabel('Per copy').fill('-5');
    await form.getByRole('button', { name: 'Run backtest' }).click();
    await form.getByRole('alert').waitFor();
    await expect(form.getByRole('alert').textContent()).resolves.toMatch(/fixedAmount/);
    await expect(form.getByLabel('Per copy').getAttribute('aria-invalid')).resolves.toBe('true');

    await form.getByLabel('Per copy').fill('100');
    await form.getByLabel('Stop loss %').fill('10');
    await form.getByRole('button', { name: 'Run backtest' }).click();
    const result = form.locator('.what-if-result');
    await result.waitFor({ timeout: 60_000 });
    await page.screenshot({ path: screenshotPath('discover-what-if') });
    const jobId = Number(await result.getAttribute('data-job-id'));
    const job = (
      await server.app.inject({ url: `/api/v1/jobs/${jobId}`, headers: server.alice.headers })
    ).json();
    expect(job.params).toMatchObject({
      kind: 'copy',
      source: 'simulated',
      followOptions: { stopLossPct: '10' },
    });
    const copied = await result.locator('dt:text("Copied") + dd').textContent();
    expect(copied).toBe(job.result.copied.length.toLocaleString('en-US'));
    await expect(result.locator('dt:text("Return")').count()).resolves.toBe(1);
    await page.close();
  });

  it('compares two leaders side by side', async () => {
    const page = await discover();
    const rows = page.locator('tr[data-leader]');
    const names = [
      (await rows.nth(0).locator('.name').textContent())!,
      (await rows.nth(1).locator('.name').textContent())!,
    ];
    await rows
      .nth(0)
      .getByRole('button', { name: `Compare ${names[0]}` })
      .click();
    await page.getByText(/pick a second leader/).waitFor();
    await rows
      .nth(1)
      .getByRole('button', { name: `Compare ${names[1]}` })
      .click();
    const form = page.getByRole('form', { name: 'Compare leaders' });
    await form.getByRole('button', { name: 'Compare' }).click();
    for (const n of names)
      await form
        .getByRole('region', { name: `If you had copied ${n}` })
        .locator('.what-if-result')
        .waitFor({ timeout: 60_000 });
    await page.screenshot({ path: screenshotPath('discover-compare') });
    const ids = await form
      .locator('.what-if-result')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-job-id')));
    expect(new Set(ids).size).toBe(2);
    await page.close();
  });
});
