import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/domain/clock.js';
import { isAppError, RateLimitedError } from '../../../src/domain/errors.js';
import { PolymarketVenue } from '../../../src/venues/polymarket/polymarket-venue.js';
import { registerVenueConformance } from '../../conformance/venue-conformance.js';
import { ClobLoopbackServer } from '../../fakes/polymarket/clob-loopback-server.js';

const BTC = 'will-btc-close-2026-above-100k';
const FED = 'fed-cuts-rates-in-june';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return isAppError(err) ? err.code : `other: ${String(err)}`;
  }
}

registerVenueConformance('polymarket (loopback CLOB)', {
  create: async () => {
    const server = await ClobLoopbackServer.start();
    return {
      venue: new PolymarketVenue(systemClock, { host: server.origin }),
      cleanup: () => server.close(),
    };
  },
  symbols: [BTC, FED],
  ohlcv: { symbol: BTC, timeframe: '1h', since: Date.now() - 10 * 3_600_000 },
});

describe('PolymarketVenue over the loopback CLOB', () => {
  let server: ClobLoopbackServer;
  let venue: PolymarketVenue;

  beforeAll(async () => {
    server = await ClobLoopbackServer.start();
    venue = new PolymarketVenue(systemClock, { host: server.origin });
  });
  afterAll(() => server.close());

  it('pages through sampling-markets until the end cursor and maps binary markets', async () => {
    const markets = await venue.fetchMarkets();
    expect(markets.map((m) => m.symbol).sort()).toEqual([FED, BTC, 'will-eth-flip-btc-in-2026'].sort());
    expect(
      server.requests.filter((r) => r.path === '/sampling-markets').map((r) => r.query['next_cursor']),
    ).toEqual(['MA==', 'Mg==']);
    const btc = markets.find((m) => m.symbol === BTC)!;
    expect(btc).toMatchObject({
      kind: 'binary',
      active: true,
      tickSize: 0.01,
      minSize: 5,
      endsAt: Date.UTC(2026, 11, 31),
    });
    expect(btc.id).toMatch(/^0x0{63}1$/);
    expect(btc.outcomes).toEqual([
      { name: 'Yes', price: 0.62, tokenId: '1001' },
      { name: 'No', price: 0.38, tokenId: '1002' },
    ]);
  });

  it('reads every market, closed ones inactive, from the full listing', async () => {
    const all = await new PolymarketVenue(systemClock, {
      host: server.origin,
      listing: 'markets',
    }).fetchMarkets();
    expect(all).toHaveLength(4);
    expect(all.find((m) => m.symbol === 'closed-election-market')?.active).toBe(false);
  });

  it('prices a batch of markets with one POST /books and leaves unknown symbols out', async () => {
    await venue.fetchMarkets();
    const before = server.requests.length;
    const tickers = await venue.fetchTickers([BTC, FED, 'no-such-market']);
    const sent = server.requests.slice(before);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /books']);
    expect((sent[0]!.body as Array<{ token_id: string }>).map((b) => b.token_id)).toEqual(['1001', '3001']);
    expect([...tickers.keys()]).toEqual([BTC, FED]);
    expect(tickers.get(BTC)).toMatchObject({ last: 0.62, bid: 0.61, ask: 0.63 });
  });

  it('normalises books to best first', async () => {
    const book = await venue.fetchOrderBook(FED, 2);
    expect(book.bids.map((l) => l.price)).toEqual([0.34, 0.33]);
    expect(book.asks.map((l) => l.price)).toEqual([0.36, 0.37]);
    expect(server.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/book',
      query: { token_id: '3001' },
    });
  });

  it('builds candles from prices-history at the timeframe fidelity', async () => {
    const since = Math.floor(Date.now() / 3_600_000 - 5) * 3_600_000;
    const bars = await venue.fetchOHLCV(BTC, '1h', { since, limit: 4 });
    expect(bars.map((b) => b.ts)).toEqual([0, 1, 2, 3].map((i) => since + i * 3_600_000));
    expect(server.requests.at(-1)).toMatchObject({
      path: '/prices-history',
      query: {
        market: '1001',
        fidelity: '60',
        startTs: String(since / 1000),
        endTs: String(since / 1000 + 4 * 3600),
      },
    });
  });

  it('maps 429 to RATE_LIMITED, 5xx and dead hosts to DEPENDENCY_UNAVAILABLE', async () => {
    server.failNext(429, JSON.stringify({ error: 'Too Many Requests' }));
    const err = await venue.fetchOrderBook(BTC).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    server.failNext(500, JSON.stringify({ error: 'internal' }));
    expect(await codeOf(venue.fetchTickers([BTC]))).toBe('DEPENDENCY_UNAVAILABLE');
    const dead = await ClobLoopbackServer.start();
    await dead.close();
    expect(await codeOf(new PolymarketVenue(systemClock, { host: dead.origin }).fetchMarkets())).toBe(
      'DEPENDENCY_UNAVAILABLE',
    );
  });
});
