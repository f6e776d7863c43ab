/**
 * The market-data layer against the simulated venue, counted at the venue:
 * stampedes, batching, stale serving through an outage, and the venue's rate
 * limit never exceeded under load. The cache is real (L1; Redis in its own suite).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LayeredCache } from '../../src/cache/cache-options.js';
import { createCache } from '../../src/cache/create-cache.js';
import { ManualClock, systemClock } from '../../src/domain/clock.js';
import { MarketData } from '../../src/marketdata/market-data.js';
import { SimulatedVenue, type SimulatedVenueOptions } from '../../src/venues/simulated/simulated-venue.js';

const open: { cache: LayeredCache; venue: SimulatedVenue }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.venue.close();
    await o.cache.close();
  }
});

function setup(venueOpts: SimulatedVenueOptions = {}, clock = systemClock, policies = {}) {
  const venue = new SimulatedVenue(clock, {
    seed: 3,
    rateLimit: { requestsPerSecond: 1000, burst: 1000 },
    ...venueOpts,
  });
  const cache = createCache({ clock, maxEntries: 10_000, maxBytes: 16 * 1024 * 1024, policies });
  open.push({ cache, venue });
  const md = new MarketData({ venue, cache, clock, batchWindowMs: 2 });
  return { venue, cache, md };
}

async function symbols(md: MarketData, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let after: string | null = null; out.length < n; ) {
    const page = await md.markets(500, after);
    out.push(...page.items.filter((m) => m.kind === 'spot').map((m) => m.symbol));
    if (page.nextId === null) break;
    after = page.nextId;
  }
  return out.slice(0, n);
}

/** Moves a manual clock until `p` settles (its timers are armed after async steps). */
async function settle<T>(clock: ManualClock, p: Promise<T>): Promise<T> {
  let done = false;
  void p.finally(() => {
    done = true;
  });
  for (let i = 0; !done && i < 1000; i++) {
    await new Promise((r) => setImmediate(r));
    clock.advance(1);
  }
  return p;
}

describe('market data', () => {
  it('makes one upstream call for 1,000 concurrent misses on one symbol', async () => {
    const { venue, md } = setup({ latencyMs: 20 });
    await md.markets(1, null); // the listing
    venue.resetStats();
    const all = await Promise.all(Array.from({ length: 1000 }, () => md.prices(['BTC/USDT'])));
    expect(venue.stats().calls.fetchTickers).toBe(1);
    expect(new Set(all.map((r) => r.items[0]!.price)).size).toBe(1);
  });

  it('batches 500 concurrent different symbols into ceil(500 / batch size) calls', async () => {
    const { venue, md } = setup({ maxSymbolsPerBatch: 200, spotCount: 600 });
    const wanted = await symbols(md, 500);
    venue.resetStats();
    const results = await Promise.all(wanted.map((s) => md.prices([s])));
    expect(results.every((r) => r.items.length === 1 && r.errors.length === 0)).toBe(true);
    expect(venue.stats().calls.fetchTickers).toBeLessThanOrEqual(Math.ceil(500 / 200));
    expect(venue.stats().symbolsRequested).toBe(500);
    expect(md.trafficReport().batches.maxSize).toBeLessThanOrEqual(200);
  });

  it('reports unknown symbols per item without calling upstream for them', async () => {
    const { venue, md } = setup();
    await md.markets(1, null);
    venue.resetStats();
    const r = await md.prices(['BTC/USDT', 'NOPE/USDT', 'ETH/USDT']);
    expect(r.items.map((i) => i.symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(r.errors).toEqual([
      { symbol: 'NOPE/USDT', code: 'NOT_FOUND', message: expect.stringContaining('NOPE/USDT') },
    ]);
    expect(venue.stats().symbolsRequested).toBe(2);
  });

  it('serves the last value marked stale during an outage, and fresh again after', async () => {
    const clock = new ManualClock(Date.UTC(2025, 5, 1));
    const { venue, md } = setup({}, clock, { price: { ttlMs: 1000, graceMs: 60_000 } });
    const fresh = await settle(clock, md.prices(['BTC/USDT', 'ETH/USDT']));
    expect(fresh.items.every((i) => !i.stale)).toBe(true);
    venue.setOutage(true);
    clock.advance(10_000);
    const loadedAt = clock.now() - 10_000;
    const stale = await settle(clock, md.prices(['BTC/USDT', 'ETH/USDT']));
    expect(stale.errors).toEqual([]);
    expect(stale.items.map((i) => [i.stale, i.price])).toEqual(fresh.items.map((i) => [true, i.price]));
    expect(stale.items[0]!.ageMs).toBeGreaterThanOrEqual(clock.now() - loadedAt - 10);
    expect(md.trafficReport().staleServed).toBe(2);
    venue.setOutage(false);
    clock.advance(60_000); // past grace: the stale copy is gone, a fresh load is needed
    const recovered = await settle(clock, md.prices(['BTC/USDT']));
    expect(recovered.items[0]!.stale).toBe(false);
    expect(recovered.items[0]!.ageMs).toBeLessThan(1000);
  });

  it('reads candles again once a bar has closed, within the ohlcv TTL', async () => {
    const clock = new ManualClock(Date.UTC(2025, 5, 1, 12, 0, 10));
    const { venue, md } = setup({}, clock);
    await settle(clock, md.markets(1, null));
    const calls = () => venue.stats().calls.fetchOHLCV ?? 0;
    const first = await settle(clock, md.ohlcv('BTC/USDT', '1m', 5));
    const before = calls();
    clock.advance(30_000); // 12:00:40, same bar: the cached candles
    expect((await settle(clock, md.ohlcv('BTC/USDT', '1m', 5))).value).toEqual(first.value);
    expect(calls()).toBe(before);
    clock.advance(30_000); // 12:01:10: the 12:00 bar has closed since they were read
    const next = await settle(clock, md.ohlcv('BTC/USDT', '1m', 5));
    expect(calls()).toBe(before + 1);
    expect(next.value.at(-1)!.ts).toBeGreaterThan(first.value.at(-1)!.ts);
    clock.advance(30_000); // an hour bar has not closed: 1h candles stay cached
    await settle(clock, md.ohlcv('BTC/USDT', '1h', 5));
    clock.advance(30_000);
    await settle(clock, md.ohlcv('BTC/USDT', '1h', 5));
    expect(calls()).toBe(before + 2);
  });

  it('fails a symbol with no value within grace, naming the cause', async () => {
    const { venue, md } = setup();
    await md.markets(1, null);
    venue.setOutage(true);
    const r = await md.prices(['SOL/USDT']);
    expect(r.items).toEqual([]);
    expect(r.errors[0]).toMatchObject({ symbol: 'SOL/USDT', code: 'DEPENDENCY_UNAVAILABLE' });
  });

  it('never exceeds the venue rate limit under load: callers wait, the venue never answers 429', async () => {
    const { venue, md } = setup({
      rateLimit: { requestsPerSecond: 50, burst: 5 },
      maxSymbolsPerBatch: 1,
      spotCount: 100,
    });
    const wanted = await symbols(md, 60);
    venue.resetStats();
    const results = await Promise.all(wanted.map((s) => md.prices([s])));
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(venue.stats().calls.fetchTickers).toBe(60);
    expect(venue.stats().rateLimited).toBe(0);
    expect(md.trafficReport().queueWaitMs.p99).toBeGreaterThan(0);
  });

  it('keeps concurrent slow calls flowing at the venue rate (no throttling below the limit)', async () => {
    const { venue, md } = setup({
      rateLimit: { requestsPerSecond: 100, burst: 200 },
      maxSymbolsPerBatch: 1,
      latencyMs: 100,
      spotCount: 250,
    });
    const wanted = await symbols(md, 200);
    venue.resetStats();
    const first = Promise.all(wanted.slice(0, 100).map((s) => md.prices([s])));
    await new Promise((r) => setTimeout(r, 300));
    const second = await Promise.all(wanted.slice(100).map((s) => md.prices([s])));
    const all = [...(await first), ...second];
    expect(all.flatMap((r) => r.errors)).toEqual([]);
    expect(venue.stats().calls.fetchTickers).toBe(200);
    expect(venue.stats().rateLimited).toBe(0);
  });

  it('refuses with RATE_LIMITED beyond its bounded queue instead of queueing forever', async () => {
    const venue = new SimulatedVenue(systemClock, {
      seed: 3,
      rateLimit: { requestsPerSecond: 5, burst: 1 },
      weights: { markets: 1 },
      maxSymbolsPerBatch: 1,
    });
    const cache = createCache({ clock: systemClock, maxEntries: 1000, maxBytes: 1 << 20 });
    open.push({ venue, cache });
    const md = new MarketData({ venue, cache, clock: systemClock, batchWindowMs: 0, maxQueue: 3 });
    const wanted = await symbols(md, 12);
    const results = await Promise.all(wanted.map((s) => md.prices([s])));
    const codes = results.flatMap((r) => r.errors.map((e) => e.code));
    expect(codes).toContain('RATE_LIMITED');
    expect(venue.stats().rateLimited).toBe(0);
  });

  it('validates symbol lists, timeframes and limits', async () => {
    const { md } = setup();
    await expect(md.prices([])).rejects.toThrow(/at least one/);
    await expect(md.prices(Array.from({ length: 501 }, (_, i) => `S${i}`))).rejects.toThrow(/at most 500/);
    await expect(md.prices(['BTC USDT'])).rejects.toThrow(/not a valid symbol/);
    await expect(md.ohlcv('BTC/USDT', '7m', 10)).rejects.toThrow(/query.tf must be one of/);
    await expect(md.ohlcv('BTC/USDT', '1h', 100_000)).rejects.toThrow(/query.limit/);
    await expect(md.ohlcv('NOPE/USDT', '1h', 10)).rejects.toThrow(/no market NOPE\/USDT/);
    const candles = await md.ohlcv('BTC/USDT', '1h', 10);
    expect(candles.value).toHaveLength(10);
  });

  it('batches market detail lookups and reports unknown ids', async () => {
    const { venue, md } = setup();
    const page = await md.markets(500, null);
    const ids = page.items
      .filter((m) => m.kind === 'binary')
      .slice(0, 50)
      .map((m) => m.id);
    venue.resetStats();
    const r = await md.marketsByIds([...ids, 'no-such-id']);
    expect(r.items).toHaveLength(50);
    expect(r.items[0]!.outcomes!.length).toBe(2);
    expect(r.errors).toEqual([{ id: 'no-such-id', code: 'NOT_FOUND', message: expect.any(String) }]);
    expect(venue.stats().calls.fetchMarketsByIds).toBe(1);
  });
});
