/**
 * Venues without a tick stream (ccxt, Polymarket) are polled for the prices
 * of markets with open positions, through the market-data layer, so their
 * positions are repriced and their TP/SL fire too. The venue here is the
 * simulated one with its stream capability switched off.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { buildServices, type Services } from '../../src/container.js';
import { systemClock } from '../../src/domain/clock.js';
import { decimal as d } from '../../src/domain/decimal.js';
import { PositionRepository } from '../../src/store/position-repository.js';
import { SimulatedVenue } from '../../src/venues/simulated/simulated-venue.js';
import type { Venue } from '../../src/venues/venue.js';
import { sqliteTarget } from '../support/databases.js';

describe('price polling for venues without a stream', () => {
  let s: Services;
  let drop: () => Promise<void>;
  const inner = new SimulatedVenue(systemClock, { seed: 3 });
  const withoutStream: Venue = {
    capabilities: { ...inner.capabilities, streaming: false },
    fetchTickers: (symbols) => inner.fetchTickers(symbols),
    fetchOHLCV: (symbol, tf, opts) => inner.fetchOHLCV(symbol, tf, opts),
    fetchMarkets: () => inner.fetchMarkets(),
    fetchMarketsByIds: (ids) => inner.fetchMarketsByIds(ids),
    fetchOrderBook: (symbol, depth) => inner.fetchOrderBook(symbol, depth),
    close: () => inner.close(),
  };

  beforeAll(async () => {
    const db = await sqliteTarget.create();
    drop = db.drop;
    const config = loadConfig({}, { databaseUrl: db.url, logLevel: 'silent', pricePollMs: 100 });
    s = await buildServices(config, { venue: withoutStream, warming: false });
  });
  afterAll(async () => {
    await s.close();
    await drop();
  });

  it('reprices open positions from polled prices and fires their TP', async () => {
    const markets = (await inner.fetchMarkets()).filter((m) => m.kind === 'binary').slice(0, 2);
    const { user } = await s.users.create('poller');
    const repo = new PositionRepository(s.db);
    const now = Date.now();
    const base = {
      venue: 'simulated',
      side: 'long' as const,
      outcome: 'Yes',
      outcomeIndex: 0,
      size: d('1'),
      entryPrice: d('0.5'),
      stopLoss: null,
    };
    // The first has a take-profit any real price reaches; the second has none.
    const fires = await repo.insert(
      user.id,
      { ...base, marketId: markets[0]!.id, symbol: markets[0]!.symbol, takeProfit: d('0.000001') },
      now,
    );
    const stays = await repo.insert(
      user.id,
      { ...base, marketId: markets[1]!.id, symbol: markets[1]!.symbol, takeProfit: null },
      now,
    );
    expect(await s.priceFeed.start()).toBe('poll');
    const price = (await inner.fetchTickers([markets[1]!.symbol])).get(markets[1]!.symbol)!.last;
    await vi.waitFor(
      async () => {
        const a = await repo.findById(fires.id);
        const b = await repo.findById(stays.id);
        expect(a?.status).toBe('closed');
        expect(a?.closeReason).toBe('take_profit');
        expect(b?.status).toBe('open');
        expect(Math.abs(Number(b?.currentPrice) - price)).toBeLessThan(0.05);
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(s.priceFeed.stats().flushes).toBeGreaterThan(0);
  });
});
