/**
 * Copy trading in headless Chromium against the real API with the copy
 * engine running (startBackground) and simulated leaders trading every
 * ~500 ms: Discover lists leaders, sorts them, shows the Polymarket source's
 * error in words when its upstream is unreachable, refuses a bad follow with
 * the server's message beside the field, follows a simulated scalper; the
 * Traders page then shows the trader's source and a copy decision pushed on
 * the `copies` topic without a reload.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, dashboardServer, launchBrowser, screenshotPath } from '../support/browser.js';

const LEADER = 'sim-scalper-1';
/** Bounded wait for the engine's first copy of the followed leader. */
const FIRST_COPY_MS = 20_000;

describe.runIf(chromiumAvailable())(
  'dashboard copy trading: Discover, follow, live copies in Chromium',
  () => {
    let server: Awaited<ReturnType<typeof dashboardServer>>;
    let browser: Browser;

    beforeAll(async () => {
      [server, browser] = await Promise.all([
        dashboardServer({
          simLeaderIntervalMs: 500,
          // Nothing listens there: the Polymarket source fails at once, as when its upstream is down.
          polymarketDataApi: 'http://127.0.0.1:9',
        }),
        launchBrowser(),
      ]);
      // The copy engine (watchers of followed leaders) runs with the background work, as in `npm start`.
      await server.services.startBackground();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    async function open(path: string, heading: string): Promise<Page> {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${server.url}${path}#token=${server.alice.token}`);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      return page;
    }

    async function latestCopyId(): Promise<number> {
      const res = await server.app.inject({ url: '/api/v1/copies?limit=1', headers: server.alice.headers });
      return (res.json() as { items: { id: number }[] }).items[0]?.id ?? 0;
    }

    it('lists leaders sorted by trades, and says in words when the Polymarket source is unreachable', async () => {
      const page = await open('/discover', 'Discover');
      await page.locator('tr[data-leader]').first().waitFor();
      await page.getByLabel('Sort by').selectOption('trades');
      await page.getByText(/simulated leaders by Trades, 30d/).waitFor();
      await page.getByLabel('7d').check();
      await page.getByText(/simulated leaders by Trades, 7d/).waitFor();
      const trades = await page
        .locator('tr[data-leader] td:nth-child(5)')
        .allTextContents()
        .then((xs) => xs.map((x) => Number(x.replace(/,/g, ''))));
      expect(trades.length).toBeGreaterThan(5);
      expect(trades).toEqual([...trades].sort((a, b) => b - a));
      await page.getByText('Paper balance').waitFor();

      await page.getByLabel('Source').selectOption('polymarket');
      const alert = page.getByRole('alert');
      await alert.getByText(/Leaders from polymarket could not be loaded/).waitFor();
      await expect(alert.textContent()).resolves.toMatch(/503 DEPENDENCY_UNAVAILABLE/);
      await page.screenshot({ path: screenshotPath('discover-polymarket-offline') });
      await page.getByLabel('Source').selectOption('simulated');
      await page.locator(`tr[data-leader="${LEADER}"]`).waitFor();
      await page.close();
    });

    it('follows a simulated scalper from Discover and sees its first copy on Traders without a reload', async () => {
      const page = await open('/discover', 'Discover');
      await page.getByLabel('Sort by').selectOption('trades');
      const row = page.locator(`tr[data-leader="${LEADER}"]`);
      await row.waitFor();
      await row.getByRole('button', { name: 'Trades of' }).click();
      await page.locator('tr.expanded table tbody tr').first().waitFor();
      await row.getByRole('button', { name: /^Follow / }).click();
      const form = page.locator('form.follow-form');
      await form.waitFor();
      const leaderName = await row.locator('.name').textContent();
      await expect(form.getByLabel('Name').inputValue()).resolves.toBe(leaderName);

      // A refusal: the problem beside the field in words, nothing created.
      await form.getByLabel('Stop loss %').fill('150');
      await form.getByRole('button', { name: 'Start following' }).click();
      const fieldError = form.locator('#follow-sim-scalper-1-stopLossPct-error');
      await fieldError.waitFor();
      await expect(fieldError.textContent()).resolves.toBe('Stop loss must be between 0 and 100 %');
      await expect(form.getByLabel('Stop loss %').getAttribute('aria-invalid')).resolves.toBe('true');
      await page.screenshot({ path: screenshotPath('discover-follow-error') });
      expect(await server.services.traders.list(server.alice.user.id, 10, null)).toEqual([]);

      await form.getByLabel('Fixed amount').fill('50');
      await form.getByLabel('Stop loss %').fill('10');
      await form.getByLabel('Trailing stop %').fill('5');
      await form.getByRole('button', { name: 'Start following' }).click();
      await row.getByRole('link', { name: 'Following' }).waitFor();
      await page.screenshot({ path: screenshotPath('discover') });

      // Client-side navigation: a marker on window survives only if the page does not reload.
      await page.evaluate('window.__sameDocument = true');
      await page.getByRole('navigation').getByRole('link', { name: 'Traders' }).click();
      await page.getByRole('heading', { name: 'Traders', exact: true }).waitFor();
      const trader = page.locator('tr[data-trader-id]', { hasText: leaderName! });
      await trader.waitFor();
      await expect(trader.locator('.source-tag').textContent()).resolves.toBe('simulated');
      await page.locator('.copy-list .stream-state.live').waitFor();
      // Everything decided after this is known only from the stream.
      const before = await latestCopyId();
      // Newest first: the first row holds the latest decision the page has.
      const newest = page.locator('tr[data-copy-id]').first();
      await expect
        .poll(async () => Number((await newest.count()) ? await newest.getAttribute('data-copy-id') : 0), {
          timeout: FIRST_COPY_MS,
        })
        .toBeGreaterThan(before);
      await trader
        .locator('.copies-cell')
        .getByText(/\d+ copied/)
        .waitFor();
      await expect(page.evaluate('window.__sameDocument')).resolves.toBe(true);
      await page.screenshot({ path: screenshotPath('traders-copies') });

      // The decisions shown are the server's.
      const shownId = Number(await page.locator('tr[data-copy-id]').first().getAttribute('data-copy-id'));
      const res = await server.app.inject({ url: `/api/v1/copies?limit=500`, headers: server.alice.headers });
      expect((res.json() as { items: { id: number }[] }).items.map((c) => c.id)).toContain(shownId);
      await page.close();
    });
  },
);
