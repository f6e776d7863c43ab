/**
 * Positions pushed over the real app's WebSocket stream: opening, a price
 * flush and a TP close reach the owner's `positions` subscription (never
 * another user's), and market prices reach `markets:<id>` subscribers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Market } from '../../src/domain/market.js';
import { databaseTargets } from '../support/databases.js';
import { testApp } from '../support/services.js';
import { Client, type Msg } from '../support/ws-client.js';

describe.each(await databaseTargets())('positions on the stream ($name)', (target) => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let url: string;
  let market: Market;
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await testApp(target, {}, { realClock: true });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    url = `ws://127.0.0.1:${(t.app.server.address() as { port: number }).port}/api/v1/stream`;
    const binaries = (await t.services.venue.fetchMarkets()).filter((m) => m.kind === 'binary');
    const prices = await t.services.venue.fetchTickers(binaries.map((m) => m.symbol));
    // One whose "Yes" trades mid-range, so a 0.97 take-profit is not already reached.
    market = binaries.find((m) => (prices.get(m.symbol)?.last ?? 1) < 0.8)!;
    await t.services.priceFeed.loadMarkets();
  });
  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    await t.close();
  });

  async function connect(token: string, ...topics: string[]): Promise<Client> {
    const c = new Client(new WebSocket(url, { headers: { authorization: `Bearer ${token}` } }));
    clients.push(c);
    await c.next((m) => m.type === 'ready');
    await c.subscribe(...topics);
    return c;
  }

  it('pushes opens, repricing and TP closes to the owner only, and prices to market subscribers', async () => {
    const alice = await connect(t.alice.token, 'positions', `markets:${market.id}`);
    const bob = await connect(t.bob.token, 'positions');
    const opened = await t.app.inject({
      method: 'POST',
      url: '/api/v1/positions',
      headers: t.alice.headers,
      payload: { marketId: market.id, outcome: 'Yes', size: '4', takeProfit: '0.97' },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const id = String(opened.json().id);
    const isPosition = (status: string) => (m: Msg) =>
      m.type === 'update' &&
      m.topic === 'positions' &&
      m.key === id &&
      (m.data as { status: string }).status === status;
    expect((await alice.next(isPosition('open'))).data).toMatchObject({ id: Number(id), size: '4' });

    t.services.priceFeed.ingest([{ symbol: market.symbol, ts: 1, last: 0.9 }]);
    await t.services.priceFeed.drain();
    // The price goes out as it arrives; the position's PnL after the write that reprices it.
    expect(await alice.next((m) => m.topic === `markets:${market.id}`)).toMatchObject({
      key: market.id,
      data: { marketId: market.id, symbol: market.symbol, price: '0.9' },
    });
    const repriced = await alice.next(
      (m) => isPosition('open')(m) && (m.data as { currentPrice: string }).currentPrice === '0.9',
    );
    expect(repriced.data).toMatchObject({ currentPrice: '0.9' });

    t.services.priceFeed.ingest([{ symbol: market.symbol, ts: 2, last: 0.98 }]);
    await t.services.priceFeed.drain();
    const closed = await alice.next(isPosition('closed'));
    expect(closed.data).toMatchObject({ closeReason: 'take_profit', closePrice: '0.98' });

    // Bob subscribed to his own positions only: a ping round trip shows nothing else arrived.
    bob.send({ type: 'ping' });
    await bob.next((m) => m.type === 'pong');
    expect(bob.updates()).toHaveLength(0);

    const streams = await t.app.inject({ url: '/api/v1/performance/streams', headers: t.alice.headers });
    expect(streams.json().priceFeed).toMatchObject({ positionsClosed: 1 });
    expect(streams.json().priceFeed.ticksReceived).toBeGreaterThanOrEqual(2);
    expect(streams.json().websocket.connections).toBe(2);
    const metrics = (await t.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/^tradeloop_price_flushes_total [1-9]\d*$/m);
    expect(metrics).toMatch(/^tradeloop_positions_closed_by_tpsl_total 1$/m);
    expect(metrics).toMatch(/^tradeloop_price_ticks_received_total [1-9]\d*$/m);
  });
});
