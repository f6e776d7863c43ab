import { describe, expect, it } from 'vitest';
import { applyFill, FLAT } from './average-cost.js';

describe('applyFill', () => {
  it('averages entries and realises on the reducing part', () => {
    let r = applyFill(FLAT, 'buy', '1', '100');
    r = applyFill(r.holding, 'buy', '1', '110');
    expect(r.holding).toEqual({ quantity: '2', averagePrice: '105' });
    r = applyFill(r.holding, 'sell', '0.5', '120');
    expect(r).toEqual({ holding: { quantity: '1.5', averagePrice: '105' }, realized: '7.5', closed: true });
  });

  it('flips through zero and opens the remainder at the fill price', () => {
    const r = applyFill({ quantity: '1', averagePrice: '100' }, 'sell', '3', '90');
    expect(r.realized).toBe('-10');
    expect(r.holding).toEqual({ quantity: '-2', averagePrice: '90' });
    const c = applyFill(r.holding, 'buy', '2', '80');
    expect(c).toEqual({ holding: FLAT, realized: '20', closed: true });
  });
});
