/**
 * The copy replay on hand-made trades and candles: fills at the bar's close
 * plus slippage with the fee, sized as the follow asks; exits by the
 * leader's fraction, by stop-loss, take-profit and trailing stop (at the
 * level, or the open when the bar gapped past it); skips with the engine's
 * reasons; equity marked at each bar close; request validation naming fields.
 */
import { describe, expect, it } from 'vitest';
import { decimal } from '../../src/domain/decimal.js';
import type { ValidationError } from '../../src/domain/errors.js';
import type { Market } from '../../src/domain/market.js';
import type { Bars } from '../../src/engine/bars.js';
import { parseCopyBacktestRequest, replayCopies } from '../../src/research/index.js';
import type { LeaderTrade } from '../../src/venues/leader-source.js';

const H = 3_600_000;
const T0 = Date.parse('2025-03-01T00:00:00Z');
const market: Market = { id: 'ABC/USDT', symbol: 'ABC/USDT', kind: 'spot', active: true };

/** Hourly bars from (open, high, low, close) rows starting at T0. */
function bars(rows: [number, number, number, number][]): Bars {
  const col = (i: number) => Float64Array.from(rows.map((r) => r[i]!));
  return {
    length: rows.length,
    ts: Float64Array.from(rows.map((_, i) => T0 + i * H)),
    open: col(0),
    high: col(1),
    low: col(2),
    close: col(3),
    volume: new Float64Array(rows.length),
  };
}

let n = 0;
const trade = (hour: number, side: 'buy' | 'sell', size: string, mkt = 'ABC/USDT'): LeaderTrade => ({
  id: `t${++n}`,
  ts: T0 + hour * H + 60_000,
  side,
  market: mkt,
  outcomeIndex: null,
  size: decimal(size),
  price: decimal('10'),
});

const request = (followOptions: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  parseCopyBacktestRequest(
    {
      kind: 'copy',
      source: 'simulated',
      address: 'sim-a',
      from: '2025-03-01',
      to: '2025-03-02',
      initialCapital: 1000,
      followOptions,
      feeRate: '0.001',
      slippage: '0.01',
      ...extra,
    },
    { venues: ['simulated'] },
  );

function run(req: ReturnType<typeof request>, trades: LeaderTrade[], b: Bars) {
  return replayCopies({
    request: req,
    trades,
    markets: new Map([
      ['ABC/USDT', market],
      ['GONE/USDT', null],
    ]),
    bars: new Map([['ABC/USDT#', b]]),
    barMs: H,
    pricing: 'venue',
    leaderEquity: null,
  });
}

describe('copy replay', () => {
  it('copies at the bar close plus slippage, sells the leader fraction, closes with the leader, and marks equity per bar', () => {
    const b = bars([
      [10, 10, 10, 10],
      [10, 12, 10, 12],
      [12, 12, 12, 12],
      [12, 15, 12, 15],
    ]);
    const trades = [trade(0, 'buy', '4'), trade(1, 'sell', '2'), trade(3, 'sell', '2')];
    const r = run(request({ copyMode: 'ratio', copyRatio: '0.5' }), trades, b);
    // Buy 2 at 10 x 1.01; sell half at 12 x 0.99; the rest at 15 x 0.99.
    expect(r.copied.map((c) => [c.side, c.size, c.price])).toEqual([
      ['buy', '2', '10.1'],
      ['sell', '1', '11.88'],
      ['sell', '1', '14.85'],
    ]);
    expect(r.copied[0]!.fee).toBe('0.0202');
    expect(r.skipped).toEqual([]);
    expect(r.trades).toHaveLength(1);
    const cost = 20.2 + 0.0202;
    const proceeds = 11.88 * (1 - 0.001) + 14.85 * (1 - 0.001);
    expect(r.trades[0]!.pnl).toBeCloseTo(proceeds - cost, 9);
    expect(r.tradeReturns[0]).toBeCloseTo((proceeds - cost) / cost, 9);
    expect(r.metrics.finalEquity).toBeCloseTo(1000 + proceeds - cost, 9);
    expect(r.equityCurve).toHaveLength(4);
    // After the first bar: cash 1000 - 20.2202 plus 2 units marked at 10.
    expect(r.equityCurve[0]!.equity).toBeCloseTo(1000 - 20.2202 + 20, 9);
  });

  it('closes at the stop-loss level, or at the open when the bar gaps below it, and skips the leader sell after', () => {
    const b = bars([
      [10, 10, 10, 10],
      [10, 10, 9.5, 9.8],
      [9.8, 9.8, 8, 8.5],
      [8.5, 9, 8.5, 9],
    ]);
    const r = run(
      request({ copyMode: 'fixed', fixedAmount: '100', stopLossPct: '10' }),
      [trade(0, 'buy', '1'), trade(3, 'sell', '1')],
      b,
    );
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]!.exitReason).toBe('stop-loss');
    expect(r.trades[0]!.exitPrice).toBeCloseTo(10.1 * 0.9, 9);
    expect(r.skipped).toEqual([expect.objectContaining({ side: 'sell', reason: 'no_open_copy' })]);
    const gap = bars([
      [10, 10, 10, 10],
      [8, 8, 7, 7.5],
    ]);
    const g = run(
      request({ copyMode: 'fixed', fixedAmount: '100', stopLossPct: '10' }),
      [trade(0, 'buy', '1')],
      gap,
    );
    expect(g.trades[0]!.exitPrice).toBe(8);
  });

  it('takes profit at its level and trails the best high', () => {
    const up = bars([
      [10, 10, 10, 10],
      [10, 12, 10, 11],
    ]);
    const tp = run(
      request({ copyMode: 'fixed', fixedAmount: '100', takeProfitPct: '10' }),
      [trade(0, 'buy', '1')],
      up,
    );
    expect(tp.trades[0]!.exitReason).toBe('take-profit');
    expect(tp.trades[0]!.exitPrice).toBeCloseTo(11.11, 9);
    const trail = bars([
      [10, 10, 10, 10],
      [10, 20, 10, 19],
      [19, 19, 17.5, 18],
    ]);
    const tr = run(
      request({ copyMode: 'fixed', fixedAmount: '100', trailingStopPct: '10' }),
      [trade(0, 'buy', '1')],
      trail,
    );
    expect(tr.trades[0]!.exitReason).toBe('stop-loss');
    expect(tr.trades[0]!.exitPrice).toBe(18);
  });

  it('skips with the engine reasons: unknown market, filtered market, leader position unknown, balance', () => {
    const b = bars([[10, 10, 10, 10]]);
    const r = run(
      request({ copyMode: 'fixed', fixedAmount: '5000', denyMarkets: ['XYZ/USDT'] }),
      [trade(0, 'sell', '1'), trade(0, 'buy', '1', 'GONE/USDT'), trade(0, 'buy', '1')],
      b,
    );
    expect(r.skipped.map((s) => s.reason)).toEqual(['leader_position_unknown', 'unknown_market']);
    // 5000 asked of a 1000 balance: reduced to what the balance allows, fee included.
    expect(r.copied[0]!.reducedBy).toBe('balance');
    expect(r.skippedByReason).toEqual({ leader_position_unknown: 1, unknown_market: 1 });
  });

  it('refuses bad input naming each field', () => {
    const bad = (raw: Record<string, unknown>) => {
      try {
        parseCopyBacktestRequest(
          {
            kind: 'copy',
            source: 'simulated',
            address: 'sim-a',
            from: '2025-01-01',
            to: '2025-02-01',
            initialCapital: 100,
            ...raw,
          },
          { venues: ['simulated'] },
        );
        return [];
      } catch (err) {
        return (err as ValidationError).details.map((d) => d.path);
      }
    };
    expect(bad({ source: 'manual' })).toContain('source');
    expect(bad({ followOptions: { copyMode: 'double' } })).toContain('followOptions.copyMode');
    expect(bad({ followOptions: { copyMode: 'fixed' } })).toContain('followOptions.fixedAmount');
    expect(bad({ to: '2024-12-01' })).toContain('to');
    expect(bad({ initialCapital: 0 })).toContain('initialCapital');
    expect(bad({ venue: 'nowhere' })).toContain('venue');
    expect(bad({ timeframe: '7h' })).toContain('timeframe');
    expect(bad({ extra: 1 })).toContain('extra');
    expect(bad({})).toEqual([]);
  });
});
