/**
 * Research in headless Chromium against the real API: a backtest started
 * from the form reaches 100 %, says what ran in the job list, and shows its
 * metrics, its equity curve with buy and hold beside it, its drawdown and
 * its trades a page at a time (the figures the job's result holds); a Monte
 * Carlo run on its trades draws a histogram with a y-axis and gives the
 * 5th/50th/95th percentiles of final equity and of drawdown; both forms keep
 * their values across a reload. A backtest replaying the AI decider's
 * answers recorded in the call log says how many bars they decided, which
 * fell back to the rules (in words) and what was refused, and a replay with
 * nothing recorded is refused beside the checkbox. The results again at 390
 * px. Skipped, saying so, when the server has no research API.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCallRepository } from '../../src/store/model-call-repository.js';
import { chromiumAvailable, dashboardServer, launchBrowser, screenshotPath } from '../support/browser.js';
import { noteSkip } from '../support/skip-notice.js';

interface Trade {
  entryTs: number;
  exitTs: number;
  pnl: number;
}
interface Percentiles {
  p5: number;
  p50: number;
  p95: number;
}

interface ReplaySummary {
  replayed: { count: number };
  fellBack: { count: number; ranges: [number, number][] };
  refused: { count: number };
}

const HOUR = 3_600_000;
const DECIDER = 'recorded-decider';
/** Decider answers (its schema's form): entries with a stop and target far from any price, holds, an exit. */
const ENTER = {
  action: 'enter',
  size: 0.5,
  stop: null,
  target: null,
  confidence: 0.7,
  rationale: 'trend up',
};
const HOLD = { action: 'hold', size: 0, stop: null, target: null, confidence: 0.5, rationale: 'wait' };
const EXIT = { action: 'exit', size: 0, stop: null, target: null, confidence: 0.6, rationale: 'done' };

/** The page's number formatting (en-US, at most `digits` decimals). */
const shown = (v: number, digits = 2) => v.toLocaleString('en-US', { maximumFractionDigits: digits });
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

describe.runIf(chromiumAvailable())('dashboard research page in Chromium', () => {
  let server: Awaited<ReturnType<typeof dashboardServer>>;
  let browser: Browser;
  let hasResearch = false;
  let backtestId = 0;
  let monteCarloId = 0;

  beforeAll(async () => {
    [server, browser] = await Promise.all([dashboardServer(), launchBrowser()]);
    const probe = await fetch(`${server.url}/api/v1/strategies`, { headers: server.alice.headers });
    hasResearch = probe.status === 200;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(width: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: width > 500 ? 1000 : 844 } });
    page.setDefaultTimeout(20_000);
    await page.goto(`${server.url}/research#token=${server.alice.token}`);
    await page.getByRole('heading', { name: 'Research', exact: true }).waitFor();
    return page;
  }

  async function job<R>(id: number): Promise<R> {
    const r = await fetch(`${server.url}/api/v1/jobs/${id}`, { headers: server.alice.headers });
    return ((await r.json()) as { result: R }).result;
  }

  async function finish(page: Page, type: string): Promise<number> {
    const row = page.locator('tr[data-job-id]', { hasText: type }).first();
    await row.locator('[role=progressbar][aria-valuenow="100"]').waitFor({ timeout: 60_000 });
    await page.locator(`tr[data-status="succeeded"]`, { hasText: type }).first().waitFor({ timeout: 60_000 });
    await row.getByRole('button', { name: 'Show result' }).click();
    return Number(await row.getAttribute('data-job-id'));
  }

  it('runs a backtest and shows its trades and buy and hold, then a Monte Carlo with percentiles', async (ctx) => {
    if (!hasResearch) {
      noteSkip('[skip] research browser test skipped: GET /api/v1/strategies is 404 on this server');
      ctx.skip();
    }
    const page = await open(1440);
    await page.getByLabel('Strategy').selectOption('sma-cross');
    await page.getByLabel('fast', { exact: true }).fill('5');
    await page.getByLabel('slow', { exact: true }).fill('20');
    await page.getByLabel('Initial capital').fill('25000');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    const row = page.locator('tr[data-job-id]').first();
    await row.waitFor();
    // The job list says what ran: the strategy with its parameters, the data and its dates.
    await expect(row.locator('.address').textContent()).resolves.toMatch(
      /^sma-cross fast 5, slow 20 · BTC\/USDT 1h \d{4}-\d\d-\d\d → \d{4}-\d\d-\d\d$/,
    );
    backtestId = await finish(page, 'backtest');
    const result = await job<{ trades: Trade[]; buyAndHold: { totalReturn: number } }>(backtestId);

    await page.getByRole('img', { name: 'Equity curve, strategy and buy and hold' }).waitFor();
    await page
      .locator('[data-rendered=true][aria-label="Equity curve, strategy and buy and hold"]')
      .waitFor();
    await page.locator('[data-rendered=true][aria-label^="Drawdown"]').waitFor();
    // Metrics named in words, returns and drawdown as percentages; buy and hold beside the strategy's return.
    await page.getByText('Largest drawdown').waitFor();
    await expect(page.locator('[data-metric=totalReturn]').textContent()).resolves.toMatch(/^-?[\d,.]+ %$/);
    await expect(page.locator('[data-metric=buyAndHoldReturn]').textContent()).resolves.toBe(
      `${shown(result.buyAndHold.totalReturn * 100)} %`,
    );

    // The trade list: a page of 25 out of all the result's trades, in order, with times and PnL.
    const total = result.trades.length;
    expect(total, 'sma-cross 5/20 over 60 days of hours trades more than a page').toBeGreaterThan(25);
    const pager = page.getByRole('navigation', { name: 'Trade pages' });
    await expect(pager.textContent()).resolves.toContain(`Showing 1–25 of ${total}`);
    const first = page.locator('.backtest-trades tr[data-trade="1"]');
    await expect(first.textContent()).resolves.toContain(utc(result.trades[0]!.entryTs));
    await expect(first.textContent()).resolves.toContain(utc(result.trades[0]!.exitTs));
    await pager.getByRole('button', { name: 'Next' }).click();
    await expect(pager.textContent()).resolves.toContain(`Showing 26–${Math.min(50, total)} of ${total}`);
    const t26 = result.trades[25]!;
    const pnl = page.locator('.backtest-trades tr[data-trade="26"] [data-col=pnl]');
    await expect(pnl.textContent()).resolves.toMatch(
      new RegExp(`^${t26.pnl < 0 ? '−' : '\\+'}${shown(Math.abs(t26.pnl)).replace(/[.]/g, '\\.')}`),
    );
    await page.screenshot({ path: screenshotPath('research-backtest-1440'), fullPage: true });

    await page.getByLabel('Trades from').selectOption(String(backtestId));
    await page.getByLabel('Paths').fill('2000');
    await page.getByRole('button', { name: 'Run Monte Carlo' }).click();
    monteCarloId = await finish(page, 'montecarlo');
    const mc = await job<{
      finalEquity: Percentiles;
      maxDrawdown: Percentiles;
      histogram: { bins: { count: number }[] };
    }>(monteCarloId);
    await page.locator('svg.histogram rect').first().waitFor();
    // The y-axis counts paths from 0 to at least the tallest bin.
    const ticks = (await page.locator('svg.histogram .y-axis text').allTextContents()).slice(0, -1);
    expect(ticks[0]).toBe('0');
    const tallest = Math.max(...mc.histogram.bins.map((b) => b.count));
    expect(Number(ticks.at(-1)!.replace(/,/g, ''))).toBeGreaterThanOrEqual(tallest);
    await expect(page.locator('svg.histogram .axis-title').allTextContents()).resolves.toEqual([
      'paths',
      'final equity',
    ]);
    for (const k of ['p5', 'p50', 'p95'] as const) {
      const r = page.locator(`.mc-percentiles tr[data-percentile=${k}]`);
      await expect(r.locator('[data-col=finalEquity]').textContent()).resolves.toBe(shown(mc.finalEquity[k]));
      await expect(r.locator('[data-col=maxDrawdown]').textContent()).resolves.toBe(
        `${(mc.maxDrawdown[k] * 100).toFixed(1)} %`,
      );
    }
    await page.screenshot({ path: screenshotPath('research-montecarlo-1440'), fullPage: true });

    // Both forms keep their last values.
    await page.reload();
    await expect(page.getByLabel('Initial capital').inputValue()).resolves.toBe('25000');
    await expect(page.getByLabel('fast', { exact: true }).inputValue()).resolves.toBe('5');
    await expect(page.getByLabel('Paths').inputValue()).resolves.toBe('2000');
    await expect(page.getByLabel('Trades from').inputValue()).resolves.toBe(String(backtestId));
    await page.close();
  });

  it("replays the AI decider's recorded answers and says what they decided, what fell back, what was refused", async (ctx) => {
    if (!hasResearch) ctx.skip();
    // What the pipeline's decider answered about BTC/USDT's hourly bars ten days ago, as its call log keeps it.
    const calls = new ModelCallRepository(server.services.db);
    const first = Math.floor((Date.now() - 10 * 24 * HOUR) / HOUR) * HOUR;
    const recorded: [number, object][] = [
      [0, ENTER],
      [1, HOLD],
      [2, EXIT],
      [30, ENTER],
      [31, HOLD],
      [90, { ...ENTER, size: 0.25 }],
    ];
    for (const [h, answer] of recorded) {
      await calls.insert({
        runId: null,
        stage: 'decider',
        symbol: 'BTC/USDT',
        barTs: first + h * HOUR,
        model: DECIDER,
        templateVersion: 'v1',
        promptHash: `h${h}`,
        tokensIn: 100,
        tokensOut: 20,
        latencyMs: 300,
        cost: null,
        outcome: 'ok',
        detail: null,
        answer,
        createdAt: first + h * HOUR + 60_000,
      });
    }
    const page = await open(1440);
    await page.getByLabel('Strategy').selectOption('sma-cross');
    await page.getByLabel('Data').selectOption('simulated');
    await page.getByLabel("Replay the AI decider's recorded answers").check();
    // A model whose answers were never recorded: refused beside the checkbox, nothing queued.
    await page.getByLabel('Model', { exact: true }).fill('never-asked');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    const refusal = page.locator('#bt-replay-error');
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toMatch(/nothing to replay.*never-asked about BTC\/USDT/);

    await page.getByLabel('Model', { exact: true }).fill(DECIDER);
    await page.getByLabel('Mode', { exact: true }).selectOption('ai');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    const id = await finish(page, 'backtest');
    const sent = (await (
      await fetch(`${server.url}/api/v1/jobs/${id}`, { headers: server.alice.headers })
    ).json()) as { params: { modelReplay: unknown } };
    expect(sent.params.modelReplay).toEqual({ stage: 'decider', mode: 'ai', model: DECIDER });
    const { model } = await job<{ model: ReplaySummary }>(id);
    expect(model.replayed.count, 'every recorded bar is in the range').toBe(recorded.length);

    const summary = page.locator('.replay-summary');
    await summary.waitFor();
    const bars = (n: number) => `${shown(n, 0)} ${n === 1 ? 'bar' : 'bars'}`;
    await expect(summary.locator('[data-figure=replayed]').textContent()).resolves.toBe(
      bars(model.replayed.count),
    );
    await expect(summary.locator('[data-figure=fellBack]').textContent()).resolves.toBe(
      bars(model.fellBack.count),
    );
    await expect(summary.locator('[data-figure=refused]').textContent()).resolves.toBe(
      shown(model.refused.count),
    );
    // The runs the rules decided, in words: the recorded bars split them into four.
    expect(model.fellBack.ranges).toHaveLength(4);
    const [[a, b], [c, d]] = model.fellBack.ranges as [[number, number], [number, number]];
    expect(c).toBe(first + 3 * HOUR);
    expect(d).toBe(first + 29 * HOUR);
    await expect(summary.locator('[data-figure=fellBackRanges]').textContent()).resolves.toBe(
      `The rules decided ${bars(model.fellBack.count)} in 4 runs of consecutive bars: ` +
        `from ${utc(a)} to ${utc(b)}, from ${utc(c)} to ${utc(d)}, ` +
        `from ${utc(first + 32 * HOUR)} to ${utc(first + 89 * HOUR)} and ` +
        `from ${utc(first + 91 * HOUR)} to ${utc(model.fellBack.ranges[3]![1])}.`,
    );
    await summary.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('research-replay-1440'), fullPage: true });
    await page.close();

    const narrow = await open(390);
    await narrow.locator(`tr[data-job-id="${id}"]`).getByRole('button', { name: 'Show result' }).click();
    await narrow.locator('.replay-summary').waitFor();
    await narrow.locator('.replay-summary').scrollIntoViewIfNeeded();
    await narrow.screenshot({ path: screenshotPath('research-replay-390-view') });
    const overflow = await narrow.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await narrow.close();
  });

  it('shows the trade list and the percentiles at 390 px without sideways scrolling', async (ctx) => {
    if (!hasResearch || !backtestId || !monteCarloId) ctx.skip();
    const page = await open(390);
    for (const [id, ready, name] of [
      [backtestId, '.backtest-trades tr[data-trade="1"]', 'backtest'],
      [monteCarloId, '.mc-percentiles tr[data-percentile=p95]', 'montecarlo'],
    ] as const) {
      await page.locator(`tr[data-job-id="${id}"]`).getByRole('button', { name: 'Show result' }).click();
      const target = page.locator(ready);
      await target.waitFor();
      await target.scrollIntoViewIfNeeded();
      await page.screenshot({ path: screenshotPath(`research-${name}-390`), fullPage: true });
      await page.screenshot({ path: screenshotPath(`research-${name}-390-view`) });
      const box = (await target.boundingBox())!;
      expect(box.x + box.width, `the ${name} result fits 390 px`).toBeLessThanOrEqual(390);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow).toBeLessThanOrEqual(0);
    }
    await page.close();
  });

  it('says the research API is unavailable, or shows the forms', async () => {
    const page = await open(1440);
    if (hasResearch) await page.getByRole('button', { name: 'Run backtest' }).waitFor();
    else await page.getByText('Research API unavailable').waitFor();
    await page.close();
  });
});
