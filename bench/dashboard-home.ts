/**
 * dashboard-home-first-paint: navigation to the Home page until its figures
 * are painted (equity, and the open-positions count of the one /overview
 * answer), for a user with 10,000 traders, 1,000 open positions, 5,000
 * closed positions over 60 days and 100,000 orders (target <= 1 s), beside
 * a static HTML page of the same figures in the same browser; the
 * /overview answer itself, fetched from the page, is reported in the notes.
 * Called by bench/dashboard.ts with its server, browser and traders.
 */
import Fastify from 'fastify';
import type { Browser } from 'playwright-core';
import type { Services } from '../src/container.js';
import { DECIMAL_ZERO, decimal } from '../src/domain/decimal.js';
import { PositionRepository } from '../src/store/position-repository.js';
import type { BenchContext } from './lib/context.js';
import { orderStream } from './lib/order-inputs.js';
import { type BenchResult, result } from './lib/result.js';

const OPEN = 1_000;
const CLOSED = 5_000;
const ORDERS = 100_000;
const BATCH = 10_000;
const RUNS = 5;
const MAX_MS = 1000;
const DAY = 86_400_000;
const SYMBOLS = [
  'BTC/USDT',
  'ETH/USDT',
  'SOL/USDT',
  'BNB/USDT',
  'ADA/USDT',
  'DOGE/USDT',
  'LINK/USDT',
  'DOT/USDT',
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** In the page: when the equity figure and the open-positions count of the answer are on screen. */
const WATCH = `
  window.__home = {};
  new MutationObserver(() => {
    const m = window.__home;
    if (m.painted === undefined && document.querySelector('[data-testid=equity-total]') &&
        document.getElementById('open-title')?.textContent?.includes('(${OPEN})'))
      m.painted = performance.now();
  }).observe(document, { childList: true, subtree: true, characterData: true });
`;
const AFTER_FRAME = `new Promise((r) => requestAnimationFrame(() => r(window.__home.painted)))`;
const FETCH_OVERVIEW = (token: string) => `(async () => {
  const t0 = performance.now();
  const r = await fetch('/api/v1/overview', { headers: { authorization: 'Bearer ' + ${JSON.stringify(token)} } });
  await r.json();
  return performance.now() - t0;
})()`;

async function seed(ctx: BenchContext, s: Services, userId: number, traderIds: number[]): Promise<void> {
  const stream = orderStream({
    traderIds: traderIds.slice(0, 100),
    total: ORDERS,
    endMs: Date.now() - 60_000,
    stepMs: 20_000,
    seed: 11,
  });
  for (let done = 0; done < ORDERS; done += BATCH) await s.orders.bulkImport(userId, stream.next(BATCH));
  ctx.log(`${ORDERS} orders imported`);
  const repo = new PositionRepository(s.db);
  const position = (i: number) => ({
    venue: s.venue.capabilities.id,
    marketId: SYMBOLS[i % SYMBOLS.length]!,
    symbol: SYMBOLS[i % SYMBOLS.length]!,
    side: 'long' as const,
    outcome: null,
    outcomeIndex: null,
    size: decimal('0.5'),
    entryPrice: decimal(String(100 + (i % 50))),
    takeProfit: null,
    stopLoss: null,
  });
  const now = Date.now();
  for (let i = 0; i < CLOSED; i++) {
    const at = now - (i % 60) * DAY - 1000;
    const p = await repo.insert(userId, position(i), at - 1000);
    const pnl = decimal(`${i % 3 === 0 ? '-' : ''}${(i % 17) + 0.25}`);
    await s.db.transaction((tx) =>
      repo.close(p.id, 'take_profit', decimal('101'), pnl, DECIMAL_ZERO, at, tx),
    );
  }
  for (let i = 0; i < OPEN; i++) await repo.insert(userId, position(i), now - i);
  ctx.log(`${OPEN} open and ${CLOSED} closed positions`);
}

export async function homeFirstPaint(
  ctx: BenchContext,
  o: {
    browser: Browser;
    url: string;
    token: string;
    services: Services;
    userId: number;
    traderIds: number[];
  },
): Promise<BenchResult> {
  await seed(ctx, o.services, o.userId, o.traderIds);
  const overview = (await (
    await fetch(`${o.url}/api/v1/overview`, { headers: { authorization: `Bearer ${o.token}` } })
  ).json()) as { equity: { total: string }; openPositions: { count: number } };

  const ref = Fastify({ logger: false });
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>reference</title></head><body><h1>Home</h1><p>${overview.equity.total}</p><h2>Open positions (${overview.openPositions.count})</h2></body></html>`;
  ref.get('/', (_req, reply) => reply.type('text/html').send(html));
  await ref.listen({ host: '127.0.0.1', port: 0 });
  ctx.defer(() => ref.close());
  const refAddr = ref.server.address();
  const refUrl = `http://127.0.0.1:${typeof refAddr === 'object' && refAddr ? refAddr.port : 0}`;

  const once = async (): Promise<{ painted: number; fetchMs: number; reference: number }> => {
    const c = await o.browser.newContext({ viewport: { width: 1440, height: 1000 }, bypassCSP: true });
    await c.addInitScript(`sessionStorage.setItem('tradeloop.token', ${JSON.stringify(o.token)});${WATCH}`);
    const page = await c.newPage();
    await page.goto(`${o.url}/`);
    await page.waitForFunction('window.__home.painted !== undefined', null, { timeout: 30_000 });
    const painted = (await page.evaluate(AFTER_FRAME)) as number;
    const fetchMs = (await page.evaluate(FETCH_OVERVIEW(o.token))) as number;
    await page.goto(refUrl);
    const reference = (await page.evaluate(
      'new Promise((r) => requestAnimationFrame(() => r(performance.now())))',
    )) as number;
    await c.close();
    return { painted, fetchMs, reference };
  };
  await once(); // warm-up
  const runs: Awaited<ReturnType<typeof once>>[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once());
  const painted = median(runs.map((r) => r.painted));
  return result({
    name: 'dashboard-home-first-paint',
    value: Math.round(painted),
    unit: 'ms',
    target: `<= ${MAX_MS} ms with 10,000 traders, ${OPEN} open positions, ${ORDERS} orders`,
    reference: {
      name: 'static HTML with the same figures',
      value: Math.round(median(runs.map((r) => r.reference)) * 10) / 10,
      unit: 'ms',
    },
    pass: painted <= MAX_MS,
    notes: [
      `median of ${RUNS} navigations (fresh browser context each) from navigation start to the frame after the equity and "Open positions (${OPEN})" show`,
      `GET /api/v1/overview from the page: median ${median(runs.map((r) => r.fetchMs)).toFixed(1)} ms (three aggregate statements, ${CLOSED} closed positions over 60 days in the bars)`,
      `one request feeds the page; SQLite, loopback, headless Chromium ${o.browser.version()}`,
    ],
  });
}
