/**
 * GET /api/v1/overview on SQLite and PostgreSQL: the money figures are exact
 * sums of the user's own positions (realised per UTC-day window, unrealised
 * now, a copy's market value in the equity), one bar per day, bounded lists,
 * the bot and alerts; bad query input is a 400 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decimal, dec, decimal } from '../../src/domain/decimal.js';
import { PositionRepository } from '../../src/store/position-repository.js';
import { databaseTargets } from '../support/databases.js';
import { testApp } from '../support/services.js';

type Ctx = Awaited<ReturnType<typeof testApp>>;
const DAY = 86_400_000;

describe.each(await databaseTargets())('overview API on $name', (target) => {
  let t: Ctx;
  let repo: PositionRepository;
  let now: number;

  const get = (url: string, who: { headers: Record<string, string> } | undefined) =>
    t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: who?.headers ?? {} });

  async function closedPosition(userId: number, pnl: string, at: number) {
    const p = await repo.insert(
      userId,
      {
        venue: 'simulated',
        marketId: 'BTC/USDT',
        symbol: 'BTC/USDT',
        side: 'long',
        outcome: null,
        outcomeIndex: null,
        size: decimal('1'),
        entryPrice: decimal('100'),
        takeProfit: null,
        stopLoss: null,
      },
      at - 1000,
    );
    await t.services.db.transaction((tx) =>
      repo.close(p.id, 'take_profit', decimal('101'), decimal(pnl), decimal('0'), at, tx),
    );
  }

  beforeAll(async () => {
    // A real clock: listing open positions reads their markets through the batching window.
    t = await testApp(target, {}, { realClock: true });
    repo = new PositionRepository(t.services.db);
    now = Date.now();
    const alice = t.alice.user.id;
    // Open by hand: 2 at 100, repriced to 110 (unrealised +20).
    const manual = await repo.insert(
      alice,
      {
        venue: 'simulated',
        marketId: 'BTC/USDT',
        symbol: 'BTC/USDT',
        side: 'long',
        outcome: null,
        outcomeIndex: null,
        size: decimal('2'),
        entryPrice: decimal('100'),
        takeProfit: null,
        stopLoss: null,
      },
      now - 5000,
    );
    await t.services.db.kysely
      .updateTable('positions')
      .set({ current_price: '110', unrealized_pnl: '20' })
      .where('id', '=', manual.id)
      .execute();
    // A copy of a followed trader: 10 at 0.5 (its cost left the paper balance).
    const trader = await t.services.traders.create(alice, {
      name: 'Lead',
      source: 'manual',
      address: 'lead-1',
    });
    await repo.insert(
      alice,
      {
        venue: 'simulated',
        marketId: 'ETH/USDT',
        symbol: 'ETH/USDT',
        side: 'long',
        outcome: null,
        outcomeIndex: null,
        size: decimal('10'),
        entryPrice: decimal('0.5'),
        takeProfit: null,
        stopLoss: null,
        traderId: trader.id,
      },
      now - 4000,
    );
    await closedPosition(alice, '5.5', Math.max(now - 1000, Math.floor(now / DAY) * DAY)); // today
    await closedPosition(alice, '-2.25', now - 3 * DAY); // this week
    await closedPosition(alice, '10', now - 20 * DAY); // this month
    await closedPosition(alice, '0.000000000000000001', now - 100 * DAY); // earlier: exact, not a double
    await closedPosition(t.bob.user.id, '1000', Math.floor(now / DAY) * DAY); // someone else's
  });
  afterAll(() => t.close());

  it('sums the user’s own money exactly per window, with unrealised PnL and the equity', async () => {
    const r = await get('/overview?days=7', t.alice);
    expect(r.statusCode, r.body).toBe(200);
    const o = r.json();
    expect(o.pnl).toEqual({
      today: { realizedPnl: '5.5', closedPositions: 1, wins: 1 },
      last7Days: { realizedPnl: '3.25', closedPositions: 2, wins: 1 },
      last30Days: { realizedPnl: '13.25', closedPositions: 3, wins: 2 },
      allTime: { realizedPnl: '13.250000000000000001', closedPositions: 4, wins: 3 },
      unrealizedPnl: '20',
    });
    expect(o.openPositions).toMatchObject({
      count: 2,
      notional: '225',
      unrealizedPnl: '20',
      realizedPnl: '0',
    });
    expect(o.openPositions.items.map((p: { symbol: string }) => p.symbol)).toEqual(['ETH/USDT', 'BTC/USDT']);
    expect(o.openPositions.items[0].title).toBe('ETH/USDT');
    const balance = o.equity.balance as Decimal;
    expect(o.equity.openValue).toBe('25'); // the copy's value 10 × 0.5 + the hand-opened position's +20
    expect(o.equity.total).toBe(dec.add(balance, decimal('25')));
    expect(o.equity.initialBalance).toBe(t.services.config.paperInitialBalance);
  });

  it('draws one bar per UTC day, empty days at zero, today carrying the unrealised PnL', async () => {
    const bars = (await get('/overview?days=7', t.alice)).json().dailyProfit;
    expect(bars).toHaveLength(7);
    const today = new Date(now).toISOString().slice(0, 10);
    const threeAgo = new Date(now - 3 * DAY).toISOString().slice(0, 10);
    expect(bars.at(-1)).toEqual({
      day: today,
      realizedPnl: '5.5',
      unrealizedPnl: '20',
      total: '25.5',
      closedPositions: 1,
    });
    expect(bars.find((b: { day: string }) => b.day === threeAgo)).toMatchObject({
      realizedPnl: '-2.25',
      total: '-2.25',
    });
    expect(bars.filter((b: { total: string }) => b.total === '0')).toHaveLength(5);
    expect((await get('/overview', t.alice)).json().dailyProfit).toHaveLength(30);
    expect((await get('/overview?days=366', t.alice)).json().dailyProfit).toHaveLength(366);
  });

  it('shows the bot, copies and alerts, and nothing of another user', async () => {
    const o = (await get('/overview', t.bob)).json();
    expect(o.pnl.allTime).toEqual({ realizedPnl: '1000', closedPositions: 1, wins: 1 });
    expect(o.openPositions).toMatchObject({ count: 0, notional: '0', unrealizedPnl: '0', items: [] });
    expect(o.copies.items).toEqual([]);
    expect(o.bot).toMatchObject({ running: false, mode: 'paper', lastRun: null });
    expect(o.bot.modeReason).toMatch(/\w/);
    expect(Array.isArray(o.alerts)).toBe(true);
  });

  it('sums profit per market: closed positions, wins, realised PnL, orders and fees, and filters orders by trader', async () => {
    const lead = (await t.services.traders.list(t.alice.user.id, 10, null))[0]!;
    const order = (fee: string, traderId?: number) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/orders',
        headers: t.alice.headers,
        payload: {
          ...(traderId ? { traderId } : {}),
          pair: 'BTC/USDT',
          side: 'buy',
          type: 'market',
          quantity: '1',
          filledQuantity: '1',
          averagePrice: '100',
          status: 'filled',
          fee,
        },
      });
    expect((await order('0.1', lead.id)).statusCode).toBe(201);
    expect((await order('0.000000000000000002')).statusCode).toBe(201);
    const r = await get('/overview/markets', t.alice);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().items).toEqual([
      {
        market: 'BTC/USDT',
        closedPositions: 4,
        wins: 3,
        winRate: 0.75,
        realizedPnl: '13.250000000000000001',
        orders: 2,
        fees: '0.100000000000000002',
      },
    ]);
    expect((await get('/overview/markets', t.bob)).json().items).toEqual([
      {
        market: 'BTC/USDT',
        closedPositions: 1,
        wins: 1,
        winRate: 1,
        realizedPnl: '1000',
        orders: 0,
        fees: '0',
      },
    ]);
    const mine = (await get(`/orders?traderId=${lead.id}`, t.alice)).json().items;
    expect(mine.map((o: { traderId: number }) => o.traderId)).toEqual([lead.id]);
    expect((await get('/orders', t.alice)).json().items).toHaveLength(2);
    expect((await get('/orders?traderId=0', t.alice)).statusCode).toBe(400);
    expect((await get('/orders?traderId=x', t.alice)).statusCode).toBe(400);
  });

  it('refuses bad input with a 400 naming the field, and no token with a 401', async () => {
    for (const q of ['days=0', 'days=367', 'days=abc', 'days=1.5', 'from=2026-01-01']) {
      const r = await get(`/overview?${q}`, t.alice);
      expect(r.statusCode, q).toBe(400);
      expect(r.json().error.code).toBe('VALIDATION_FAILED');
      expect(r.json().error.message, q).toMatch(/querystring/);
    }
    expect((await get('/overview', undefined)).statusCode).toBe(401);
    expect((await get('/overview/markets', undefined)).statusCode).toBe(401);
  });
});
