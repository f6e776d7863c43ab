/**
 * Following and unfollowing from the Traders page in headless Chromium,
 * against the real API: every follow option from the form, problems shown
 * beside their fields in words (checked before sending, and the server's
 * refusals too — never a field path), a confirmation that goes away, an
 * unfollow that asks first, and follows made elsewhere (another tab,
 * Telegram: the service itself here) appearing and going without a reload.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, dashboardServer, launchBrowser, screenshotPath } from '../support/browser.js';

describe.runIf(chromiumAvailable())('following from the Traders page in Chromium', () => {
  let server: Awaited<ReturnType<typeof dashboardServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([dashboardServer(), launchBrowser()]);
    await server.services.traders.create(server.alice.user.id, {
      name: 'Existing',
      source: 'manual',
      address: 'existing-1',
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const traders = () => server.services.traders.list(server.alice.user.id, 100, null);

  async function tradersPage(width = 1440): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 1000 } });
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}/traders#token=${server.alice.token}`);
    await page.getByRole('heading', { name: 'Traders', exact: true }).waitFor();
    await page.getByText(/^\d+ traders/).waitFor();
    return page;
  }

  it('follows with every option, showing problems beside their fields in words', async () => {
    const page = await tradersPage();
    await page.getByRole('button', { name: 'Follow a trader' }).click();
    const form = page.getByRole('form', { name: 'Follow a trader' });
    await form.getByRole('button', { name: 'Start following' }).click();
    await form.getByText('Name is required').waitFor();
    await form.getByText('Address is required').waitFor();

    await form.getByLabel('Name').fill('Whale watcher');
    await form.getByLabel('Source').selectOption('polymarket');
    await form.getByLabel('Address').fill('not-a-wallet');
    await form.getByLabel('Stop loss %').fill('150');
    await form.getByLabel('Stop loss %').blur();
    await form.getByText('Stop loss must be between 0 and 100 %').waitFor();
    await expect(form.getByLabel('Stop loss %').getAttribute('aria-invalid')).resolves.toBe('true');
    await form.getByLabel('Stop loss %').fill('8');
    await form.getByLabel('Sizing mode').selectOption('ratio');
    await form.getByLabel('Copy ratio').fill('0.25');
    await form.getByLabel('Take profit %').fill('40');
    await form.getByLabel('Trailing stop %').fill('5');
    await form.getByLabel('Max position size').fill('250');
    await form.getByLabel('Min trade size').fill('1');
    await form.getByLabel('Never these markets').fill('BTC/USDT, ETH/USDT');
    // The server refuses the address for its source: its message lands beside Address, in words.
    await form.getByRole('button', { name: 'Start following' }).click();
    const addressError = form.locator('.field-error').first();
    await addressError.waitFor();
    await expect(addressError.textContent()).resolves.toMatch(/^Address: a Polymarket address is 0x/);
    await expect(form.textContent()).resolves.not.toMatch(/body\.|followOptions\./);
    await page.screenshot({ path: screenshotPath('traders-follow-errors') });
    expect((await traders()).map((t) => t.name)).toEqual(['Existing']);

    await form.getByLabel('Address').fill(`0x${'ab'.repeat(20)}`);
    await form.getByRole('button', { name: 'Start following' }).click();
    const confirmation = page.getByRole('status').filter({ hasText: 'Now following Whale watcher.' });
    await confirmation.waitFor();
    await page.getByRole('switch', { name: 'Follow Whale watcher' }).waitFor();
    const created = (await traders()).find((t) => t.name === 'Whale watcher');
    expect(created).toMatchObject({
      source: 'polymarket',
      followOptions: {
        copyMode: 'ratio',
        copyRatio: '0.25',
        takeProfitPct: '40',
        stopLossPct: '8',
        trailingStopPct: '5',
        maxPositionSize: '250',
        minTradeSize: '1',
        denyMarkets: ['BTC/USDT', 'ETH/USDT'],
      },
    });
    // The confirmation goes away by itself.
    await confirmation.waitFor({ state: 'detached', timeout: 15_000 });
    await page.close();
  });

  it('shows follows made elsewhere, and unfollows only after confirming', async () => {
    const page = await tradersPage();
    const elsewhere = await server.services.traders.create(server.alice.user.id, {
      name: 'From Telegram',
      source: 'manual',
      address: 'tg-1',
    });
    await page.getByRole('switch', { name: 'Follow From Telegram' }).waitFor();
    await server.services.traders.update(server.alice.user.id, elsewhere.id, { enabled: false });
    await page.locator(`tr[data-trader-id="${elsewhere.id}"] [role=switch][aria-checked=false]`).waitFor();

    page.once('dialog', (d) => void d.dismiss());
    await page.getByRole('button', { name: 'Unfollow From Telegram' }).click();
    expect((await traders()).some((t) => t.id === elsewhere.id)).toBe(true);
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await page.getByRole('button', { name: 'Unfollow From Telegram' }).click();
    await page.getByText('No longer following From Telegram.').waitFor();
    expect(asked).toMatch(/^Stop following From Telegram\?/);
    await page.locator(`tr[data-trader-id="${elsewhere.id}"]`).waitFor({ state: 'detached' });
    expect((await traders()).some((t) => t.id === elsewhere.id)).toBe(false);

    // Unfollowed elsewhere: the row goes too.
    const existing = (await traders()).find((t) => t.name === 'Existing')!;
    await server.services.traders.delete(server.alice.user.id, existing.id);
    await page.locator(`tr[data-trader-id="${existing.id}"]`).waitFor({ state: 'detached' });
    await page.screenshot({ path: screenshotPath('traders-follow') });
    await page.close();
  });
});
