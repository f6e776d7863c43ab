import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError, RateLimitedError } from '../../../src/domain/errors.js';
import { CcxtVenue } from '../../../src/venues/ccxt/ccxt-venue.js';
import { closeExchanges, getExchange } from '../../../src/venues/ccxt/exchange-registry.js';
import { registerVenueConformance } from '../../conformance/venue-conformance.js';
import { BingxLoopbackServer } from '../../fakes/bingx/bingx-loopback-server.js';

const SPOT = '/openApi/spot/v1/common/symbols';
const TICKERS = '/openApi/spot/v1/ticker/24hr';
const KLINES = '/openApi/spot/v1/market/kline';
const DEPTH = '/openApi/spot/v1/market/depth';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return isAppError(err) ? err.code : `other: ${String(err)}`;
  }
}

registerVenueConformance('ccxt bingx (loopback)', {
  create: async () => {
    const server = await BingxLoopbackServer.start();
    return {
      venue: new CcxtVenue({ apiOrigin: server.origin, rateLimitMs: 5 }),
      cleanup: () => server.close(),
    };
  },
  symbols: ['BTC/USDT', 'ETH/USDT'],
  ohlcv: { symbol: 'BTC/USDT', timeframe: '1h', since: Date.now() - 10 * 3_600_000 },
});

describe('CcxtVenue over the BingX loopback server', () => {
  let server: BingxLoopbackServer;
  let venue: CcxtVenue;

  beforeAll(async () => {
    server = await BingxLoopbackServer.start();
    venue = new CcxtVenue({ exchangeId: 'bingx', apiOrigin: server.origin, rateLimitMs: 5 });
  });
  afterAll(async () => {
    await closeExchanges();
    await server.close();
  });

  it('derives capabilities from ccxt metadata and the exchange profile', () => {
    const c = venue.capabilities;
    expect(c.id).toBe('bingx');
    expect(c.timeframes).toEqual(expect.arrayContaining(['1m', '1h', '1d', '1M']));
    expect(c.rateLimit.requestsPerSecond).toBe(200);
    expect(c.maxSymbolsPerBatch).toBe(1000);
    expect(c.weights.markets).toBe(3);
    expect(c.streaming).toBe(false);
  });

  it('loads spot markets through the three BingX listing endpoints, once', async () => {
    const markets = await venue.fetchMarkets();
    expect(markets.map((m) => m.symbol).sort()).toEqual(['BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
    expect(markets.find((m) => m.symbol === 'BTC/USDT')).toMatchObject({
      id: 'BTC-USDT',
      base: 'BTC',
      quote: 'USDT',
      tickSize: 0.01,
    });
    expect(server.count(SPOT)).toBe(1);
    expect(server.count('/openApi/swap/v2/quote/contracts')).toBe(1);
    expect(server.count('/openApi/cswap/v1/market/contracts')).toBe(1);
  });

  it('fetches a batch of tickers in one request and leaves unknown symbols out', async () => {
    const before = server.requests.length;
    const tickers = await venue.fetchTickers(['BTC/USDT', 'ETH/USDT', 'NOPE/USDT']);
    expect([...tickers.keys()].sort()).toEqual(['BTC/USDT', 'ETH/USDT']);
    const btc = tickers.get('BTC/USDT')!;
    expect(btc.last).toBeGreaterThan(60_000);
    expect(btc.bid).toBeLessThan(btc.ask!);
    expect(btc.volume).toBe(1234.5);
    // The exchange's 24 h open price (BingX openPrice) is the window's open.
    expect(btc.open24h).toBeGreaterThan(60_000);
    expect(btc.open24h).not.toBe(btc.last);
    const sent = server.requests.slice(before);
    expect(sent.map((r) => r.path)).toEqual([TICKERS]);
    expect(sent[0]!.query['symbol']).toBeUndefined();
  });

  it('asks for klines with BingX parameters and returns them oldest first', async () => {
    const since = Date.UTC(2025, 0, 1);
    const bars = await venue.fetchOHLCV('BTC/USDT', '1h', { since, limit: 5 });
    expect(bars.map((b) => b.ts)).toEqual([0, 1, 2, 3, 4].map((i) => since + i * 3_600_000));
    const req = server.requests.filter((r) => r.path === KLINES).at(-1)!;
    expect(req.query).toMatchObject({
      symbol: 'BTC-USDT',
      interval: '1h',
      limit: '5',
      startTime: String(since - 1),
    });
  });

  it('normalises the depth answer to best-first books', async () => {
    const book = await venue.fetchOrderBook('ETH/USDT', 5);
    expect(book.bids).toHaveLength(5);
    expect(book.asks).toHaveLength(5);
    expect(book.asks[0]!.price).toBeLessThan(book.asks[4]!.price);
    expect(server.requests.filter((r) => r.path === DEPTH).at(-1)!.query).toMatchObject({
      symbol: 'ETH-USDT',
      limit: '5',
    });
  });

  it('maps HTTP 429 to RATE_LIMITED with a retry hint', async () => {
    server.failNext({ status: 429, body: '' });
    const err = await venue.fetchTickers(['BTC/USDT']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBeGreaterThan(0);
  });

  it('maps outages and BingX "system busy" answers to DEPENDENCY_UNAVAILABLE', async () => {
    server.failNext({ status: 503, body: '<html>Service Unavailable</html>' });
    expect(await codeOf(venue.fetchOrderBook('BTC/USDT', 5))).toBe('DEPENDENCY_UNAVAILABLE');
    server.failNext({
      status: 200,
      body: JSON.stringify({
        code: 100410,
        msg: 'The current system is busy, please try again later',
        debugMsg: '',
      }),
    });
    expect(await codeOf(venue.fetchOHLCV('BTC/USDT', '1m', { limit: 2 }))).toBe('DEPENDENCY_UNAVAILABLE');
    expect(await codeOf(venue.fetchOHLCV('BTC/USDT', '1m', { limit: 2 }))).toBe('ok');
  });

  it('shares one ccxt instance per exchange, so markets load once across venues', async () => {
    const other = new CcxtVenue({ apiOrigin: server.origin, rateLimitMs: 5 });
    expect(getExchange('bingx', { apiOrigin: server.origin })).toBe(
      getExchange('bingx', { apiOrigin: server.origin }),
    );
    const spotLoads = server.count(SPOT);
    await other.fetchTickers(['SOL/USDT']);
    expect(server.count(SPOT)).toBe(spotLoads);
  });

  it('rejects an exchange ccxt does not know', () => {
    expect(() => new CcxtVenue({ exchangeId: 'no-such-exchange' })).toThrow(/ccxt has no exchange/);
  });
});
