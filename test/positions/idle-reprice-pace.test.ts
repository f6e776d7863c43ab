/**
 * Idle repricing stays within its budget: when a second's flushes reprice
 * more idle positions than PRICE_IDLE_REPRICE_BUDGET, the interval grows in
 * proportion, and shrinks back when the load goes.
 */
import { describe, expect, it } from 'vitest';
import { IdleRepricePace } from '../../src/positions/idle-reprice-pace.js';

describe('idle reprice pace', () => {
  it('lengthens the interval in proportion to the excess, and returns to the base', () => {
    const pace = new IdleRepricePace(1_000, 10_000);
    let now = 0;
    const flushEvery100ms = (flushes: number, rows: number) => {
      for (let i = 0; i < flushes; i++) {
        now += 100;
        pace.flushed(now, rows);
      }
    };
    expect(pace.intervalMs).toBe(1_000);
    pace.flushed(now, 0);
    // 40,000 idle positions repriced in one second: four times the budget.
    flushEvery100ms(10, 4_000);
    expect(pace.intervalMs).toBe(4_000);
    // At the longer interval the same positions are 10,000 a second: it holds.
    flushEvery100ms(10, 1_000);
    expect(pace.intervalMs).toBe(4_000);
    // Few positions left: back towards the base, never under it.
    flushEvery100ms(40, 10);
    expect(pace.intervalMs).toBe(1_000);
  });

  it('never passes a minute, and a budget of 0 means no limit', () => {
    const tight = new IdleRepricePace(1_000, 1);
    tight.flushed(0, 0);
    tight.flushed(1_000, 1_000_000);
    expect(tight.intervalMs).toBe(60_000);
    const free = new IdleRepricePace(1_000, 0);
    free.flushed(0, 0);
    free.flushed(1_000, 1_000_000);
    expect(free.intervalMs).toBe(1_000);
  });
});
