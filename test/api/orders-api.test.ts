/** /api/v1/orders, /orders/bulk, /stats/daily-volume and /traders/performance over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec, decimal } from '../../src/domain/decimal.js';
import { databaseTargets } from '../support/databases.js';
import { limitBuy } from '../support/orders.js';
import { testApp } from '../support/services.js';

type Ctx = Awaited<ReturnType<typeof testApp>>;

describe.each(await databaseTargets())('orders API on $name', (target) => {
  let t: Ctx;
  let traderId: number;
  beforeAll(async () => {
    t = await testApp(target);
    traderId = (
      await t.services.traders.create(t.alice.user.id, { name: 'Copy', source: 'manual', address: 'copy-me' })
    ).id;
  });
  afterAll(() => t.close());

  const call = (
    method: 'GET' | 'POST',
    url: string,
    who: { headers: Record<string, string> },
    payload?: unknown,
  ) =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who.headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const orderCount = async (who: { headers: Record<string, string> }) =>
    (await call('GET', '/orders?limit=500', who)).json().items.length;

  it('records an order and lists it joined with its pair', async () => {
    const r = await call('POST', '/orders', t.alice, limitBuy(traderId));
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({
      pair: 'BTC/USDT',
      price: '64000.5',
      quantity: '0.01',
      filledQuantity: '0',
      status: 'open',
      traderId,
    });
    const list = (await call('GET', '/orders?status=open&pair=BTC/USDT', t.alice)).json();
    expect(list.items[0].id).toBe(r.json().id);
    expect((await call('GET', `/orders/${r.json().id}`, t.alice)).statusCode).toBe(200);
    expect((await call('GET', `/orders/${r.json().id}`, t.bob)).statusCode).toBe(403);
  });

  it('imports in bulk atomically and updates performance and daily volume', async () => {
    const orders = [
      {
        traderId,
        pair: 'ETH/USDT',
        side: 'buy',
        quantity: '2',
        filledQuantity: '2',
        averagePrice: '3000',
        fee: '1.2',
        status: 'filled',
        createdAt: '2026-01-14T10:00:00Z',
      },
      {
        traderId,
        pair: 'ETH/USDT',
        side: 'sell',
        quantity: '1',
        filledQuantity: '1',
        averagePrice: '3300',
        fee: '0.66',
        status: 'filled',
        createdAt: '2026-01-15T09:00:00Z',
      },
      {
        traderId,
        pair: 'ETH/USDT',
        side: 'sell',
        quantity: '1',
        filledQuantity: '0.5',
        averagePrice: '2900',
        fee: '0.29',
        status: 'cancelled',
        createdAt: '2026-01-15T10:00:00Z',
      },
    ];
    const r = await call('POST', '/orders/bulk', t.alice, { orders });
    expect(r.statusCode).toBe(201);
    expect(r.json().imported).toBe(3);
    const perf = (await call('GET', '/traders/performance', t.alice))
      .json()
      .items.find((p: { traderId: number }) => p.traderId === traderId);
    // +300 on the first sell, -50 on the partial; fees 2.15 in all.
    expect(perf).toMatchObject({
      trades: 3,
      closedTrades: 2,
      wins: 1,
      winRate: 0.5,
      volume: '10750',
      fees: '2.15',
      realizedPnl: '247.85',
    });
    const vol = (await call('GET', '/stats/daily-volume?days=30', t.alice)).json().items;
    expect(vol).toEqual([
      { day: '2026-01-14', volume: '6000', fills: 1 },
      { day: '2026-01-15', volume: '4750', fills: 2 },
    ]);
    expect((await call('GET', '/stats/daily-volume?days=1', t.alice)).json().items).toEqual([
      { day: '2026-01-15', volume: '4750', fills: 2 },
    ]);
  });

  it('rejects a bulk import with one bad row and imports nothing', async () => {
    const before = await orderCount(t.alice);
    const good = { pair: 'SOL/USDT', side: 'buy', quantity: '1' };
    const cases: [unknown, RegExp][] = [
      [{ orders: [good, { ...good, quantity: -1 }] }, /orders\[1\]\.quantity/],
      [{ orders: [good, { ...good, quantity: 'NaN' }] }, /orders\[1\]\.quantity/],
      [{ orders: [good, { ...good, colour: 'red' }] }, /orders\[1\]\.colour is not a known field/],
      [{ orders: [good, { ...good, quantity: true }] }, /orders\[1\]\.quantity/],
      [{ orders: [good, { ...good, traderId: 424242 }] }, /orders\[1\]\.traderId/],
      [{ orders: [good, { ...good, createdAt: 'tomorrow' }] }, /orders\[1\]\.createdAt/],
      [{ orders: [] }, /body\.orders/],
      [{ orders: Array.from({ length: 10_001 }, () => good) }, /body\.orders/],
      [{ order: [good] }, /body\.order/],
    ];
    for (const [payload, match] of cases) {
      const r = await call('POST', '/orders/bulk', t.alice, payload);
      expect(r.statusCode).toBe(400);
      expect(JSON.stringify(r.json())).toMatch(match);
    }
    const foreignTrader = (
      await t.services.traders.create(t.bob.user.id, { name: 'B', source: 'manual', address: 'bobs' })
    ).id;
    const foreign = await call('POST', '/orders', t.alice, { ...good, traderId: foreignTrader });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.message).toMatch(/not one of your traders/);
    expect(await orderCount(t.alice)).toBe(before);
  });

  it('compares amounts sent as JSON numbers exactly, as the client wrote them', async () => {
    // Raw JSON text: JSON.stringify would round these literals before they left the test.
    const post = (json: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/orders',
        headers: { ...t.alice.headers, 'content-type': 'application/json' },
        payload: json,
      });
    const before = await orderCount(t.alice);
    const overfill = await post(
      '{"pair":"XRP/USDT","side":"buy","quantity":1,"filledQuantity":1.000000000000000001,"averagePrice":2,"status":"filled"}',
    );
    expect(overfill.statusCode).toBe(400);
    expect(overfill.json().error.details).toContainEqual({
      path: 'body.filledQuantity',
      message: 'must not exceed quantity',
    });
    const short = await post(
      '{"pair":"XRP/USDT","side":"buy","quantity":0.30000000000000001,"filledQuantity":0.3,"averagePrice":2,"status":"filled"}',
    );
    expect(short.statusCode).toBe(400);
    expect(short.json().error.details).toContainEqual({
      path: 'body.status',
      message: 'a filled order has filledQuantity = quantity',
    });
    expect(await orderCount(t.alice)).toBe(before);
    const vol = (await call('GET', '/stats/daily-volume?days=1', t.alice)).json().items;

    const partial = await post(
      '{"pair":"XRP/USDT","side":"buy","quantity":1.000000000000000001,"filledQuantity":1,"averagePrice":2,"status":"partially_filled","fee":0.1}',
    );
    expect(partial.statusCode).toBe(201);
    expect(partial.json()).toMatchObject({
      quantity: '1.000000000000000001',
      filledQuantity: '1',
      fee: '0.1',
      status: 'partially_filled',
    });
    // Only the valid partial fill reached the ledger: 1 at 2 on top of whatever the day had.
    const after = (await call('GET', '/stats/daily-volume?days=1', t.alice)).json().items;
    const today = (items: { volume: string; fills: number }[]) => items.at(-1) ?? { volume: '0', fills: 0 };
    expect(today(after).fills).toBe(today(vol).fills + 1);
    expect(today(after).volume).toBe(dec.add(decimal(today(vol).volume), decimal('2')));
  });

  it('validates list filters and stats parameters', async () => {
    const bogus = await call('GET', '/orders?status=bogus', t.alice);
    expect(bogus.statusCode).toBe(400);
    // The refusal names the statuses there are.
    expect(bogus.json().error.details).toEqual([
      {
        path: 'querystring.status',
        message: 'must be one of open, partially_filled, filled, cancelled, rejected',
      },
    ]);
    expect((await call('GET', '/orders?pair=btc', t.alice)).statusCode).toBe(400);
    expect((await call('GET', '/orders?cursor=%%%', t.alice)).statusCode).toBe(400);
    expect((await call('GET', '/orders?unknown=1', t.alice)).statusCode).toBe(400);
    expect((await call('GET', '/stats/daily-volume?days=0', t.alice)).statusCode).toBe(400);
    expect((await call('GET', '/stats/daily-volume?days=9999', t.alice)).statusCode).toBe(400);
    expect((await call('GET', '/orders/0', t.alice)).statusCode).toBe(400);
    expect((await call('GET', '/orders/77777777', t.alice)).statusCode).toBe(404);
  });
});
