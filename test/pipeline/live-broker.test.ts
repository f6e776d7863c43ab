/**
 * The live broker places real ccxt orders over HTTP on 127.0.0.1 against a
 * loopback server speaking BingX's signed spot REST protocol: market orders
 * filled and the balance moved, a resting limit entry cancelled on exit,
 * rejections reported; and the pipeline in live mode persists its exchange
 * orders through the same engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CandleBuffer } from '../../src/engine/bars.js';
import { LiveBroker } from '../../src/pipeline/live-broker.js';
import type { ExecEvent } from '../../src/pipeline/order-tracker.js';
import { CcxtVenue } from '../../src/venues/ccxt/ccxt-venue.js';
import { closeExchanges } from '../../src/venues/ccxt/exchange-registry.js';
import { createTradingExchange } from '../../src/venues/ccxt/trading-exchange.js';
import type { Venue } from '../../src/venues/venue.js';
import { BingxLoopbackServer } from '../fakes/bingx/bingx-loopback-server.js';
import { databaseTargets } from '../support/databases.js';
import { nextHour, type PipelineContext, pipelineContext, T0 } from './support.js';

const KEY = 'test-api-key';
const SECRET = 'test-api-secret';
const ORDER = '/openApi/spot/v1/trade/order';
const targets = await databaseTargets();

/**
 * The real ccxt venue with a budget the market-data limiter never waits on:
 * its waits run on the suite's ManualClock, which only the test moves.
 */
function unthrottled(v: CcxtVenue): Venue {
  return {
    capabilities: { ...v.capabilities, rateLimit: { requestsPerSecond: 1_000_000, burst: 1_000_000 } },
    fetchTickers: (symbols) => v.fetchTickers(symbols),
    fetchOHLCV: (symbol, tf, o) => v.fetchOHLCV(symbol, tf, o),
    fetchMarkets: () => v.fetchMarkets(),
    fetchMarketsByIds: (ids) => v.fetchMarketsByIds(ids),
    fetchOrderBook: (symbol, depth) => v.fetchOrderBook(symbol, depth),
    close: () => v.close(),
  };
}

function bar(close: number, low = close, high = close) {
  const b = new CandleBuffer(1);
  b.push({ ts: T0, open: close, high, low, close, volume: 1 });
  return b;
}

describe('LiveBroker through ccxt against the BingX loopback exchange', () => {
  let server: BingxLoopbackServer;
  let events: ExecEvent[];
  let broker: LiveBroker;
  beforeAll(async () => {
    server = await BingxLoopbackServer.start({
      account: { apiKey: KEY, secret: SECRET, balances: { USDT: 10_000 }, feeRate: 0.001 },
    });
  });
  afterAll(async () => {
    await closeExchanges();
    await server.close();
  });
  const fresh = (key = KEY) => {
    events = [];
    broker = new LiveBroker({
      exchange: createTradingExchange({
        exchangeId: 'bingx',
        apiKey: key,
        secret: SECRET,
        apiOrigin: server.origin,
        rateLimitMs: 1,
      }),
      onEvent: (e) => events.push(e),
    });
    return broker.addSymbol('BTC/USDT');
  };

  it('places a signed market buy, sees it filled and the balance move, then sells it', async () => {
    const slot = fresh();
    broker.submitEntry(slot, 0.01, Number.NaN, Number.NaN, Number.NaN);
    expect(broker.openPositionCount()).toBe(1); // queued: counts against the position limit at once
    await broker.sync();
    const sent = server.requests.filter((r) => r.path === ORDER);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      method: 'POST',
      query: { symbol: 'BTC-USDT', side: 'BUY', type: 'MARKET', quantity: '0.01' },
    });
    expect(sent[0]!.query['signature']).toMatch(/^[0-9a-f]{64}$/);
    const s = broker.slots[slot]!;
    expect(s.qty).toBeCloseTo(0.01, 12);
    expect(s.pending).toBe(false);
    const fill = events.find((e) => e.kind === 'fill');
    expect(fill).toMatchObject({ kind: 'fill', fill: { side: 'buy', qty: 0.01, reason: 'entry' } });
    const { price, fee } = (fill as Extract<ExecEvent, { kind: 'fill' }>).fill;
    expect(fee).toBeCloseTo(0.01 * price * 0.001, 9);
    expect(broker.cash).toBeCloseTo(10_000 - 0.01 * price - fee, 6);
    expect(server.account!.balances.get('BTC')).toBeCloseTo(0.01, 12);
    expect(events.map((e) => e.kind)).toEqual(['placed', 'fill', 'closed']);

    broker.onBar(slot, bar(price), 0);
    expect(broker.equity()).toBeCloseTo(broker.cash + 0.01 * price, 6);
    broker.submitExit(slot);
    await broker.sync();
    expect(broker.slots[slot]!.qty).toBe(0);
    expect(
      events.filter((e) => e.kind === 'fill').map((e) => (e as { fill: { side: string } }).fill.side),
    ).toEqual(['buy', 'sell']);
    expect(server.account!.balances.get('BTC')).toBeCloseTo(0, 12);
    expect(broker.cash).toBeCloseTo(server.account!.balances.get('USDT')!, 9);
  });

  it('exits on a bar that crosses the stop-loss with a market sell', async () => {
    const slot = fresh();
    broker.submitEntry(slot, 0.01, Number.NaN, 1000, Number.NaN);
    await broker.sync();
    expect(broker.slots[slot]!.stopLoss).toBe(1000);
    broker.onBar(slot, bar(2000, 900, 2100), 0);
    await broker.sync();
    const sell = events.filter((e) => e.kind === 'fill').at(-1) as Extract<ExecEvent, { kind: 'fill' }>;
    expect(sell.fill).toMatchObject({ side: 'sell', reason: 'stop-loss', qty: 0.01 });
    expect(broker.slots[slot]!.qty).toBe(0);
  });

  it('cancels a resting limit entry when the strategy exits before it fills', async () => {
    const slot = fresh();
    broker.submitEntry(slot, 0.01, 1000, Number.NaN, Number.NaN); // far below the market: rests
    await broker.sync();
    expect(broker.slots[slot]!.pending).toBe(true);
    const id = (events.find((e) => e.kind === 'placed') as { exchangeOrderId: string }).exchangeOrderId;
    expect(server.account!.orders.get(Number(id))!.status).toBe('PENDING');
    broker.submitExit(slot);
    await broker.sync();
    expect(server.count('/openApi/spot/v1/trade/cancel')).toBe(1);
    expect(server.account!.orders.get(Number(id))!.status).toBe('CANCELED');
    expect(events.at(-1)).toEqual({ kind: 'closed', slot, side: 'buy', status: 'cancelled' });
    expect(broker.slots[slot]!.pending).toBe(false);
    expect(broker.openPositionCount()).toBe(0);
  });

  it('reports an order the exchange refuses, and refuses a wrong key', async () => {
    let slot = fresh();
    broker.submitEntry(slot, 1000, Number.NaN, Number.NaN, Number.NaN); // 65 M USDT: insufficient balance
    await broker.sync();
    expect(events).toEqual([
      { kind: 'rejected', slot, side: 'buy', message: expect.stringContaining('Insufficient assets') },
    ]);
    expect(broker.openPositionCount()).toBe(0);
    slot = fresh('wrong-key');
    broker.submitEntry(slot, 0.01, Number.NaN, Number.NaN, Number.NaN);
    await broker.sync().catch(() => {}); // the balance read fails too
    expect(events[0]).toMatchObject({ kind: 'rejected', message: expect.stringContaining('Signature') });
  });
});

describe.each(targets)('live pipeline on $name', (target) => {
  let server: BingxLoopbackServer;
  let ctx: PipelineContext;
  beforeAll(async () => {
    let now = () => T0;
    server = await BingxLoopbackServer.start({
      now: () => now(),
      account: { apiKey: KEY, secret: SECRET, balances: { USDT: 10_000 } },
    });
    ctx = await pipelineContext(
      target,
      {
        venue: 'ccxt',
        venueApiOrigin: server.origin,
        exchangeApiKey: KEY,
        exchangeApiSecret: SECRET,
        pipelineSymbols: 'BTC/USDT,ETH/USDT',
        pipelineLookbackBars: 100,
      },
      {
        venue: () =>
          unthrottled(new CcxtVenue({ exchangeId: 'bingx', apiOrigin: server.origin, rateLimitMs: 1 })),
      },
    );
    now = () => ctx.clock.now();
  });
  afterAll(async () => {
    await ctx.close();
    await closeExchanges();
    await server.close();
  });

  it('runs live when keys are set and VENUE=ccxt, placing and persisting exchange orders', async () => {
    const p = await ctx.fromConfig();
    const s = await p.status();
    expect(s).toMatchObject({ mode: 'live', simulation: false });
    expect(s.modeReason).toBe('exchange keys configured for bingx');

    const live = ctx.custom({
      mode: { mode: 'live', reason: 'test' },
      execution: {
        kind: 'live',
        exchange: createTradingExchange({
          exchangeId: 'bingx',
          apiKey: KEY,
          secret: SECRET,
          apiOrigin: server.origin,
          rateLimitMs: 1,
        }),
      },
      symbols: ['BTC/USDT', 'ETH/USDT'],
      topN: 2,
      risk: { positionFraction: 0.1 },
    });
    await live.runOnce(); // warm-up
    await nextHour(ctx, live); // entries decided and sent, filled at once by the exchange
    const status = await live.status();
    expect(status.lastRun).toMatchObject({ status: 'ok', mode: 'live' });
    const orders = await ctx.repo.listOrders(50, null);
    expect(orders.length).toBe(2);
    for (const o of orders) {
      expect(o).toMatchObject({ mode: 'live', side: 'buy', type: 'market', status: 'filled' });
      expect(o.exchangeOrderId).toMatch(/^\d+$/);
      expect(Number(o.fee)).toBeGreaterThan(0);
    }
    expect(status.positions.map((x) => x.symbol).sort()).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(status.account.cash).toBeCloseTo(server.account!.balances.get('USDT')!, 6);
    await nextHour(ctx, live, 3); // held two bars: exits sent and filled
    const sells = (await ctx.repo.listOrders(50, null)).filter((o) => o.side === 'sell');
    expect(sells.length).toBe(2);
    expect(sells.every((o) => o.status === 'filled')).toBe(true);
    expect(server.account!.balances.get('BTC')).toBeCloseTo(0, 9);
  });
});
