import { describe, expect, it } from 'vitest';
import { applyFill, FLAT, type Holding } from '../../src/domain/average-cost.js';
import { decimal, type Exact, formatExact, parseExact } from '../../src/domain/decimal.js';

const x = (text: string): Exact => parseExact(decimal(text));
const show = (h: Holding) => ({
  quantity: formatExact(h.quantity),
  averagePrice: formatExact(h.averagePrice),
});
const fill = (h: Holding, side: 'buy' | 'sell', q: string, p: string) => {
  const r = applyFill(h, side, x(q), x(p));
  return { ...r, shown: show(r.holding), pnl: formatExact(r.realized as Exact) };
};

describe('applyFill', () => {
  it('averages entries and realises on the reducing part', () => {
    let r = fill(FLAT, 'buy', '1', '100');
    r = fill(r.holding, 'buy', '1', '110');
    expect(r.shown).toEqual({ quantity: '2', averagePrice: '105' });
    r = fill(r.holding, 'sell', '0.5', '120');
    expect([r.shown, r.pnl, r.closed]).toEqual([{ quantity: '1.5', averagePrice: '105' }, '7.5', true]);
  });

  it('flips through zero and opens the remainder at the fill price', () => {
    const r = fill({ quantity: x('1'), averagePrice: x('100') }, 'sell', '3', '90');
    expect(r.pnl).toBe('-10');
    expect(r.shown).toEqual({ quantity: '-2', averagePrice: '90' });
    const c = fill(r.holding, 'buy', '2', '80');
    expect([c.shown, c.pnl, c.closed]).toEqual([{ quantity: '0', averagePrice: '0' }, '20', true]);
  });

  it('rounds an average price that does not divide evenly, half-even at 18 places', () => {
    const r = fill(fill(FLAT, 'buy', '1', '1').holding, 'buy', '2', '2');
    expect(r.shown.averagePrice).toBe('1.666666666666666667');
  });
});
