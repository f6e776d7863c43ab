/**
 * Upstream calls saved by the market-data layer on a recorded workload: 50
 * users polling 50 symbols every 3 s and a scanner reading 200 symbols every
 * 30 s, for 10 simulated minutes, through the services as the server builds
 * them (real cache, default policies, warming on) against a simulated venue
 * with realistic capabilities, all on a manual clock. Calls are counted at
 * the venue. The reference is a naive bot calling fetchTicker per symbol
 * (calls = symbol requests, 0% saved); the layer without warming, and
 * without the cache (batching and single-flight only), are measured too.
 */
import type { Config } from '../src/config/schema.js';
import { buildServices } from '../src/container.js';
import type { VenueTrafficReport } from '../src/marketdata/venue-traffic.js';
import type { VenueStats } from '../src/venues/simulated/call-stats.js';
import { SimulatedVenue, type SimulatedVenueOptions } from '../src/venues/simulated/simulated-venue.js';
import type { BenchContext, Benchmark } from './lib/context.js';
import { benchConfig } from './lib/fixtures.js';
import { type Poll, pollWorkload, type WorkloadSpec } from './lib/poll-workload.js';
import { result } from './lib/result.js';
import { replay, SteppedClock } from './lib/stepped-clock.js';

const TARGET_PCT = 95;
const START_MS = Date.UTC(2025, 5, 2, 9);
const WORKLOAD: WorkloadSpec = {
  users: 50,
  perUser: 50,
  userPeriodMs: 3_000,
  scannerSymbols: 200,
  scannerPeriodMs: 30_000,
  durationMs: 10 * 60_000,
  skew: 1,
  seed: 42,
};
const VENUE: SimulatedVenueOptions = {
  seed: 7,
  spotCount: 300,
  maxSymbolsPerBatch: 100,
  rateLimit: { requestsPerSecond: 100, burst: 200 },
  latencyMs: { min: 40, max: 160 },
};

interface Outcome {
  requests: number;
  incomplete: number;
  staleItems: number;
  venue: VenueStats;
  traffic: VenueTrafficReport;
  savedPct: number;
  wallMs: number;
}

async function simulate(
  ctx: BenchContext,
  label: string,
  polls: readonly Poll[],
  opts: { warming: boolean; config?: Partial<Config>; venue?: SimulatedVenueOptions },
): Promise<Outcome> {
  const clock = new SteppedClock(START_MS);
  const venue = new SimulatedVenue(clock, { ...VENUE, ...opts.venue });
  const s = await buildServices(benchConfig(ctx.tempDir(label), opts.config), {
    clock,
    venue,
    warming: opts.warming,
  });
  const t0 = performance.now();
  let requests = 0;
  let incomplete = 0;
  let staleItems = 0;
  try {
    await replay(
      clock,
      polls.map((p) => START_MS + p.at),
      async (i) => {
        const { symbols } = polls[i]!;
        requests += symbols.length;
        const r = await s.marketData.prices(symbols);
        if (r.items.length !== symbols.length || r.errors.length > 0) incomplete++;
        for (const item of r.items) if (item.stale) staleItems++;
      },
    );
    const stats = venue.stats();
    return {
      requests,
      incomplete,
      staleItems,
      venue: stats,
      traffic: s.marketData.trafficReport(),
      savedPct: 100 * (1 - stats.totalCalls / requests),
      wallMs: performance.now() - t0,
    };
  } finally {
    await s.close();
  }
}

/** The spot symbols the venue lists, read from a twin of it so the measured one is untouched. */
async function spotSymbols(): Promise<string[]> {
  const twin = new SimulatedVenue(new SteppedClock(START_MS), { ...VENUE, latencyMs: 0 });
  const markets = await twin.fetchMarkets();
  await twin.close();
  return markets.filter((m) => m.kind === 'spot').map((m) => m.symbol);
}

const pct = (v: number) => `${v.toFixed(2)}%`;
const calls = (o: Outcome) =>
  `${o.venue.totalCalls} upstream calls (fetchTickers ${o.venue.calls.fetchTickers}, fetchMarkets ${o.venue.calls.fetchMarkets}) for ${o.requests.toLocaleString('en-US')} symbol requests = ${pct(o.savedPct)} saved`;
const health = (o: Outcome) =>
  `(${o.incomplete} polls missing prices, ${o.staleItems} stale items, rate-limit queue wait p50 ${o.traffic.queueWaitMs.p50} ms, p99 ${o.traffic.queueWaitMs.p99} ms)`;

export const marketdataCallsSaved: Benchmark = {
  name: 'marketdata-calls-saved',
  async run(ctx) {
    const polls = pollWorkload(await spotSymbols(), WORKLOAD);
    const distinct = new Set(polls.flatMap((p) => p.symbols)).size;
    ctx.log(`${polls.length} polls over ${distinct} symbols; replaying 10 simulated minutes`);
    const main = await simulate(ctx, 'md-warming', polls, { warming: true });
    ctx.log(`as built (warming on): ${calls(main)} in ${(main.wallMs / 1000).toFixed(1)} s`);
    const cold = await simulate(ctx, 'md-no-warming', polls, { warming: false });
    ctx.log(`warming off: ${calls(cold)} ${health(cold)}`);
    // Without the cache: every poll misses. On a zero-latency venue, so the request limiter
    // (which throttles concurrent slow calls, see the last note) does not hold calls back.
    const noCache = { warming: false, config: { cacheTtlOverrides: 'price=1ms,price.grace=0' } };
    const uncached = await simulate(ctx, 'md-uncached', polls, { ...noCache, venue: { latencyMs: 0 } });
    ctx.log(`no cache, 0 ms venue: ${calls(uncached)} ${health(uncached)}`);
    const throttled = await simulate(ctx, 'md-uncached-slow', polls, noCache);
    ctx.log(`no cache, 40-160 ms venue: ${calls(throttled)} ${health(throttled)}`);
    const perPoll = polls.reduce((n, p) => n + Math.ceil(p.symbols.length / VENUE.maxSymbolsPerBatch!), 0);

    const t = main.traffic;
    const agrees =
      t.upstreamCalls === main.venue.totalCalls &&
      t.requests === main.requests &&
      t.callsSavedPct !== null &&
      Math.abs(t.callsSavedPct - main.savedPct) <= 0.01;
    const refused = main.venue.rateLimited + main.venue.faults + main.venue.outageRejections;
    const checks = [
      { ok: main.incomplete === 0, note: `every poll got all its prices (${main.incomplete} did not)` },
      { ok: refused === 0, note: `the venue refused or failed ${refused} calls` },
      {
        ok: agrees,
        note: `trafficReport(): ${t.upstreamCalls} upstream calls, ${t.requests} requests, callsSavedPct ${t.callsSavedPct}% (venue count ${pct(main.savedPct)})`,
      },
    ];
    return [
      result({
        name: 'marketdata-calls-saved',
        value: main.savedPct,
        unit: '%',
        target: `>= ${TARGET_PCT}% of symbol requests need no upstream call`,
        reference: { name: 'naive bot: 1 fetchTicker per symbol request', value: 0, unit: '%' },
        pass: main.savedPct >= TARGET_PCT && checks.every((c) => c.ok),
        notes: [
          `workload: ${WORKLOAD.users} users x ${WORKLOAD.perUser} symbols every ${WORKLOAD.userPeriodMs / 1000} s (Zipf ${WORKLOAD.skew} popularity, staggered) + scanner of ${WORKLOAD.scannerSymbols} symbols every ${WORKLOAD.scannerPeriodMs / 1000} s, ${polls.length} polls over ${distinct} of 300 symbols in ${WORKLOAD.durationMs / 60_000} simulated min`,
          `venue: simulated, maxSymbolsPerBatch ${VENUE.maxSymbolsPerBatch}, ${VENUE.rateLimit?.requestsPerSecond}/s burst ${VENUE.rateLimit?.burst}, latency 40-160 ms, cache as configured by default (price TTL 20 s), buildServices with warming on`,
          `as built: ${calls(main)}`,
          `naive reference: ${main.requests.toLocaleString('en-US')} calls (one per symbol request)`,
          `one batched call per poll, no cache: ${perPoll.toLocaleString('en-US')} calls = ${pct(100 * (1 - perPoll / main.requests))} saved`,
          `warming off: ${calls(cold)} ${health(cold)}`,
          `no cache (price TTL 1 ms, no grace, warming off, batching + single-flight kept), 0 ms venue: ${calls(uncached)} ${health(uncached)}`,
          `as built: batches ${t.batches.count}, avg ${t.batches.avgSize} keys, max ${t.batches.maxSize} ${health(main)}`,
          `replayed in ${(main.wallMs / 1000).toFixed(1)} s wall`,
          `the same without cache at 40-160 ms latency: ${calls(throttled)} ${health(throttled)}: the request limiter debits each call's refill per call, so concurrent slow calls starve it (at most ~1000 / latency calls/s whatever the venue's limit)`,
          ...checks.map((c) => (c.ok ? c.note : `CHECK FAILED: ${c.note}`)),
        ],
      }),
    ];
  },
};
