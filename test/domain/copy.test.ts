import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CopySizing,
  copyLevels,
  type EntryContext,
  exitFraction,
  exitSize,
  fillPrice,
  followWasEnabled,
  marketFilter,
  nextHighWater,
  parseEnabledWindows,
  sizeEntry,
  trailingStopHit,
} from '../../src/domain/copy.js';
import { decimal as d, type Exact, formatExact, parseExact } from '../../src/domain/decimal.js';

const x = (text: string): Exact => parseExact(d(text));
const f = (e: Exact): string => formatExact(e);

const sizing = (over: Partial<CopySizing> = {}): CopySizing => ({
  copyMode: 'ratio',
  copyRatio: d('1'),
  fixedAmount: null,
  allocation: d('0'),
  maxPositionSize: null,
  minTradeSize: null,
  allowMarkets: null,
  denyMarkets: null,
  ...over,
});

const ctx = (over: Partial<EntryContext> = {}): EntryContext => ({
  leaderSize: x('10'),
  leaderPrice: x('2'),
  fillPrice: x('2'),
  leaderEquity: null,
  exposure: x('0'),
  marketCost: x('0'),
  balance: x('100000'),
  feeRate: x('0'),
  minUnits: null,
  ...over,
});

describe('sizing a copy', () => {
  it('is exactly the mode size when nothing cuts it', () => {
    const r = sizeEntry(sizing({ copyRatio: d('0.5') }), ctx());
    expect(r).toMatchObject({ copy: true, reducedBy: null });
    if (r.copy) expect([f(r.size), f(r.notional)]).toEqual(['5', '10']);
    const fixed = sizeEntry(sizing({ copyMode: 'fixed', fixedAmount: d('7') }), ctx({ fillPrice: x('3') }));
    if (!fixed.copy) throw new Error('expected a copy');
    expect(f(fixed.size)).toBe('2.33333333'); // rounded down: never above the amount asked
    expect(f(fixed.notional)).toBe('6.99999999');
    // proportional: leader's 20 of 1,000 equity = 2 % of a 5,000 allocation = 100
    const prop = sizeEntry(
      sizing({ copyMode: 'proportional', allocation: d('5000') }),
      ctx({ leaderEquity: x('1000') }),
    );
    if (!prop.copy) throw new Error('expected a copy');
    expect(f(prop.notional)).toBe('100');
  });

  it('says which cap cut it, and skips when a cap leaves nothing', () => {
    const capped = sizeEntry(sizing({ maxPositionSize: d('15') }), ctx({ marketCost: x('10') }));
    expect(capped).toMatchObject({ copy: true, reducedBy: 'max_position_size' });
    if (capped.copy) expect(f(capped.notional)).toBe('5');
    expect(sizeEntry(sizing({ allocation: d('100') }), ctx({ exposure: x('95') }))).toMatchObject({
      copy: true,
      reducedBy: 'allocation',
    });
    expect(sizeEntry(sizing({ allocation: d('100') }), ctx({ exposure: x('100') }))).toEqual({
      copy: false,
      reason: 'allocation_exhausted',
    });
    expect(sizeEntry(sizing({ maxPositionSize: d('10') }), ctx({ marketCost: x('10') }))).toEqual({
      copy: false,
      reason: 'max_position_size',
    });
    expect(sizeEntry(sizing(), ctx({ balance: x('0') }))).toEqual({
      copy: false,
      reason: 'insufficient_balance',
    });
    const byBalance = sizeEntry(sizing(), ctx({ balance: x('10.1'), feeRate: x('0.01') }));
    expect(byBalance).toMatchObject({ copy: true, reducedBy: 'balance' });
    if (byBalance.copy) expect(f(byBalance.notional)).toBe('10'); // 10 + 1 % fee fits 10.1
  });

  it('skips below the minimum, without leader equity, or without a price', () => {
    expect(sizeEntry(sizing({ minTradeSize: d('25') }), ctx())).toEqual({
      copy: false,
      reason: 'below_min_size',
    });
    expect(sizeEntry(sizing(), ctx({ minUnits: x('11') }))).toEqual({
      copy: false,
      reason: 'below_min_size',
    });
    expect(sizeEntry(sizing({ copyMode: 'proportional', allocation: d('1') }), ctx())).toEqual({
      copy: false,
      reason: 'no_leader_equity',
    });
    expect(sizeEntry(sizing(), ctx({ fillPrice: x('0') }))).toEqual({ copy: false, reason: 'no_price' });
  });
});

describe('exits, windows, filters and levels', () => {
  it('copies an exit as the leader fraction, the whole copy at 1', () => {
    expect(f(exitFraction(x('10'), x('2.5'))!)).toBe('0.25');
    expect(f(exitFraction(x('10'), x('12'))!)).toBe('1');
    expect(exitFraction(x('0'), x('1'))).toBeNull();
    expect(f(exitSize(x('3'), x('0.25')))).toBe('0.75');
    expect(f(exitSize(x('3'), x('1')))).toBe('3');
  });

  it('reads stored windows as the pattern of digits-dash-digits says, part by part', () => {
    // The rule as a regular expression, the reference the scanner is held to.
    const reference = (text: string) =>
      text.split(',').flatMap((part) => {
        const m = /^(\d{1,15})-(\d{0,15})$/.exec(part);
        return m ? [[Number(m[1]), m[2] === '' ? null : Number(m[2])]] : [];
      });
    const part = fc.oneof(
      fc
        .tuple(
          fc.stringMatching(/^\d{0,17}$/),
          fc.constantFrom('-', '', '--', 'x'),
          fc.stringMatching(/^\d{0,17}$/),
        )
        .map(([a, dash, b]) => `${a}${dash}${b}`),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
        const text = parts.join(',');
        expect(parseEnabledWindows(text)).toEqual(reference(text));
      }),
      { numRuns: 5_000 },
    );
    expect(parseEnabledWindows(`${'9'.repeat(15)}-${'9'.repeat(15)}`)).toEqual([
      [999_999_999_999_999, 999_999_999_999_999],
    ]);
    expect(parseEnabledWindows(`${'9'.repeat(16)}-1,2-`)).toEqual([[2, null]]);
  });

  it('decides by the enabled window at the trade time', () => {
    const w = parseEnabledWindows('100-200,300-');
    expect(w).toEqual([
      [100, 200],
      [300, null],
    ]);
    expect(followWasEnabled(w, 100)).toBe(true);
    expect(followWasEnabled(w, 99)).toBe(false);
    expect(followWasEnabled(w, 199)).toBe(true);
    expect(followWasEnabled(w, 200)).toBe(false);
    expect(followWasEnabled(w, 300)).toBe(true);
    expect(followWasEnabled(parseEnabledWindows(''), 1)).toBe(false);
    expect(parseEnabledWindows('5-150,x-,100-200')).toEqual([
      [5, 150],
      [100, 200],
    ]); // a cut-off fragment is ignored
    expect(parseEnabledWindows('7-15,100-')).toEqual([
      [7, 15],
      [100, null],
    ]);
  });

  it('filters markets and prices fills with slippage', () => {
    expect(marketFilter(sizing({ allowMarkets: ['A'] }), 'B')).toBe('market_filtered');
    expect(marketFilter(sizing({ denyMarkets: ['B'] }), 'B')).toBe('market_filtered');
    expect(marketFilter(sizing({ allowMarkets: ['B'] }), 'B')).toBeNull();
    expect(f(fillPrice(x('100'), 'buy', x('0.001'), false))).toBe('100.1');
    expect(f(fillPrice(x('100'), 'sell', x('0.001'), false))).toBe('99.9');
    expect(f(fillPrice(x('0.9995'), 'buy', x('0.001'), true))).toBe('1');
  });

  it('sets TP/SL levels from percentages and trails the best price', () => {
    expect(copyLevels(d('2'), d('50'), d('10'))).toEqual({ takeProfit: '3', stopLoss: '1.8' });
    expect(copyLevels(d('2'), null, null)).toEqual({ takeProfit: null, stopLoss: null });
    expect(nextHighWater('long', d('10'), d('12'))).toBe('12');
    expect(nextHighWater('long', d('12'), d('11'))).toBe('12');
    expect(trailingStopHit('long', d('12'), d('10'), d('10.8'))).toBe(true);
    expect(trailingStopHit('long', d('12'), d('10'), d('10.81'))).toBe(false);
    expect(trailingStopHit('short', d('10'), d('10'), d('11'))).toBe(true);
  });
});
