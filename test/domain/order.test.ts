/** Order consistency rules, compared exactly: amounts that one double cannot tell apart still differ. */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import { type NewOrderInput, parseNewOrder } from '../../src/domain/order.js';

const NOW = Date.UTC(2025, 0, 1);
const order = (fields: Partial<NewOrderInput>) =>
  parseNewOrder({ pair: 'BTC/USDT', side: 'buy', quantity: '1', averagePrice: '100', ...fields }, NOW);
const problems = (fields: Partial<NewOrderInput>) => {
  try {
    order(fields);
    return [];
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return e.details.map((d) => `${d.path} ${d.message}`);
  }
};

describe('order fill rules', () => {
  it('refuses a filled quantity above the quantity by one unit in the 18th place', () => {
    expect(problems({ status: 'filled', quantity: '1', filledQuantity: '1.000000000000000001' })).toEqual([
      'body.filledQuantity must not exceed quantity',
      'body.status a filled order has filledQuantity = quantity',
    ]);
  });

  it('accepts a partial fill one unit in the 18th place short of the quantity', () => {
    const o = order({ status: 'partially_filled', quantity: '1.000000000000000001', filledQuantity: '1' });
    expect(o).toMatchObject({ quantity: '1.000000000000000001', filledQuantity: '1' });
  });

  it('a filled order fills exactly its quantity, whatever the notation', () => {
    expect(order({ status: 'filled', quantity: '2.50', filledQuantity: 2.5 }).filledQuantity).toBe('2.5');
    expect(problems({ status: 'filled', quantity: '1.000000000000000001', filledQuantity: '1' })).toEqual([
      'body.status a filled order has filledQuantity = quantity',
    ]);
  });

  it('open and rejected orders have nothing filled; any fill needs an average price', () => {
    expect(problems({ status: 'open', quantity: '1', filledQuantity: '0.000000000000000001' })).toEqual([
      'body.status an open order has filledQuantity 0',
    ]);
    expect(order({ status: 'rejected', quantity: '1', filledQuantity: '0.000' }).filledQuantity).toBe('0');
    expect(
      problems({ status: 'partially_filled', quantity: '2', filledQuantity: '1', averagePrice: null }),
    ).toEqual(['body.averagePrice is required when filledQuantity > 0']);
  });
});

describe('order times', () => {
  it('refuses a createdAt on a day that does not exist instead of rolling it into March', () => {
    for (const createdAt of ['2024-02-30T10:00:00Z', '2024-02-30', '2023-02-29T00:00:00Z']) {
      expect(problems({ quantity: '1', createdAt })).toEqual([
        'body.createdAt must be a date-time with a zone like 2026-01-15T12:00:00Z, or a date like 2026-01-15, on a day that exists',
      ]);
    }
    expect(order({ quantity: '1', createdAt: '2024-02-29T10:00:00+02:00' }).createdAt).toBe(
      Date.UTC(2024, 1, 29, 8),
    );
  });
});
