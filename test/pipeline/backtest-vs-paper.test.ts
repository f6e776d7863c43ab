/**
 * One engine: the same strategy gives the same trades in a backtest
 * (`runBacktest` over the candles) and in paper mode driven by the pipeline
 * candle by candle on a ManualClock, over the same simulated-venue candles.
 * The persisted orders are those trades' fills.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { barsFromCandles } from '../../src/engine/bars.js';
import { PaperBroker } from '../../src/engine/paper-broker.js';
import { getStrategy } from '../../src/engine/strategies/registry.js';
import { runBacktest } from '../../src/research/backtest.js';
import { sqliteTarget } from '../support/databases.js';
import { HOUR, nextHour, type PipelineContext, pipelineContext } from './support.js';

const SYMBOL = 'BTC/USDT';
const RUNS = 240;

describe('backtest and the paper pipeline trade alike', () => {
  let ctx: PipelineContext;
  beforeAll(async () => {
    ctx = await pipelineContext(sqliteTarget);
  });
  afterAll(() => ctx.close());

  it.each([
    { strategy: 'sma-cross', params: { fast: 5, slow: 20 }, risk: { positionFraction: 0.5 } },
    {
      strategy: 'rsi-reversion',
      params: { period: 7, oversold: 35, overbought: 60 },
      risk: { positionFraction: 0.8, dailyLossLimit: 0.01, maxSymbolExposure: 0.6 },
    },
  ])('$strategy $params $risk', async ({ strategy, params, risk }) => {
    const def = getStrategy(strategy);
    const parsed = def.parse(params);
    const execution = { kind: 'paper' as const, initialCash: 10_000, feeRate: 0.001, slippageBps: 5 };
    const start = ctx.clock.now();
    const p = ctx.custom({
      symbols: [SYMBOL],
      topN: 1,
      warmupBars: 0, // trade from the first candle that closes after the start, like the backtest's bar 0
      strategy: { id: strategy, params: parsed, create: () => def.create(parsed) },
      risk,
      execution,
    });
    await p.runOnce();
    await nextHour(ctx, p, RUNS);
    expect((await ctx.repo.lastRun())!.status).toBe('ok');

    const candles = (await ctx.venue.fetchOHLCV(SYMBOL, '1h', { since: start, limit: 1000 })).filter(
      (c) => c.ts + HOUR <= ctx.clock.now(),
    );
    expect(candles).toHaveLength(RUNS);
    const bt = runBacktest({
      strategy: def.create(parsed),
      symbol: SYMBOL,
      bars: barsFromCandles(candles),
      initialCapital: execution.initialCash,
      feeRate: execution.feeRate,
      slippageBps: execution.slippageBps,
      risk,
      barMs: HOUR,
      closeAtEnd: false,
    });
    if (!(p.broker instanceof PaperBroker)) throw new Error('expected the paper broker');
    const paper = p.broker.trades.toArray([SYMBOL]);
    expect(bt.trades.length).toBeGreaterThan(1);
    expect(paper).toEqual(bt.trades);

    // The persisted fills are the trades' entries and exits.
    const orders = (await ctx.repo.listOrders(500, null)).filter(
      (o) => o.createdAt > start && o.status === 'filled',
    );
    const byId = (x: { id: number }, y: { id: number }) => x.id - y.id;
    const buys = orders.filter((o) => o.side === 'buy').sort(byId);
    const sells = orders.filter((o) => o.side === 'sell').sort(byId);
    expect(sells).toHaveLength(bt.trades.length);
    bt.trades.forEach((t, i) => {
      expect(Number(buys[i]!.averagePrice)).toBeCloseTo(t.entryPrice, 6);
      expect(Number(buys[i]!.filledQuantity)).toBeCloseTo(t.qty, 9);
      expect(Number(sells[i]!.averagePrice)).toBeCloseTo(t.exitPrice, 6);
      expect(Number(buys[i]!.fee) + Number(sells[i]!.fee)).toBeCloseTo(t.fees, 6);
    });
    await p.stop();
  });
});
