/**
 * Session and Settings in headless Chromium against the real API: without
 * "Remember on this device" a new tab must sign in again; with it, a new tab
 * of the same browser is signed in, and signing out in one tab signs out the
 * others; a Telegram link command and deep link; the theme picked stays
 * after a reload.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, dashboardServer, launchBrowser, screenshotPath } from '../support/browser.js';

describe.runIf(chromiumAvailable())('session and settings in Chromium', () => {
  let server: Awaited<ReturnType<typeof dashboardServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([dashboardServer(), launchBrowser()]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(ctx: BrowserContext, remember: boolean): Promise<Page> {
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(server.url);
    await page.getByLabel('API token').fill(server.alice.token);
    if (remember) await page.getByLabel(/Remember on this device/).check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Home', exact: true }).waitFor();
    return page;
  }

  async function newTab(ctx: BrowserContext, path = '/settings'): Promise<Page> {
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}${path}`);
    return page;
  }

  it('keeps the token for the tab only unless remembered', async () => {
    const ctx = await browser.newContext();
    await signIn(ctx, false);
    const other = await newTab(ctx);
    await other.getByLabel('API token').waitFor();
    await ctx.close();
  });

  it('remembered: a new tab is signed in, and signing out in one tab signs out every tab', async () => {
    const ctx = await browser.newContext();
    const first = await signIn(ctx, true);
    const second = await newTab(ctx);
    await second.getByRole('heading', { name: 'Settings', exact: true }).waitFor();
    await expect(second.getByTestId('token-kept').textContent()).resolves.toMatch(/on this device/);
    await first.getByRole('button', { name: 'Sign out' }).click();
    await first.getByLabel('API token').waitFor();
    await second.getByLabel('API token').waitFor();
    const third = await newTab(ctx);
    await third.getByLabel('API token').waitFor();
    await ctx.close();
  });

  it('shows a Telegram link command with its deep link, and keeps the theme picked', async () => {
    const ctx = await browser.newContext({ colorScheme: 'light' });
    const page = await newTab(ctx, `/settings#token=${server.alice.token}`);
    await page.getByRole('heading', { name: 'Settings', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Get a link code' }).click();
    const command = await page.getByTestId('link-command').textContent();
    expect(command).toMatch(/^\/start \S+$/);
    await page.getByLabel("The bot's username (to open it directly)").fill('@tradeloop_bot');
    const href = await page
      .getByRole('link', { name: /Open @tradeloop_bot in Telegram/ })
      .getAttribute('href');
    expect(href).toBe(
      `https://t.me/tradeloop_bot?start=${encodeURIComponent(command!.slice('/start '.length))}`,
    );

    await page.getByLabel('Dark').check();
    await expect(page.evaluate('document.documentElement.dataset.theme')).resolves.toBe('dark');
    const background = 'getComputedStyle(document.body).backgroundColor';
    await expect(page.evaluate(background)).resolves.toBe('rgb(17, 20, 24)');
    await page.screenshot({ path: screenshotPath('settings-dark'), fullPage: true });
    await page.reload();
    await page.getByRole('heading', { name: 'Settings', exact: true }).waitFor();
    await expect(page.evaluate(background)).resolves.toBe('rgb(17, 20, 24)');
    await page.getByLabel('Follow the system').check();
    await expect(page.evaluate(background)).resolves.toBe('rgb(255, 255, 255)');
    await ctx.close();
  });
});
