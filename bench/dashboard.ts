/**
 * The dashboard in headless Chromium over loopback, on the real app:
 * - dashboard-js-gzip: every JS file of the build, gzipped (target <= 150 KB);
 * - dashboard-traders-first-render: navigation to the traders page until all
 *   10,000 traders are loaded and the first rows drawn (<= 1 s, DOM rows <= 200),
 *   against a static HTML page holding the same first 50 rows in the same browser;
 * - dashboard-toggle-settled: click on a switch -> server acknowledged -> switch
 *   settled, p95 over 100 clicks (<= 50 ms), against a bare fetch PATCH from the page;
 * - dashboard-home-first-paint (bench/dashboard-home.ts): the Home page with
 *   10,000 traders, 1,000 open positions and 100,000 orders (<= 1 s).
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { dashboardRoutes } from '../src/api/routes/dashboard.js';
import { buildApp } from '../src/app.js';
import { buildServices } from '../src/container.js';
import { chromiumAvailable, ensureWebBuild, launchBrowser } from '../test/support/browser.js';
import { homeFirstPaint } from './dashboard-home.js';
import type { Benchmark } from './lib/context.js';
import { benchConfig, createTraders } from './lib/fixtures.js';
import { result } from './lib/result.js';

const TRADERS = 10_000;
const RENDER_RUNS = 5;
const CLICKS = 100;
const MAX_JS_KB = 150;
const MAX_RENDER_MS = 1000;
const MAX_DOM_ROWS = 200;
const MAX_TOGGLE_P95_MS = 50;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}
const median = (xs: number[]) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

function jsGzipBytes(dist: string): { total: number; files: string[] } {
  const dir = path.join(dist, 'assets');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.js'));
  const sizes = files.map((f) => ({
    f,
    gz: gzipSync(fs.readFileSync(path.join(dir, f)), { level: 9 }).length,
  }));
  return {
    total: sizes.reduce((s, x) => s + x.gz, 0),
    files: sizes.map((x) => `${x.f.replace(/-[\w-]{8}\.js$/, '.js')} ${(x.gz / 1024).toFixed(1)} KB`),
  };
}

/** Records, from navigation start, when the first trader row and the full count appear. */
const WATCH_RENDER = `
  window.__marks = {};
  new MutationObserver(() => {
    const m = window.__marks;
    if (m.firstRow === undefined && document.querySelector('tr[data-trader-id]')) m.firstRow = performance.now();
    if (m.all === undefined && document.getElementById('traders-summary')?.textContent?.startsWith('${TRADERS} traders'))
      m.all = performance.now();
  }).observe(document, { childList: true, subtree: true, characterData: true });
`;

/**
 * Code run in the page, as source text: the root tsconfig has no DOM types,
 * and tsx would wrap named functions in a `__name` helper the page lacks.
 */
const IN_PAGE = {
  marksAfterFrame: `new Promise((resolve) => requestAnimationFrame(() => resolve({
    ...window.__marks, painted: performance.now(), rows: document.querySelectorAll('tr[data-trader-id]').length,
  })))`,
  nextFrame: 'new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())))',
  clickLoop: (ids: number[]) => `(async (list) => {
    const out = [];
    for (const id of list) {
      const find = () => document.querySelector('tr[data-trader-id="' + id + '"] [role=switch]');
      let btn = find();
      if (!btn) {
        document.querySelector('.traders-scroll').scrollTop = 0;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        btn = find();
      }
      const want = btn.getAttribute('aria-checked') === 'true' ? 'false' : 'true';
      const t0 = performance.now();
      await new Promise((resolve) => {
        const obs = new MutationObserver(() => {
          if (btn.getAttribute('aria-checked') === want && !btn.hasAttribute('data-pending')) {
            obs.disconnect();
            resolve();
          }
        });
        obs.observe(btn, { attributes: true });
        btn.click();
      });
      out.push(performance.now() - t0);
    }
    return out;
  })(${JSON.stringify(ids)})`,
  fetchLoop: (ids: number[], token: string) => `(async (list) => {
    const out = [];
    for (let i = 0; i < list.length; i++) {
      const t0 = performance.now();
      const r = await fetch('/api/v1/traders/' + list[i], {
        method: 'PATCH',
        headers: { authorization: 'Bearer ' + ${JSON.stringify(token)}, 'content-type': 'application/json' },
        body: JSON.stringify({ enabled: i % 2 === 0 }),
      });
      await r.json();
      out.push(performance.now() - t0);
    }
    return out;
  })(${JSON.stringify(ids)})`,
};

interface RenderMarks {
  firstRow: number;
  all: number;
  painted: number;
  rows: number;
}

async function renderOnce(browser: Browser, url: string, token: string) {
  // The page's CSP forbids eval, which string-evaluated measuring code needs.
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  await ctx.addInitScript(
    `sessionStorage.setItem('tradeloop.token', ${JSON.stringify(token)});${WATCH_RENDER}`,
  );
  const page = await ctx.newPage();
  await page.goto(`${url}/traders`);
  await page.waitForFunction('window.__marks.all !== undefined', null, { timeout: 30_000 });
  // The frame after the full count is in the DOM: rows painted.
  const marks = (await page.evaluate(IN_PAGE.marksAfterFrame)) as RenderMarks;
  return { ctx, page, marks };
}

async function staticReference(browser: Browser, url: string): Promise<number> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(url);
  const t = (await page.evaluate(IN_PAGE.nextFrame)) as number;
  await ctx.close();
  return t;
}

function staticHtml(rows: { name: string; address: string }[]): string {
  const tr = rows
    .map(
      (r) =>
        `<tr><td><input type="checkbox"></td><th>${r.name}<br><small>${r.address}</small></th><td><button role="switch" aria-checked="true"></button></td><td>25</td><td>10</td><td>1,000</td><td>0.5</td><td>0</td><td>—</td><td>0</td><td><button>Edit</button></td></tr>`,
    )
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>reference</title></head><body><h1>Traders</h1><table><tbody>${tr}</tbody></table></body></html>`;
}

/** In the page: click each switch, wait until it shows the new state and is no longer pending. */
async function clickLoop(page: Page, ids: number[]): Promise<number[]> {
  return (await page.evaluate(IN_PAGE.clickLoop(ids))) as number[];
}

/** The same PATCH the switch sends, from the page with fetch, no UI. */
async function fetchLoop(page: Page, ids: number[], token: string): Promise<number[]> {
  return (await page.evaluate(IN_PAGE.fetchLoop(ids, token))) as number[];
}

export const dashboard: Benchmark = {
  name: 'dashboard',
  async run(ctx) {
    if (!chromiumAvailable())
      throw new Error('Chromium is missing at /usr/bin/chromium: the dashboard benchmarks need it');
    const dist = await ensureWebBuild();
    const js = jsGzipBytes(dist);
    const out = [
      result({
        name: 'dashboard-js-gzip',
        value: Math.round((js.total / 1024) * 10) / 10,
        unit: 'KB',
        target: `<= ${MAX_JS_KB} KB`,
        pass: js.total <= MAX_JS_KB * 1024,
        notes: [
          `gzip -9 of every JS file in web/dist/assets: ${js.files.join(', ')}`,
          'the chart library loads only on the markets and research pages',
        ],
      }),
    ];

    const services = await buildServices(benchConfig(ctx.tempDir('dashboard')), { warming: false });
    ctx.defer(() => services.close());
    const app = await buildApp(services);
    if (!app.hasRoute({ method: 'GET', url: '/*' })) await dashboardRoutes(app, { root: dist });
    await app.listen({ host: '127.0.0.1', port: 0 });
    ctx.defer(() => app.close());
    const addr = app.server.address();
    const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const { user, token } = await services.users.create('bench');
    ctx.log(`creating ${TRADERS} traders`);
    const ids = await createTraders(services, user.id, TRADERS);
    const first = await services.traders.list(user.id, 50, null);

    const ref = Fastify({ logger: false });
    const html = staticHtml(first.map((t) => ({ name: t.name, address: t.address })));
    ref.get('/', (_req, reply) => reply.type('text/html').send(html));
    await ref.listen({ host: '127.0.0.1', port: 0 });
    ctx.defer(() => ref.close());
    const refAddr = ref.server.address();
    const refUrl = `http://127.0.0.1:${typeof refAddr === 'object' && refAddr ? refAddr.port : 0}`;

    const browser = await launchBrowser();
    ctx.defer(() => browser.close());
    ctx.log(`first render of the traders page, ${RENDER_RUNS} runs (fresh browser context each)`);
    const runs: RenderMarks[] = [];
    const refs: number[] = [];
    await renderOnce(browser, url, token).then((r) => r.ctx.close()); // warm-up
    await staticReference(browser, refUrl);
    let kept: Awaited<ReturnType<typeof renderOnce>> | undefined;
    for (let i = 0; i < RENDER_RUNS; i++) {
      refs.push(await staticReference(browser, refUrl));
      const r = await renderOnce(browser, url, token);
      runs.push(r.marks);
      if (i === RENDER_RUNS - 1) kept = r;
      else await r.ctx.close();
    }
    const painted = median(runs.map((r) => r.painted));
    const maxRows = Math.max(...runs.map((r) => r.rows));
    out.push(
      result({
        name: 'dashboard-traders-first-render',
        value: Math.round(painted),
        unit: 'ms',
        target: `<= ${MAX_RENDER_MS} ms with all ${TRADERS} traders loaded; DOM rows <= ${MAX_DOM_ROWS}`,
        reference: {
          name: 'static HTML with the same first 50 rows',
          value: Math.round(median(refs) * 10) / 10,
          unit: 'ms',
        },
        pass: painted <= MAX_RENDER_MS && maxRows <= MAX_DOM_ROWS,
        notes: [
          `median of ${RENDER_RUNS} navigations from navigation start to the frame after "${TRADERS} traders" shows`,
          `first rows drawn at ${Math.round(median(runs.map((r) => r.firstRow)))} ms (median), all loaded at ${Math.round(median(runs.map((r) => r.all)))} ms`,
          `DOM rows: ${maxRows} (virtualised; viewport 1280x800)`,
          `traders fetched in pages of 500 over loopback, headless Chromium ${browser.version()}`,
        ],
      }),
    );

    ctx.log(`${CLICKS} toggle clicks, then ${CLICKS} bare PATCHes from the page`);
    const page = kept!.page;
    const targets = ids.slice(0, 10);
    const order = Array.from({ length: CLICKS }, (_, i) => targets[i % targets.length]!);
    await clickLoop(page, order.slice(0, 10)); // warm-up
    const clicks = (await clickLoop(page, order)).sort((a, b) => a - b);
    await fetchLoop(page, ids.slice(100, 110), token);
    const bare = (await fetchLoop(page, ids.slice(200, 200 + CLICKS), token)).sort((a, b) => a - b);
    await kept!.ctx.close();
    const p95 = quantile(clicks, 0.95);
    out.push(
      result({
        name: 'dashboard-toggle-settled',
        value: Math.round(p95 * 10) / 10,
        unit: 'ms p95',
        target: `p95 <= ${MAX_TOGGLE_P95_MS} ms`,
        reference: {
          name: 'bare fetch PATCH from the page, p95',
          value: Math.round(quantile(bare, 0.95) * 10) / 10,
          unit: 'ms p95',
        },
        pass: p95 <= MAX_TOGGLE_P95_MS,
        notes: [
          `${CLICKS} clicks on ${targets.length} switches in turn, timed in the page from click() to the switch showing the new state with no pending mark (a MutationObserver)`,
          `p50 ${quantile(clicks, 0.5).toFixed(1)} ms, max ${clicks[clicks.length - 1]!.toFixed(1)} ms; bare PATCH p50 ${quantile(bare, 0.5).toFixed(1)} ms`,
          `${TRADERS} traders loaded in the page; PATCH with If-Match, SQLite commit before the answer`,
        ],
      }),
    );
    ctx.log('Home first paint with 1,000 open positions and 100,000 orders');
    out.push(await homeFirstPaint(ctx, { browser, url, token, services, userId: user.id, traderIds: ids }));
    return out;
  },
};
