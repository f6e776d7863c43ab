/**
 * "What if I had copied" on the Discover page, in headless Chromium against
 * the real API and its job workers: a refused option shows the server's words
 * and marks its field; a copy backtest of one leader shows its return,
 * drawdown, copied and skipped trades (the server's figures); two leaders
 * picked with Compare run side by side with the same options.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SolanaRpcLoopbackServer } from '../fakes/solana/solana-rpc-loopback-server.js';
import { randomAddress } from '../fakes/solana/solana-transactions.js';
import { chromiumAvailable, dashboardServer, launchBrowser, screenshotPath } from '../support/browser.js';

describe.runIf(chromiumAvailable())('Discover: what if I had copied', () => {
  let server: Awaited<ReturnType<typeof dashboardServer>>;
  let browser: Browser;
  let node: SolanaRpcLoopbackServer;

  beforeAll(async () => {
    node = await SolanaRpcLoopbackServer.start();
    [server, browser] = await Promise.all([
      dashboardServer({
        simLeaders: 20,
        simLeaderIntervalMs: 3_600_000,
        copyEngine: 'off',
        solanaRpcUrl: node.url,
      }),
      launchBrowser(),
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await node?.close();
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

  it('a Solana wallet is backtested by address; a malformed address gets the server message', async () => {
    const wallet = randomAddress();
    const mint = randomAddress();
    const at = Math.floor(Date.now() / 1000) - 86_400;
    const spec = { mint, tokenDecimals: 6, quote: 'USDC' as const, tokenUnits: 1_000_000n };
    node.addSwap(wallet, { ...spec, side: 'buy', quoteUnits: 2_000_000n }, at);
    node.addSwap(wallet, { ...spec, side: 'sell', quoteUnits: 2_500_000n }, at + 60);
    const page = await discover();
    await page.getByLabel('Source').selectOption('solana');
    await page.getByText(/no leaderboard/).waitFor();
    await page.getByLabel('Address').fill('0x56687bf447db6ffa42ffe2204a05edaa20f55839');
    await page.getByRole('button', { name: 'What if', exact: true }).click();
    let form = page.locator('form.what-if');
    await form.getByRole('button', { name: 'Run backtest' }).click();
    await form.getByRole('alert').waitFor();
    await expect(form.getByRole('alert').textContent()).resolves.toMatch(/32 bytes in base58/);

    await page.getByLabel('Address').fill(wallet);
    await page.getByRole('button', { name: 'What if', exact: true }).click();
    form = page.getByRole('form', { name: `What if I had copied ${wallet}` });
    await form.getByRole('button', { name: 'Run backtest' }).click();
    const result = form.locator('.what-if-result');
    await result.waitFor({ timeout: 60_000 });
    await expect(result.locator('dt:text("Copied") + dd').textContent()).resolves.toBe('2');
    await page.screenshot({ path: screenshotPath('discover-what-if-solana') });
    await page.close();
  });
});
