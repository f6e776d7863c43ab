/**
 * The dashboard in headless Chromium against the real API: signing in (form
 * and start-up link), toggling a trader and finding it toggled after a
 * reload, a refused change rolled back with a message, and the virtualised
 * table holding few DOM rows for many traders.
 */
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, dashboardServer, launchBrowser, screenshotPath } from '../support/browser.js';

const TRADERS = 1_200;

describe.runIf(chromiumAvailable())('dashboard traders page in Chromium', () => {
  let server: Awaited<ReturnType<typeof dashboardServer>>;
  let browser: Browser;
  let ids: number[];

  beforeAll(async () => {
    [server, browser] = await Promise.all([dashboardServer(), launchBrowser()]);
    ids = [];
    for (let i = 0; i < TRADERS; i++) {
      const t = await server.services.traders.create(server.alice.user.id, {
        name: `Trader ${String(i + 1).padStart(4, '0')}`,
        source: 'manual',
        address: `wallet-${i + 1}`,
        allocation: '1000',
        followOptions: { takeProfitPct: '25', stopLossPct: '10', copyRatio: '0.5' },
      });
      ids.push(t.id);
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signedIn(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/traders#token=${server.alice.token}`);
    await page.getByRole('heading', { name: 'Traders' }).waitFor();
    await page.getByText(`${TRADERS} traders`).waitFor();
    return page;
  }

  const switchOf = (page: Page, name: string) => page.getByRole('switch', { name: `Follow ${name}` });

  it('signs in with the token form, and refuses a wrong token', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByLabel('API token').fill('tl_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('refused');
    await page.screenshot({ path: screenshotPath('login') });
    await page.getByLabel('API token').fill(server.alice.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Home', exact: true }).waitFor();
    await page.close();
  });

  it('signs in from the start-up link and takes the token out of the address bar', async () => {
    const page = await signedIn();
    expect(page.url()).toBe(`${server.url}/traders`);
    await page.screenshot({ path: screenshotPath('traders') });
    await page.close();
  });

  it('renders few DOM rows for many traders and reaches the last one by scrolling', async () => {
    const page = await signedIn();
    const rows = await page.locator('tbody tr[data-trader-id]').count();
    expect(rows).toBeGreaterThan(5);
    expect(rows).toBeLessThanOrEqual(200);
    await page.locator('.traders-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await switchOf(page, `Trader ${String(TRADERS).padStart(4, '0')}`).waitFor();
    await page.close();
  });

  it('toggles a trader and finds it toggled after a reload', async () => {
    const page = await signedIn();
    const sw = switchOf(page, 'Trader 0002');
    await expect(sw.getAttribute('aria-checked')).resolves.toBe('true');
    await sw.click();
    await page
      .locator(`tr[data-trader-id="${ids[1]}"] [role=switch][aria-checked=false]:not([data-pending])`)
      .waitFor();
    await page.reload();
    await page.getByText(`${TRADERS} traders`).waitFor();
    await expect(switchOf(page, 'Trader 0002').getAttribute('aria-checked')).resolves.toBe('false');
    expect((await server.services.traders.get(server.alice.user.id, ids[1]!)).enabled).toBe(false);
    await page.close();
  });

  it('rolls a toggle back with a message when the trader changed elsewhere (409)', async () => {
    const page = await signedIn();
    // Changed behind the page's back, in SQL (a change through the service would be pushed to the
    // page on the `traders` topic): the page still holds the old version.
    await server.services.db.kysely
      .updateTable('traders')
      .set({ version: sql`version + 1` })
      .where('id', '=', ids[2]!)
      .execute();
    await switchOf(page, 'Trader 0003').click();
    await page.getByText(/refused: the trader changed elsewhere/).waitFor();
    await expect(switchOf(page, 'Trader 0003').getAttribute('aria-checked')).resolves.toBe('true');
    expect((await server.services.traders.get(server.alice.user.id, ids[2]!)).enabled).toBe(true);
    // Re-read after the refusal: the next try carries the fresh version and goes through.
    await switchOf(page, 'Trader 0003').click();
    await page
      .locator(`tr[data-trader-id="${ids[2]}"] [role=switch][aria-checked=false]:not([data-pending])`)
      .waitFor();
    await page.close();
  });

  it('edits follow options inline, and shows the server refusing a bad value', async () => {
    const page = await signedIn();
    await page.getByRole('button', { name: 'Edit Trader 0004' }).click();
    await page.getByLabel('Stop loss % of Trader 0004').fill('7.5');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator(`tr[data-trader-id="${ids[3]}"] td:nth-child(5)`).getByText('7.5').waitFor();
    await expect
      .poll(
        async () =>
          (await server.services.traders.get(server.alice.user.id, ids[3]!)).followOptions.stopLossPct,
      )
      .toBe('7.5');

    await page.getByRole('button', { name: 'Edit Trader 0004' }).click();
    await page.getByLabel('Copy ratio of Trader 0004').fill('-1');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/Saving follow options of Trader 0004 was refused/).waitFor();
    await expect(page.locator('.edit-errors').textContent()).resolves.toContain('Copy ratio');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.locator(`tr[data-trader-id="${ids[3]}"] td:nth-child(7)`).textContent()).resolves.toBe(
      '0.5',
    );
    await page.close();
  });

  it('enables and disables the selected traders in one batch', async () => {
    const page = await signedIn();
    for (const n of ['0010', '0011', '0012']) await page.getByLabel(`Select Trader ${n}`).check();
    await page.getByRole('button', { name: 'Disable selected' }).click();
    for (const n of ['0010', '0011', '0012']) {
      await page
        .locator(`[role=switch][aria-label="Follow Trader ${n}"][aria-checked=false]:not([data-pending])`)
        .waitFor();
    }
    const after = await Promise.all(
      [9, 10, 11].map((i) => server.services.traders.get(server.alice.user.id, ids[i]!)),
    );
    expect(after.map((t) => t.enabled)).toEqual([false, false, false]);
    await page.close();
  });
});
