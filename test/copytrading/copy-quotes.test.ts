/**
 * What a page of leader trades is copied at (copy-quotes.ts), against the
 * simulated venue counted at the venue: markets come from the cached listing
 * (no per-market call, so watchers starting together do not queue behind the
 * venue's rate limit), prices in one batched read per page, both outcomes of
 * a binary market priced apart, and the price stream's latest tick used
 * while it is fresh.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LayeredCache } from '../../src/cache/cache-options.js';
import { createCache } from '../../src/cache/create-cache.js';
import { quoteKey } from '../../src/copytrading/copy-fanout.js';
import { leaderFillQuote, pageQuotes } from '../../src/copytrading/copy-quotes.js';
import { ManualClock, systemClock } from '../../src/domain/clock.js';
import { type Decimal, formatExact } from '../../src/domain/decimal.js';
import { MarketData } from '../../src/marketdata/market-data.js';
import type { LeaderTrade } from '../../src/venues/leader-source.js';
import { SimulatedVenue } from '../../src/venues/simulated/simulated-venue.js';

const open: { cache: LayeredCache; venue: SimulatedVenue }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.venue.close();
    await o.cache.close();
  }
});

/** A venue that allows 2 market-weight calls (weight 5) in its burst, then one call-weight a second. */
function setup(clock = systemClock) {
  const venue = new SimulatedVenue(clock, { seed: 5, rateLimit: { requestsPerSecond: 1, burst: 10 } });
  const cache = createCache({ clock, maxEntries: 10_000, maxBytes: 16 * 1024 * 1024 });
  open.push({ cache, venue });
  const md = new MarketData({ venue, cache, clock, batchWindowMs: 2, observedFreshMs: 5_000 });
  return { venue, md };
}

let seq = 0;
const trade = (market: string, outcomeIndex: number | null = null): LeaderTrade => ({
  id: `t${++seq}`,
  ts: Date.now(),
  side: 'buy',
  market,
  outcomeIndex,
  size: '1' as Decimal,
  price: '0.5' as Decimal,
});

describe('page quotes', () => {
  it('quotes 40 markets with one listing call and one batched price call, no per-market calls', async () => {
    const { venue, md } = setup();
    const listing = (await md.markets(500, null)).items;
    const spot = listing.filter((m) => m.kind === 'spot').slice(0, 30);
    const binary = listing.filter((m) => m.kind === 'binary').slice(0, 10);
    expect(spot.length + binary.length).toBe(40);
    const trades = [
      ...spot.map((m) => trade(m.id)),
      ...binary.map((m) => trade(m.id, 0)),
      trade('no-such-market'),
    ];

    const quotes = await pageQuotes(md, trades, false);

    const calls = venue.stats().calls;
    expect(calls.fetchMarkets).toBe(1);
    expect(calls.fetchMarketsByIds).toBe(0);
    expect(calls.fetchTickers).toBe(1);
    for (const m of [...spot, ...binary]) {
      const q = quotes.get(quoteKey(trades.find((t) => t.market === m.id)!))!;
      expect(q.market?.symbol).toBe(m.symbol);
      expect(q.price).not.toBeNull();
    }
    expect(quotes.get('no-such-market')).toEqual({ market: null, price: null });
  });

  it('prices both outcomes of a binary market in one page, one the complement of the other', async () => {
    const { md } = setup();
    const m = (await md.markets(500, null)).items.find((x) => x.kind === 'binary')!;
    const yes = trade(m.id, 0);
    const no = trade(m.id, 1);
    const quotes = await pageQuotes(md, [yes, no], false);
    const pYes = quotes.get(quoteKey(yes))!.price!;
    const pNo = quotes.get(quoteKey(no))!.price!;
    expect(pYes.s).toBe(pNo.s);
    expect(formatExact({ m: pYes.m + pNo.m, s: pYes.s })).toBe('1');
    expect(formatExact(pYes)).not.toBe(formatExact(pNo));
  });

  it('answers from the price stream while its tick is fresh, then through the venue again', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 15, 12));
    const { venue, md } = setup(clock);
    const listingRead = md.markets(500, null);
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setImmediate(r));
      clock.advance(1);
    }
    const m = (await listingRead).items.find((x) => x.kind === 'spot')!;
    md.observe([{ symbol: m.symbol, last: 12_345.678, ts: clock.now() - 10 }]);
    // An older tick arriving late does not replace the newer one.
    md.observe([{ symbol: m.symbol, last: 1, ts: clock.now() - 500 }]);

    const q = await pageQuotes(md, [trade(m.id)], false);
    expect(formatExact(q.values().next().value!.price!)).toBe('12345.678');
    expect(venue.stats().calls.fetchTickers).toBe(0);

    clock.advance(5_000);
    const later = pageQuotes(md, [trade(m.id)], false);
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setImmediate(r));
      clock.advance(1);
    }
    const q2 = await later;
    expect(venue.stats().calls.fetchTickers).toBe(1);
    expect(formatExact(q2.values().next().value!.price!)).not.toBe('12345.678');
  });

  it('copies a leader-priced trade at the leader fill, per market and outcome', async () => {
    const { md } = setup();
    const t = { ...trade('BONK/SOL'), price: '0.0000213' as Decimal };
    const quotes = await pageQuotes(md, [t], true);
    expect(quotes.get(quoteKey(t))).toEqual(leaderFillQuote(t));
    expect(formatExact(quotes.get(quoteKey(t))!.price!)).toBe('0.0000213');
  });
});
