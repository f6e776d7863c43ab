/**
 * Session and Settings in headless Chromium against the real API: without
 * "Remember on this device" a new tab must sign in again; with it, a new tab
 * of the same browser is signed in, and signing out in one tab signs out the
 * others; a Telegram link command, and with the server's bot running (on
 * the loopback Bot API) a t.me deep link whose start code links the chat,
 * at 1440 and 390 px; the theme picked stays after a reload.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramLinkService } from '../../src/telegram/link-service.js';
import { startTelegramBot } from '../../src/telegram/start-telegram-bot.js';
import { BotApiServer } from '../fakes/telegram/bot-api-server.js';
import { chromiumAvailable, dashboardServer, launchBrowser, screenshotPath } from '../support/browser.js';
import { TOKEN } from '../telegram/bot-harness.js';

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

  it('shows the link command, and no deep link while no bot runs on the server', async () => {
    const page = await newTab(await browser.newContext(), `/settings#token=${server.alice.token}`);
    await page.getByRole('button', { name: 'Get a link code' }).click();
    await expect(page.getByTestId('link-command').textContent()).resolves.toMatch(/^\/start [A-Z2-9]{8}$/);
    await page.getByText('No bot runs on this server').waitFor();
    await expect(page.getByTestId('deep-link').count()).resolves.toBe(0);
    await page.context().close();
  });

  for (const width of [1440, 390]) {
    it(`opens the running bot by a deep link whose code links the chat, at ${width} px`, async () => {
      // The server's bot, started as \`npm start\` does, against the loopback Bot API: getMe names it.
      const tg = await BotApiServer.start({ token: TOKEN });
      const bot = await startTelegramBot(
        { ...server.services, copies: server.services.copy.service },
        { token: TOKEN, apiRoot: tg.apiRoot, status: server.services.telegram, onError: () => {} },
      );
      try {
        const ctx = await browser.newContext({ viewport: { width, height: width > 500 ? 900 : 844 } });
        const page = await newTab(ctx, `/settings#token=${server.alice.token}`);
        await page.getByRole('button', { name: 'Get a link code' }).click();
        const deep = page.getByRole('link', { name: 'Open @tradeloop_test_bot in Telegram' });
        const href = (await deep.getAttribute('href'))!;
        const command = (await page.getByTestId('link-command').textContent())!;
        const code = command.slice('/start '.length);
        expect(href).toBe(`https://t.me/tradeloop_test_bot?start=${code}`);
        const box = (await deep.boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(width);
        await page.screenshot({ path: screenshotPath(`settings-telegram-${width}`), fullPage: true });

        // What Telegram does on "Start" from that link: the chat sends "/start <start parameter>".
        const chat = 5000 + width;
        await tg.exchange(tg.sendText(chat, `/start ${new URL(href).searchParams.get('start')}`));
        const links = createTelegramLinkService(server.services.db, server.services.clock);
        expect(await links.userForChat(chat)).toBe(server.alice.user.id);
        await ctx.close();
      } finally {
        await bot.stop();
        await tg.close();
      }
      expect(server.services.telegram.botUsername).toBeUndefined();
    });
  }

  it('keeps the theme picked', async () => {
    const ctx = await browser.newContext({ colorScheme: 'light' });
    const page = await newTab(ctx, `/settings#token=${server.alice.token}`);
    await page.getByRole('heading', { name: 'Settings', exact: true }).waitFor();
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
