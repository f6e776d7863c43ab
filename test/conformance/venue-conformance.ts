/**
 * The one conformance suite every Venue implementation runs (as BentoCache's
 * `registerCacheDriverTestSuite`): capabilities, markets, batched tickers,
 * OHLCV ordering and sanity, order books, and the error contract. A venue's
 * own test file calls `registerVenueConformance` with a factory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/domain/errors.js';
import type { Timeframe } from '../../src/domain/market.js';
import { parseTimeframe } from '../../src/domain/timeframe.js';
import type { Venue } from '../../src/venues/venue.js';

/** How the suite gets a venue and what it may ask of it. */
export interface VenueConformanceFixture {
  /** Builds a fresh venue (and whatever it talks to, e.g. a loopback server). */
  create(): Promise<{ venue: Venue; cleanup?: () => Promise<void> }>;
  /** At least two symbols the venue lists, usable with `fetchTickers` and `fetchOrderBook`. */
  symbols: string[];
  /** A symbol with OHLCV history, and a timeframe it supports. */
  ohlcv: { symbol: string; timeframe: Timeframe; since: number };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return isAppError(err) ? err.code : `non-AppError: ${String(err)}`;
  }
  return 'no error';
}

/** Registers the conformance tests for one venue implementation. */
export function registerVenueConformance(name: string, fixture: VenueConformanceFixture): void {
  describe(`Venue conformance: ${name}`, () => {
    let venue: Venue;
    let cleanup: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ({ venue, cleanup } = await fixture.create());
    });
    afterAll(async () => {
      await venue?.close();
      await cleanup?.();
    });

    it('describes itself with sane capabilities', () => {
      const c = venue.capabilities;
      expect(c.id).toMatch(/^[a-z0-9-]+$/);
      expect(Number.isInteger(c.maxSymbolsPerBatch) && c.maxSymbolsPerBatch >= 1).toBe(true);
      expect(c.rateLimit.requestsPerSecond).toBeGreaterThan(0);
      expect(c.rateLimit.burst).toBeGreaterThanOrEqual(1);
      for (const w of Object.values(c.weights)) expect(w >= 0 && Number.isFinite(w)).toBe(true);
      expect(c.timeframes.length).toBeGreaterThan(0);
      for (const tf of c.timeframes) expect(() => parseTimeframe(tf)).not.toThrow();
      expect(c.timeframes).toContain(fixture.ohlcv.timeframe);
      expect(c.maxCandlesPerCall).toBeGreaterThanOrEqual(1);
      expect(c.marketKinds.length).toBeGreaterThan(0);
      expect(typeof venue.subscribeTicks === 'function').toBe(c.streaming);
    });

    it('lists markets with unique symbols, including the fixture symbols', async () => {
      const markets = await venue.fetchMarkets();
      expect(markets.length).toBeGreaterThan(0);
      const symbols = new Set(markets.map((m) => m.symbol));
      expect(symbols.size).toBe(markets.length);
      for (const s of fixture.symbols) expect(symbols.has(s)).toBe(true);
      for (const m of markets) {
        expect(venue.capabilities.marketKinds).toContain(m.kind);
        expect(m.id.length).toBeGreaterThan(0);
        if (m.kind === 'spot') expect(m.base && m.quote).toBeTruthy();
        for (const o of m.outcomes ?? []) expect(o.price >= 0 && o.price <= 1).toBe(true);
      }
    });

    it('finds markets by id and leaves unknown ids out', async () => {
      const markets = await venue.fetchMarkets();
      const wanted = markets.filter((m) => fixture.symbols.includes(m.symbol)).map((m) => m.id);
      const found = await venue.fetchMarketsByIds([...wanted, 'no-such-market-id']);
      expect([...found.keys()].sort()).toEqual([...wanted].sort());
      for (const id of wanted) expect(found.get(id)?.id).toBe(id);
    });

    it('returns tickers for a whole batch in one call', async () => {
      const tickers = await venue.fetchTickers(fixture.symbols);
      expect([...tickers.keys()].sort()).toEqual([...fixture.symbols].sort());
      for (const [symbol, t] of tickers) {
        expect(t.symbol).toBe(symbol);
        expect(Number.isFinite(t.ts)).toBe(true);
        expect(t.last).toBeGreaterThan(0);
        if (t.bid !== undefined && t.ask !== undefined) expect(t.bid).toBeLessThanOrEqual(t.ask);
        // The 24 h figures are optional, but a venue that reports them reports a price and a volume.
        if (t.open24h !== undefined) expect(t.open24h).toBeGreaterThan(0);
        if (t.volume !== undefined) expect(t.volume >= 0 && Number.isFinite(t.volume)).toBe(true);
      }
    });

    it('leaves unknown symbols out of tickers instead of failing', async () => {
      const first = fixture.symbols[0]!;
      const tickers = await venue.fetchTickers([first, 'NOPE/NOPE']);
      expect([...tickers.keys()]).toEqual([first]);
      expect((await venue.fetchTickers([])).size).toBe(0);
    });

    it('returns OHLCV ordered by time with sane bars', async () => {
      const { symbol, timeframe } = fixture.ohlcv;
      const bars = await venue.fetchOHLCV(symbol, timeframe, { limit: 50 });
      expect(bars.length).toBeGreaterThan(0);
      expect(bars.length).toBeLessThanOrEqual(50);
      for (let i = 0; i < bars.length; i++) {
        const b = bars[i]!;
        if (i > 0) expect(b.ts).toBeGreaterThan(bars[i - 1]!.ts);
        for (const v of [b.open, b.high, b.low, b.close, b.volume]) expect(Number.isFinite(v)).toBe(true);
        expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
        expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close));
        expect(b.volume).toBeGreaterThanOrEqual(0);
      }
    });

    it('honours since and limit for OHLCV', async () => {
      const { symbol, timeframe, since } = fixture.ohlcv;
      const bars = await venue.fetchOHLCV(symbol, timeframe, { since, limit: 5 });
      expect(bars.length).toBeGreaterThan(0);
      expect(bars.length).toBeLessThanOrEqual(5);
      expect(bars[0]!.ts).toBeGreaterThanOrEqual(since);
    });

    it('rejects an unknown symbol with NOT_FOUND and a bad timeframe with VALIDATION_FAILED', async () => {
      expect(await codeOf(venue.fetchOHLCV('NOPE/NOPE', fixture.ohlcv.timeframe))).toBe('NOT_FOUND');
      expect(await codeOf(venue.fetchOrderBook('NOPE/NOPE', 5))).toBe('NOT_FOUND');
      expect(await codeOf(venue.fetchOHLCV(fixture.ohlcv.symbol, '13m'))).toBe('VALIDATION_FAILED');
    });

    it('returns order books sorted best-first and not crossed', async () => {
      const book = await venue.fetchOrderBook(fixture.symbols[0]!, 5);
      expect(book.symbol).toBe(fixture.symbols[0]);
      expect(book.bids.length).toBeLessThanOrEqual(5);
      expect(book.asks.length).toBeLessThanOrEqual(5);
      for (let i = 1; i < book.bids.length; i++)
        expect(book.bids[i]!.price).toBeLessThan(book.bids[i - 1]!.price);
      for (let i = 1; i < book.asks.length; i++)
        expect(book.asks[i]!.price).toBeGreaterThan(book.asks[i - 1]!.price);
      const bid = book.bids[0];
      const ask = book.asks[0];
      if (bid && ask) expect(bid.price).toBeLessThanOrEqual(ask.price);
    });

    it('stops a tick stream idempotently when it streams', () => {
      if (!venue.subscribeTicks) return;
      const stop = venue.subscribeTicks(fixture.symbols, () => {});
      stop();
      expect(() => stop()).not.toThrow();
    });
  });
}
