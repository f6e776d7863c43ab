/**
 * GET /api/v1/positions for a user with 50 open positions on 50 markets, on
 * the real app (auth, rate limit, validation, the per-user `positions` cache,
 * pre-serialised page), warm, under autocannon with 10 connections, against
 * a bare Fastify route sending the same JSON bytes. Before that, the cold read: its
 * markets must come from exactly one upstream call, however many positions.
 */
import Fastify from 'fastify';
import { buildApp } from '../src/app.js';
import { buildServices } from '../src/container.js';
import { systemClock } from '../src/domain/clock.js';
import { positionsTag } from '../src/updates/update-sink.js';
import { SimulatedVenue } from '../src/venues/simulated/simulated-venue.js';
import type { Benchmark } from './lib/context.js';
import { benchConfig } from './lib/fixtures.js';
import type { LoadResult } from './lib/http-load.js';
import { bareAppAppBare, describeLoad, loopbackUrl } from './lib/load-runs.js';
import { result } from './lib/result.js';
import { formatNumber } from './lib/stats.js';

const POSITIONS = 50;
const CONNECTIONS = 10;
const DURATION_SEC = 5;
const WARMUP_SEC = 1;
const MIN_RATIO = 0.4;

const rate = (r: LoadResult) => formatNumber(r.okPerSec);

export const positionsHttp: Benchmark = {
  name: 'positions-http',
  async run(ctx) {
    const venue = new SimulatedVenue(systemClock, {
      seed: 11,
      rateLimit: { requestsPerSecond: 100, burst: 200 },
    });
    const s = await buildServices(benchConfig(ctx.tempDir('positions-http')), { venue, warming: false });
    ctx.defer(() => s.close());
    const app = await buildApp(s, { logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    ctx.defer(() => app.close());
    const appUrl = loopbackUrl(app);
    const { user, token } = await s.users.create('bench');
    const headers = { authorization: `Bearer ${token}` };
    const markets = (await s.marketData.markets(POSITIONS, null)).items;
    for (const [i, m] of markets.entries()) {
      await s.positions.open(user.id, { marketId: m.id, size: String(1 + i), side: 'long' });
    }
    const path = `/api/v1/positions?status=open&limit=${POSITIONS}`;
    const get = async (base: string) => {
      const r = await fetch(`${base}${path}`, { headers });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${text.slice(0, 300)}`);
      return text;
    };

    // Cold: nothing of this user's list or its markets cached.
    await s.cache.invalidateTags([positionsTag(user.id), ...markets.map((m) => `market:${m.id}`)]);
    venue.resetStats();
    const coldStart = performance.now();
    const cold = await get(appUrl);
    const coldMs = performance.now() - coldStart;
    const calls = venue.stats();
    const coldItems = (JSON.parse(cold) as { items: { market: unknown }[] }).items;
    const withMarket = coldItems.filter((p) => p.market !== null).length;

    // The reference sends the same bytes, already serialised (as the app's cache hit does): the
    // ratio is then the cost of auth, rate limit, validation and the cache lookup, not of JSON.
    const text = await get(appUrl);
    const ref = Fastify({ logger: false });
    ref.get('/api/v1/positions', (_req, reply) => reply.type('application/json; charset=utf-8').send(text));
    await ref.listen({ host: '127.0.0.1', port: 0 });
    ctx.defer(() => ref.close());
    const refUrl = loopbackUrl(ref);

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
    );
    const { app: a, bare: b } = ab;
    const ratio = a.okPerSec / b.okPerSec;
    const clean = a.non2xx === 0 && a.errors === 0 && a.timeouts === 0 && a.ok > 0;
    const oneCall = calls.totalCalls === 1 && calls.calls.fetchMarketsByIds === 1;
    return [
      result({
        name: 'positions-http-warm',
        value: a.okPerSec,
        unit: 'req/s',
        target: `>= ${MIN_RATIO * 100}% of bare Fastify`,
        reference: { name: 'bare Fastify route, same JSON bytes', value: b.okPerSec, unit: 'req/s' },
        pass: clean && ratio >= MIN_RATIO,
        notes: [
          `app: ${describeLoad(a)}`,
          `bare: ${describeLoad(b)}`,
          `${(ratio * 100).toFixed(1)}% of bare (runs: app ${ab.runs.app.map(rate).join(', ')}, bare ${ab.runs.bare.map(rate).join(', ')} req/s), response ${cold.length} bytes, ${POSITIONS} positions with their markets`,
          `CPU of this process per request: app ${ab.cpuPerRequestUs.app.toFixed(0)} µs, bare ${ab.cpuPerRequestUs.bare.toFixed(0)} µs`,
          clean ? 'every app response was 2xx' : 'CHECK FAILED: app answered non-2xx, errored or timed out',
        ],
      }),
      result({
        name: 'positions-http-cold',
        value: calls.totalCalls,
        unit: 'upstream calls',
        target: 'exactly 1 upstream market call',
        pass: oneCall && withMarket === POSITIONS,
        notes: [
          `venue calls for the cold read of ${POSITIONS} positions: ${calls.totalCalls} (fetchMarketsByIds ${calls.calls.fetchMarketsByIds}, ${calls.symbolsRequested} ids requested)`,
          `${withMarket === POSITIONS ? '' : 'CHECK FAILED: '}${withMarket} of ${coldItems.length} positions came with their market`,
          `cold read took ${coldMs.toFixed(1)} ms (includes the 2 ms batch window)`,
        ],
      }),
    ];
  },
};
