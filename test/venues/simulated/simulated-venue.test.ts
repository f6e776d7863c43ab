import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import { isAppError, RateLimitedError } from '../../../src/domain/errors.js';
import { foldInto } from '../../../src/venues/simulated/price-model.js';
import { SimulatedVenue, type SimulatedVenueOptions } from '../../../src/venues/simulated/simulated-venue.js';
import { registerVenueConformance } from '../../conformance/venue-conformance.js';

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);
const UNLIMITED = { requestsPerSecond: 1e9, burst: 1e9 };

function make(opts: SimulatedVenueOptions = {}, start = T0) {
  const clock = new ManualClock(start);
  return { clock, venue: new SimulatedVenue(clock, { rateLimit: UNLIMITED, ...opts }) };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return isAppError(err) ? err.code : 'other';
  }
}

registerVenueConformance('simulated', {
  create: async () => ({ venue: make({ seed: 3 }).venue }),
  symbols: ['BTC/USDT', 'ETH/USDT', 'SYM001/USDT', 'PM-0001'],
  ohlcv: { symbol: 'ETH/USDT', timeframe: '1h', since: T0 - 24 * 3_600_000 },
});

describe('SimulatedVenue universe', () => {
  it('lists 300 spot pairs and 100 binary markets by default', async () => {
    const markets = await make().venue.fetchMarkets();
    expect(markets.filter((m) => m.kind === 'spot')).toHaveLength(300);
    const binary = markets.filter((m) => m.kind === 'binary');
    expect(binary).toHaveLength(100);
    for (const m of binary) {
      const [yes, no] = m.outcomes ?? [];
      expect(yes!.price).toBeGreaterThan(0);
      expect(yes!.price).toBeLessThan(1);
      expect(yes!.price + no!.price).toBeCloseTo(1, 12);
      expect(m.question).toMatch(/^Will /);
    }
    expect(markets.map((m) => m.symbol)).toEqual(
      expect.arrayContaining(['BTC/USDT', 'SYM001/USDT', 'SYM280/USDT']),
    );
  });

  it('refuses batches above maxSymbolsPerBatch', async () => {
    const { venue } = make({ maxSymbolsPerBatch: 2 });
    expect(await codeOf(venue.fetchTickers(['BTC/USDT', 'ETH/USDT', 'SOL/USDT']))).toBe('VALIDATION_FAILED');
  });
});

describe('SimulatedVenue determinism', () => {
  const symbols = ['BTC/USDT', 'SYM042/USDT', 'PM-0007'];

  it('gives identical prices and candles for the same seed and time', async () => {
    const a = make({ seed: 11 });
    const b = make({ seed: 11 });
    expect(await a.venue.fetchTickers(symbols)).toEqual(await b.venue.fetchTickers(symbols));
    expect(await a.venue.fetchOHLCV('SYM042/USDT', '5m', { limit: 300 })).toEqual(
      await b.venue.fetchOHLCV('SYM042/USDT', '5m', { limit: 300 }),
    );
    const c = make({ seed: 12 });
    const [x, y] = [await a.venue.fetchTickers(symbols), await c.venue.fetchTickers(symbols)];
    expect(x.get('BTC/USDT')!.last).not.toBe(y.get('BTC/USDT')!.last);
  });

  it('does not depend on how often or in what order it is asked', async () => {
    const a = make({ seed: 5 });
    const b = make({ seed: 5 });
    for (let i = 0; i < 30; i++) {
      a.clock.advance(1_700);
      await a.venue.fetchTickers(symbols);
    }
    b.clock.advance(30 * 1_700);
    expect(await b.venue.fetchTickers(symbols)).toEqual(await a.venue.fetchTickers(symbols));
  });

  it('does not depend on how many minute paths it keeps (evicted days are rebuilt the same)', async () => {
    const small = make({ seed: 9, dayPathCacheSize: 16 });
    const large = make({ seed: 9, dayPathCacheSize: 4096 });
    const many = Array.from({ length: 40 }, (_, i) => `SYM${String(i + 1).padStart(3, '0')}/USDT`);
    // Across a day boundary, with candles reaching back a week: far more instrument-days than 16.
    for (let step = 0; step < 3; step++) {
      for (const v of [small, large]) v.clock.advance(13 * 3_600_000);
      expect(await small.venue.fetchTickers(many)).toEqual(await large.venue.fetchTickers(many));
      for (const sym of ['BTC/USDT', 'SYM007/USDT'])
        expect(await small.venue.fetchOHLCV(sym, '1h', { limit: 168 })).toEqual(
          await large.venue.fetchOHLCV(sym, '1h', { limit: 168 }),
        );
    }
  });

  it('moves prices only when the clock moves', async () => {
    const { venue, clock } = make({ seed: 8 });
    const first = (await venue.fetchTickers(['BTC/USDT'])).get('BTC/USDT')!.last;
    expect((await venue.fetchTickers(['BTC/USDT'])).get('BTC/USDT')!.last).toBe(first);
    clock.advance(60_000);
    expect((await venue.fetchTickers(['BTC/USDT'])).get('BTC/USDT')!.last).not.toBe(first);
  });

  it('keeps ticks inside the 1m candle they fall in, in progress and once finished', async () => {
    const { venue, clock } = make({ seed: 9 });
    const seen: Array<{ ts: number; last: number }> = [];
    for (let i = 0; i < 40; i++) {
      clock.advance(3_700);
      const t = (await venue.fetchTickers(['SOL/USDT'])).get('SOL/USDT')!;
      seen.push(t);
      const live = (await venue.fetchOHLCV('SOL/USDT', '1m', { limit: 1 }))[0]!;
      expect(live.close).toBe(t.last);
    }
    clock.advance(120_000);
    const bars = await venue.fetchOHLCV('SOL/USDT', '1m', { since: seen[0]!.ts - 60_000, limit: 10 });
    for (const t of seen) {
      const bar = bars.find((b) => b.ts <= t.ts && t.ts < b.ts + 60_000);
      if (!bar) continue;
      expect(t.last).toBeGreaterThanOrEqual(bar.low);
      expect(t.last).toBeLessThanOrEqual(bar.high);
    }
  });

  it('never holds a price for a second: the walk folds back at its candle, it does not sit on the edge', () => {
    // Clamped to the candle, ARB/USDT sat at one price for 11 s here (seed 1), and a fleet test waiting for
    // its next move timed out. Every market, every tick of one hour, stays inside its candle and keeps moving.
    const venue = new SimulatedVenue(new ManualClock(0), { seed: 1 });
    const t0 = Date.parse('2026-12-06T19:30:00.000Z');
    const symbols = [...venue.instrumentSymbols('spot'), ...venue.instrumentSymbols('binary')].filter(
      (_, i) => i % 4 === 0,
    );
    symbols.push('ARB/USDT');
    let longest = { run: 0, symbol: '' };
    for (const symbol of symbols) {
      let run = 0;
      let prev = Number.NaN;
      for (let t = t0; t < t0 + 3_600_000; t += 100) {
        const p = venue.priceOf(symbol, t);
        run = p === prev ? run + 1 : 0;
        if (run > longest.run) longest = { run, symbol };
        prev = p;
      }
    }
    expect(longest.run, `${longest.symbol} held its price for ${longest.run} ticks`).toBeLessThan(10);
  });

  it('folds a level back into its bounds at each edge', () => {
    expect(foldInto(0.5, 0, 1)).toBe(0.5);
    expect(foldInto(1.25, 0, 1)).toBeCloseTo(0.75, 12);
    expect(foldInto(-0.25, 0, 1)).toBeCloseTo(0.25, 12);
    expect(foldInto(2.25, 0, 1)).toBeCloseTo(0.25, 12);
    expect(foldInto(-1.75, 0, 1)).toBeCloseTo(0.25, 12);
    expect(foldInto(7, 3, 3)).toBe(3);
  });

  it("reports the rolling 24 h window's open and volume as its 1m candles add them up", async () => {
    // Off the minute and the day, so the window spans two day paths.
    const { venue } = make({ seed: 4 }, T0 + 7 * 3_600_000 + 25_300);
    for (const symbol of ['ETH/USDT', 'PM-0002']) {
      const t = (await venue.fetchTickers([symbol])).get(symbol)!;
      const start = Math.floor(t.ts / 60_000) * 60_000 - 86_400_000;
      const bars = [
        ...(await venue.fetchOHLCV(symbol, '1m', { since: start, limit: 1000 })),
        ...(await venue.fetchOHLCV(symbol, '1m', { since: start + 1000 * 60_000, limit: 1000 })),
      ];
      expect(bars).toHaveLength(1441); // the window's 1,440 minutes and the one in progress
      expect(t.open24h).toBe(bars[0]!.open);
      expect(bars.at(-1)!.volume).toBe(0);
      expect(t.volume).toBeCloseTo(
        bars.reduce((sum, b) => sum + b.volume, 0),
        6,
      );
      expect(t.volume).toBeGreaterThan(0);
    }
  });

  it('produces long contiguous series for every timeframe, aligned to exchange boundaries', async () => {
    const { venue } = make({ seed: 2 });
    const m1 = await venue.fetchOHLCV('BTC/USDT', '1m', { limit: 1000 });
    expect(m1).toHaveLength(1000);
    for (let i = 1; i < m1.length; i++) {
      expect(m1[i]!.ts - m1[i - 1]!.ts).toBe(60_000);
      expect(m1[i]!.open).toBe(m1[i - 1]!.close);
    }
    const weeks = await venue.fetchOHLCV('BTC/USDT', '1w', { limit: 20 });
    for (const w of weeks) expect(new Date(w.ts).getUTCDay()).toBe(1);
    const months = await venue.fetchOHLCV('BTC/USDT', '1M', { since: Date.UTC(2024, 0, 1), limit: 12 });
    expect(months.map((m) => new Date(m.ts).toISOString().slice(0, 10))).toEqual(
      Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}-01`),
    );
    const days = await venue.fetchOHLCV('BTC/USDT', '1d', { since: Date.UTC(2024, 0, 1), limit: 31 });
    expect(months[0]!.high).toBe(Math.max(...days.map((d) => d.high)));
    expect(months[0]!.close).toBe(days[30]!.close);
  });
});

describe('SimulatedVenue controls', () => {
  it('rejects calls over the token bucket with RATE_LIMITED and a retry hint', async () => {
    const { venue, clock } = make({ rateLimit: { requestsPerSecond: 10, burst: 5 } });
    for (let i = 0; i < 5; i++) await venue.fetchTickers(['BTC/USDT']);
    const err = await venue.fetchTickers(['BTC/USDT']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    const retry = (err as RateLimitedError).retryAfterMs;
    expect((err as RateLimitedError).code).toBe('RATE_LIMITED');
    expect(retry).toBeGreaterThan(0);
    clock.advance(retry);
    await expect(venue.fetchTickers(['BTC/USDT'])).resolves.toBeInstanceOf(Map);
    expect(venue.stats().rateLimited).toBe(1);
    expect(venue.stats().calls.fetchTickers).toBe(7);
  });

  it('charges each method its weight', async () => {
    const { venue } = make({ rateLimit: { requestsPerSecond: 1, burst: 6 }, weights: { markets: 5 } });
    await venue.fetchMarkets();
    await venue.fetchOrderBook('BTC/USDT');
    expect(await codeOf(venue.fetchMarkets())).toBe('RATE_LIMITED');
  });

  it('fails a seeded share of calls with DEPENDENCY_UNAVAILABLE, reproducibly', async () => {
    const run = async () => {
      const { venue } = make({ seed: 4, errorRate: 0.3 });
      const outcomes: string[] = [];
      for (let i = 0; i < 200; i++) outcomes.push(await codeOf(venue.fetchTickers(['BTC/USDT'])));
      return { outcomes, stats: venue.stats() };
    };
    const a = await run();
    const failures = a.outcomes.filter((o) => o === 'DEPENDENCY_UNAVAILABLE').length;
    expect(failures).toBeGreaterThan(30);
    expect(failures).toBeLessThan(90);
    expect(a.outcomes.filter((o) => o !== 'ok' && o !== 'DEPENDENCY_UNAVAILABLE')).toEqual([]);
    expect(a.stats.faults).toBe(failures);
    expect((await run()).outcomes).toEqual(a.outcomes);
  });

  it('is unavailable during a manual outage and scheduled windows', async () => {
    const { venue, clock } = make({ outages: [{ from: T0 + 10_000, to: T0 + 20_000 }] });
    venue.setOutage(true);
    expect(await codeOf(venue.fetchMarkets())).toBe('DEPENDENCY_UNAVAILABLE');
    venue.setOutage(false);
    expect(await codeOf(venue.fetchMarkets())).toBe('ok');
    clock.advance(10_000);
    expect(await codeOf(venue.fetchOHLCV('BTC/USDT', '1m'))).toBe('DEPENDENCY_UNAVAILABLE');
    clock.advance(10_000);
    expect(await codeOf(venue.fetchOHLCV('BTC/USDT', '1m'))).toBe('ok');
    expect(venue.stats().outageRejections).toBe(2);
  });

  it('counts every call and every symbol requested, and resets', async () => {
    const { venue } = make();
    await venue.fetchTickers(['BTC/USDT', 'ETH/USDT', 'NOPE/NOPE']);
    await venue.fetchTickers(['BTC/USDT']);
    await venue.fetchMarketsByIds(['PM-0001', 'PM-0002']);
    await venue.fetchOHLCV('BTC/USDT', '1h', { limit: 3 });
    await venue.fetchOrderBook('BTC/USDT', 3);
    await venue.fetchMarkets();
    const s = venue.stats();
    expect(s.calls).toEqual({
      fetchTickers: 2,
      fetchOHLCV: 1,
      fetchMarkets: 1,
      fetchMarketsByIds: 1,
      fetchOrderBook: 1,
    });
    expect(s.totalCalls).toBe(6);
    expect(s.symbolsRequested).toBe(6);
    venue.resetStats();
    expect(venue.stats().totalCalls).toBe(0);
  });

  it('waits its latency on the venue clock', async () => {
    const { venue, clock } = make({ latencyMs: 50 });
    let done = false;
    const p = venue.fetchTickers(['BTC/USDT']).then(() => {
      done = true;
    });
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(50);
    await p;
    expect(done).toBe(true);
  });

  it('fails every call after close', async () => {
    const { venue } = make();
    await venue.close();
    expect(await codeOf(venue.fetchMarkets())).toBe('DEPENDENCY_UNAVAILABLE');
  });
});
