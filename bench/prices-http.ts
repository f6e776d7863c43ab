/**
 * GET /api/v1/prices?symbols=<50 symbols> on the real app (auth, rate limit,
 * query validation, market-data layer, cache hits, response schema) with the
 * prices warm, under autocannon, against a bare Fastify route returning the
 * same JSON (one real response, captured) under the same load. The services
 * are built as the server builds them (warming on) around a simulated venue
 * whose calls are counted: warm prices should cost almost no upstream call.
 */
import Fastify from 'fastify';
import { buildApp } from '../src/app.js';
import { buildServices } from '../src/container.js';
import { systemClock } from '../src/domain/clock.js';
import { SimulatedVenue } from '../src/venues/simulated/simulated-venue.js';
import type { Benchmark } from './lib/context.js';
import { benchConfig } from './lib/fixtures.js';
import type { LoadResult } from './lib/http-load.js';
import { bareAppAppBare, describeLoad, loopbackUrl } from './lib/load-runs.js';
import { result } from './lib/result.js';
import { formatNumber } from './lib/stats.js';

const SYMBOLS = 50;
const CONNECTIONS = 10;
const DURATION_SEC = 5;
const WARMUP_SEC = 1;
const MIN_RATIO = 0.5;
/** Upstream calls allowed during the measured runs (warming refreshes prices every ~15 s). */
const HANDFUL = 5;

const rate = (r: LoadResult) => formatNumber(r.okPerSec);

interface PricesBody {
  items: { symbol: string; stale: boolean; ageMs: number }[];
  errors: unknown[];
}

export const pricesHttp: Benchmark = {
  name: 'prices-http',
  async run(ctx) {
    const venue = new SimulatedVenue(systemClock, {
      seed: 7,
      maxSymbolsPerBatch: 100,
      rateLimit: { requestsPerSecond: 100, burst: 200 },
    });
    const s = await buildServices(benchConfig(ctx.tempDir('prices-http')), { venue, warming: true });
    ctx.defer(() => s.close());
    const app = await buildApp(s, { logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    ctx.defer(() => app.close());
    const appUrl = loopbackUrl(app);
    const { token } = await s.users.create('bench');
    const headers = { authorization: `Bearer ${token}` };
    const page = await s.marketData.markets(500, null);
    const symbols = page.items
      .filter((m) => m.kind === 'spot')
      .slice(0, SYMBOLS)
      .map((m) => m.symbol);
    const path = `/api/v1/prices?symbols=${symbols.map(encodeURIComponent).join(',')}`;

    // The first read loads the 50 prices (warming them); its body is what the reference serves.
    const get = async (base: string) => {
      const r = await fetch(`${base}${path}`, { headers });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`GET ${base}${path} answered ${r.status}: ${text.slice(0, 500)}`);
      return { text, body: JSON.parse(text) as PricesBody };
    };
    const probe = await get(appUrl);
    if (probe.body.items.length !== SYMBOLS || probe.body.errors.length > 0)
      throw new Error(
        `probe answered ${probe.body.items.length} prices and ${probe.body.errors.length} errors`,
      );
    const payload: unknown = JSON.parse(probe.text);

    const ref = Fastify({ logger: false });
    ref.get('/api/v1/prices', async () => payload);
    await ref.listen({ host: '127.0.0.1', port: 0 });
    ctx.defer(() => ref.close());
    const refUrl = loopbackUrl(ref);
    const refBytes = (await get(refUrl)).text.length;

    const ab = await bareAppAppBare(
      ctx.log,
      (side, durationSec) => ({
        url: side === 'app' ? appUrl : refUrl,
        method: 'GET',
        connections: CONNECTIONS,
        durationSec,
        headers,
        paths: [path],
        bodies: [],
      }),
      DURATION_SEC,
      WARMUP_SEC,
      () => venue.resetStats(),
    );
    const upstream = venue.stats();
    const after = await get(appUrl);
    const { app: a, bare: b, runs } = ab;

    const ratio = a.okPerSec / b.okPerSec;
    const { app: cpuApp, bare: cpuBare } = ab.cpuPerRequestUs;
    const clean = a.non2xx === 0 && a.errors === 0 && a.timeouts === 0 && a.ok > 0;
    const fewCalls = upstream.totalCalls <= HANDFUL && upstream.rateLimited === 0;
    const fresh = after.body.items.length === SYMBOLS && after.body.items.every((i) => !i.stale);
    const maxAgeMs = Math.max(...after.body.items.map((i) => i.ageMs));
    return [
      result({
        name: 'prices-http',
        value: a.okPerSec,
        unit: 'req/s',
        target: `>= ${MIN_RATIO * 100}% of bare Fastify`,
        reference: { name: 'bare Fastify route, same JSON', value: b.okPerSec, unit: 'req/s' },
        pass: clean && fewCalls && fresh && ratio >= MIN_RATIO,
        notes: [
          `app: ${describeLoad(a)}`,
          `bare: ${describeLoad(b)}`,
          `${(ratio * 100).toFixed(1)}% of bare (runs: app ${runs.app.map(rate).join(', ')}, bare ${runs.bare.map(rate).join(', ')} req/s), response ${probe.text.length} bytes (reference ${refBytes}), ${SYMBOLS} symbols per request`,
          `CPU of this process per request: app ${cpuApp.toFixed(0)} µs, bare ${cpuBare.toFixed(0)} µs (bare/app ${((cpuBare / cpuApp) * 100).toFixed(1)}%, steadier than req/s when the machine is busy)`,
          `autocannon in a child process, both servers on 127.0.0.1 in this process; runs bare, app, app, bare of ${DURATION_SEC} s each after ${WARMUP_SEC} s warm-ups`,
          clean ? 'every app response was 2xx' : 'CHECK FAILED: app answered non-2xx, errored or timed out',
          `${fewCalls ? '' : 'CHECK FAILED: '}venue calls during the measured runs: ${upstream.totalCalls} (fetchTickers ${upstream.calls.fetchTickers}, ${upstream.symbolsRequested} symbols, warming refreshes), ${upstream.rateLimited} rate-limited, at most ${HANDFUL} allowed`,
          `${fresh ? '' : 'CHECK FAILED: '}prices after the runs: ${after.body.items.filter((i) => i.stale).length} stale, oldest ${maxAgeMs} ms`,
        ],
      }),
    ];
  },
};
