/**
 * The Bot page in headless Chromium against the real API: paper mode and
 * why, a non-admin refused in words, an admin's start leading to a run
 * with its stage timings and decisions with their reasons, then stop. Both
 * model stages ask the loopback chat-completions server (test/fakes/openai),
 * whose decider fails with a 500 three times in four: the page shows the
 * real calls (stage, model, outcome, tokens, latency, cost) and, for each
 * decision, whether the model decided it or the rules did after a fallback.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChatCompletionsServer,
  type ChatRequest,
  type Reply,
} from '../fakes/openai/chat-completions-server.js';
import { API_KEY, analystAnswer, deciderAnswer, isDecider } from '../pipeline/ai-support.js';
import { chromiumAvailable, dashboardServer, launchBrowser, screenshotPath } from '../support/browser.js';

/** Answers every analyst call; only every fourth decider call, the others a 500. */
function modelFailingThreeDecisionsInFour(): (req: ChatRequest) => Reply {
  let decisions = 0;
  return (req) => {
    if (!isDecider(req)) return { content: JSON.stringify(analystAnswer(req)) };
    decisions++;
    return decisions % 4 === 0 ? { content: JSON.stringify(deciderAnswer(req)) } : { status: 500 };
  };
}

describe.runIf(chromiumAvailable())('the Bot page in Chromium', () => {
  let server: Awaited<ReturnType<typeof dashboardServer>>;
  let browser: Browser;
  let model: ChatCompletionsServer;

  beforeAll(async () => {
    model = await new ChatCompletionsServer(modelFailingThreeDecisionsInFour(), API_KEY).start();
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
        aiBaseUrl: model.baseUrl,
        aiApiKey: API_KEY,
        aiAnalystModel: 'bot-analyst',
        aiDeciderModel: 'bot-decider',
        pipelineAnalyst: 'ai',
        pipelineDecider: 'ai',
        aiPrices: 'bot-analyst=0.15/0.6,bot-decider=2.5/10',
      }),
      launchBrowser(),
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await model?.close();
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

  it('starts for an admin: a run with stage timings, the model calls and decisions with who decided them appear; then stops', async () => {
    const page = await botPage(server.admin.token);
    await expect(page.getByTestId('bot-running').textContent()).resolves.toBe('Stopped');
    await page.getByRole('button', { name: 'Start the bot' }).click();
    await page.getByText('Started: it also resumes after a restart.').waitFor();
    await expect.poll(() => page.getByTestId('bot-running').textContent()).toBe('Running');
    await page.getByText(/^Run \d+, /).waitFor({ timeout: 60_000 });
    await page.locator('section[aria-labelledby=bot-run-title] dd', { hasText: / ms$/ }).first().waitFor();
    await page.locator('tr[data-run-id]').first().waitFor();
    // The first decision is taken on the first 1m bar that closes after the start: up to 60 s away,
    // then a run (every 2 s) and the page's 5 s refresh. 9 s after the bar's close was measured, so a
    // 60 s wait failed whenever the start fell in the last ~10 s of a minute (CI, 2026-12-05).
    await page.locator('tr[data-decision-id]').first().waitFor({ timeout: 90_000 });
    const first = await page.locator('tr[data-decision-id]').first().textContent();
    expect(first).toMatch(/\w/);

    // The model stages' settings and their real calls.
    await expect
      .poll(() => page.getByTestId('bot-models').textContent())
      .toMatch(
        /^Analyst: ai \(bot-analyst\) · Decider: ai \(bot-decider\) · [1-9]\d* calls in the last hour/,
      );
    const analysed = page.locator('tr[data-call-id]', { hasText: 'bot-analyst' }).first();
    await analysed.waitFor();
    const cells = (row: typeof analysed) => row.locator('td, th').allTextContents();
    const [, stage, name, outcome, tokens, latency, cost] = await cells(analysed);
    expect([stage, name, outcome]).toEqual([expect.stringMatching(/^analyst /), 'bot-analyst', 'ok']);
    expect(tokens).toMatch(/^[1-9][\d,]* \/ [1-9][\d,]*$/);
    expect(latency).toMatch(/^\d[\d,]*$/);
    expect(cost).toMatch(/^0\.0*[1-9]\d*$/);
    const failed = page.locator('tr[data-call-id]', { hasText: 'server-error' }).first();
    await failed.waitFor();
    expect((await cells(failed)).slice(1, 4)).toEqual([
      expect.stringMatching(/^decider /),
      'bot-decider',
      expect.stringMatching(/^server-error.*500/),
    ]);

    // Who decided each decision: the model where it answered, the rules (and why) where it failed.
    const byModel = page.locator('tr[data-decision-id] td[data-label="Decided by"]', {
      hasText: /^the model/,
    });
    await byModel.first().waitFor();
    const fellBack = page.locator('tr[data-decision-id] td[data-label="Decided by"]', {
      hasText: /^the rules.*fell back to the rules: decider model server-error/,
    });
    await fellBack.first().waitFor({ timeout: 90_000 }); // a rules decision needs its RSI below 49: the next bar may bring one

    await page.screenshot({ path: screenshotPath('bot'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshotPath('bot-phone'), fullPage: true });
    for (const [section, name] of [
      ['bot-decisions-title', 'bot-decisions-phone'],
      ['bot-models-title', 'bot-model-calls-phone'],
    ])
      await page.locator(`section[aria-labelledby=${section}]`).screenshot({ path: screenshotPath(name!) });
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow, 'the Bot page scrolls sideways at 390 px').toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.getByRole('button', { name: 'Stop the bot' }).click();
    await expect.poll(() => page.getByTestId('bot-running').textContent()).toBe('Stopped');
    expect(server.services.pipeline.isRunning).toBe(false);
    await page.close();
  }, 240_000);
});
