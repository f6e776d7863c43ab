/**
 * What a page shows must not depend on when its stream subscribed. A change
 * made after a page's first read but before its subscription reached the
 * server, or while the stream was down, is pushed to nobody; the pages read
 * their data again each time the stream is live. Here the browser's
 * WebSocket holds the `subscribe` message back (an init script wraps
 * `WebSocket.prototype.send`) until the test has made such a change, then
 * lets it go; or the test closes the page's socket and makes the change
 * while it reconnects. Without the read on subscribe, no push carries the
 * change: a position closed meanwhile stays on Positions, and a copy decision
 * or a trader followed elsewhere never appears on Traders (tried: each case
 * fails with the reads taken out). Positions opened meanwhile could also
 * arrive with their next price tick, so they are not what decides.
 *
 * Real server, real engine (simulated leaders trading every ~500 ms), headless
 * Chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, dashboardServer, launchBrowser, screenshotPath } from '../support/browser.js';

const LEADER = 'sim-scalper-1';
/** Bounded wait for the engine's next decision for the follow. */
const DECISION_MS = 20_000;
/** Bounded wait for a page to show what it read (no push will bring it: a failure names the row). */
const SHOWN_MS = 10_000;

/** Runs in the page before its scripts: sockets are recorded, and `subscribe` can be held back. */
const HOLD_SUBSCRIBE = `(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.__held = [];
  window.__hold = true;
  class Held extends Native {
    constructor(...args) { super(...args); window.__sockets.push(this); }
    send(data) {
      if (window.__hold && String(data).includes('"type":"subscribe"')) window.__held.push([this, data]);
      else super.send(data);
    }
  }
  window.WebSocket = Held;
  window.__release = () => {
    window.__hold = false;
    for (const [ws, data] of window.__held.splice(0)) if (ws.readyState === 1) ws.send(data);
  };
  window.__drop = () => {
    window.__hold = true;
    for (const ws of window.__sockets) if (ws.readyState === 1) ws.close();
  };
})();`;

/** Until `n` subscribe messages are held back (each socket of the page asked once). */
async function waitHeld(page: Page, n: number): Promise<void> {
  await expect.poll(() => page.evaluate('window.__held.length'), { timeout: 10_000, interval: 100 }).toBe(n);
}

describe.runIf(chromiumAvailable())('dashboard pages read again when their stream subscribes', () => {
  let server: Awaited<ReturnType<typeof dashboardServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([dashboardServer({ simLeaderIntervalMs: 500 }), launchBrowser()]);
    await server.services.startBackground();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const alice = () => server.alice.user.id;

  /**
   * Opens `path` with `subscribe` held back; the page has done its first read (the response to
   * `firstRead`) and each of its `streams` sockets has asked to subscribe when this returns.
   */
  async function openHeld(path: string, heading: string, firstRead: string, streams: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript(HOLD_SUBSCRIBE);
    const read = page.waitForResponse((r) => r.url().includes(firstRead) && r.status() === 200);
    await page.goto(`${server.url}${path}#token=${server.alice.token}`);
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
    await read;
    await waitHeld(page, streams);
    return page;
  }

  async function newestCopyId(): Promise<number> {
    const res = await server.app.inject({ url: '/api/v1/copies?limit=1', headers: server.alice.headers });
    return (res.json() as { items: { id: number }[] }).items[0]?.id ?? 0;
  }

  /** Waits until the engine has decided something newer than `after` for alice; returns its id. */
  async function decisionAfter(after: number): Promise<number> {
    let id = 0;
    await expect
      .poll(async () => (id = await newestCopyId()), { timeout: DECISION_MS, interval: 100 })
      .toBeGreaterThan(after);
    return id;
  }

  it('Positions: a position opened and one closed before the subscription show once it subscribes', async () => {
    const kept = await server.services.positions.open(alice(), { marketId: 'BTC/USDT', size: '0.5' });
    const closed = await server.services.positions.open(alice(), { marketId: 'ETH/USDT', size: '1' });
    const page = await openHeld('/positions', 'Positions', '/api/v1/positions?status=open', 1);
    await page.locator(`tr[data-position-id="${closed.id}"]`).waitFor();
    await expect(page.getByText('Prices: Connecting…').count()).resolves.toBe(1);

    // Pushed to nobody: the page has read, its subscription is not there yet.
    const opened = await server.services.positions.open(alice(), { marketId: 'SOL/USDT', size: '3' });
    await server.services.positions.close(alice(), closed.id);
    await page.evaluate('window.__release()');
    await page.getByText('Prices: Live').waitFor();
    await page.locator(`tr[data-position-id="${opened.id}"]`).waitFor({ timeout: SHOWN_MS });
    await page
      .locator(`tr[data-position-id="${closed.id}"]`)
      .waitFor({ state: 'detached', timeout: SHOWN_MS });
    await page.locator(`tr[data-position-id="${kept.id}"]`).waitFor({ timeout: SHOWN_MS });

    // The same after a drop: the change made while the page reconnects shows once it is back.
    await page.evaluate('window.__drop()');
    await page.getByText(/Prices: (Offline|Connecting)/).waitFor();
    const whileDown = await server.services.positions.open(alice(), { marketId: 'XRP/USDT', size: '10' });
    await waitHeld(page, 1);
    await page.evaluate('window.__release()');
    await page.locator(`tr[data-position-id="${whileDown.id}"]`).waitFor({ timeout: SHOWN_MS });
    await page.close();
  });

  it('Traders: a copy decided before the subscription shows once it subscribes, and its trade counts', async () => {
    const trader = await server.services.traders.create(alice(), {
      name: 'Resync scalper',
      source: 'simulated',
      address: LEADER,
      allocation: '100000',
      followOptions: { copyMode: 'fixed', fixedAmount: '10' },
    });
    await decisionAfter(0);
    // Two streams: the traders' and the copies'.
    const page = await openHeld('/traders', 'Traders', '/api/v1/copies?limit=', 2);
    const row = page.locator(`tr[data-trader-id="${trader.id}"]`);
    await row.waitFor();
    const shown = Number(await page.locator('tr[data-copy-id]').first().getAttribute('data-copy-id'));
    const missed = await decisionAfter(shown);
    await page.evaluate('window.__release()');
    await page.locator('.copy-list .stream-state.live').waitFor();
    await page.locator(`tr[data-copy-id="${missed}"]`).waitFor({ timeout: SHOWN_MS });

    // The performance columns follow the copies without "Refresh performance".
    const tradesCell = row.locator('td.col-trades');
    const serverTrades = async () => {
      const res = await server.app.inject({
        url: '/api/v1/traders/performance',
        headers: server.alice.headers,
      });
      return (res.json() as { items: { traderId: number; trades: number }[] }).items.find(
        (p) => p.traderId === trader.id,
      )!.trades;
    };
    const before = Number((await tradesCell.textContent())?.replace(/,/g, ''));
    await expect.poll(serverTrades, { timeout: DECISION_MS }).toBeGreaterThan(before);
    await expect
      .poll(async () => Number((await tradesCell.textContent())?.replace(/,/g, '')), { timeout: 10_000 })
      .toBeGreaterThan(before);

    // After a drop, a trader followed elsewhere while the page reconnects is read again with the rest.
    await page.evaluate('window.__drop()');
    await page.locator('.copy-list .stream-state.offline').waitFor();
    const other = await server.services.traders.create(alice(), {
      name: 'Followed elsewhere',
      source: 'manual',
      address: 'elsewhere-1',
      allocation: '10',
    });
    const missedWhileDown = await decisionAfter(await newestCopyId());
    await waitHeld(page, 2);
    await page.evaluate('window.__release()');
    await page.locator(`tr[data-trader-id="${other.id}"]`).waitFor({ timeout: SHOWN_MS });
    await page.locator(`tr[data-copy-id="${missedWhileDown}"]`).waitFor({ timeout: SHOWN_MS });
    await page.screenshot({ path: screenshotPath('traders-resync') });
    await page.close();
  });
});
