/**
 * The broker conformance suite: what the engine may rely on from any
 * implementation of its `Broker` port, paper or live — a market entry fills
 * the ordered quantity at the market with a fee of feeRate x notional paid
 * from cash; an exit sells the whole position; partial fills add up to the
 * order and the order stays working until they do; a limit entry away from
 * the market waits and an exit cancels it; an entry the cash cannot pay
 * never spends more than the cash (the paper broker buys what it can, an
 * exchange refuses it); and at every step the fills reported reconcile with
 * the position held. Each implementation registers a harness.
 */
import { describe, expect, it } from 'vitest';
import type { Broker, Fill } from '../../src/engine/broker.js';

export interface BrokerHarness {
  broker: Broker;
  /** Every fill the broker reported, in order. */
  fills: Fill[];
  feeRate: number;
  initialCash: number;
  /** Free cash as the broker sees it. */
  cash(): number;
  /**
   * Lets the broker work its orders with the market at `price`: the paper
   * broker sees a bar at that price, the live one syncs with the exchange
   * there. `share` < 1 lets a market order fill only that share of what is left.
   */
  step(price: number, opts?: { share?: number }): Promise<void>;
  close(): Promise<void>;
}

export function brokerConformance(name: string, open: () => Promise<BrokerHarness>): void {
  describe(`broker conformance: ${name}`, () => {
    const run = (fn: (h: BrokerHarness, slot: number) => Promise<void>) => async () => {
      const h = await open();
      try {
        await fn(h, h.broker.addSymbol('BTC/USDT'));
      } finally {
        await h.close();
      }
    };
    const held = (h: BrokerHarness) => h.fills.reduce((q, f) => q + (f.side === 'buy' ? f.qty : -f.qty), 0);
    const reconciles = (h: BrokerHarness, slot: number) =>
      expect(h.broker.slots[slot]!.qty).toBeCloseTo(held(h), 9);

    it(
      'fills a market entry at the market, with the fee paid from cash',
      run(async (h, slot) => {
        h.broker.submitEntry(slot, 0.1, Number.NaN, Number.NaN, Number.NaN);
        await h.step(100);
        expect(h.fills).toHaveLength(1);
        const f = h.fills[0]!;
        expect(f).toMatchObject({ side: 'buy', reason: 'entry' });
        expect(f.qty).toBeCloseTo(0.1, 9);
        expect(f.price).toBeCloseTo(100, 6);
        expect(f.fee).toBeCloseTo(0.1 * f.price * h.feeRate, 9);
        expect(h.cash()).toBeCloseTo(h.initialCash - f.qty * f.price - f.fee, 6);
        expect(h.broker.slots[slot]!.entryPrice).toBeCloseTo(f.price, 9);
        expect(h.broker.openPositionCount()).toBe(1);
        reconciles(h, slot);
      }),
    );

    it(
      'sells the whole position on exit, fee charged',
      run(async (h, slot) => {
        h.broker.submitEntry(slot, 0.1, Number.NaN, Number.NaN, Number.NaN);
        await h.step(100);
        h.broker.submitExit(slot);
        await h.step(110);
        const sell = h.fills.at(-1)!;
        expect(sell).toMatchObject({ side: 'sell', reason: 'signal' });
        expect(sell.qty).toBeCloseTo(0.1, 9);
        expect(sell.price).toBeCloseTo(110, 6);
        expect(sell.fee).toBeCloseTo(0.1 * sell.price * h.feeRate, 9);
        expect(h.broker.slots[slot]!.qty).toBe(0);
        expect(h.broker.openPositionCount()).toBe(0);
        const buy = h.fills[0]!;
        expect(h.cash()).toBeCloseTo(
          h.initialCash - buy.qty * buy.price - buy.fee + sell.qty * sell.price - sell.fee,
          6,
        );
        reconciles(h, slot);
      }),
    );

    it(
      'fills an order in parts that add up to it, working until they do',
      run(async (h, slot) => {
        h.broker.submitEntry(slot, 0.1, Number.NaN, Number.NaN, Number.NaN);
        await h.step(100, { share: 0.5 });
        expect(h.fills).toHaveLength(1);
        expect(h.fills[0]!.qty).toBeCloseTo(0.05, 9);
        expect(h.broker.slots[slot]!.pending).toBe(true);
        reconciles(h, slot);
        await h.step(100);
        expect(h.fills).toHaveLength(2);
        expect(held(h)).toBeCloseTo(0.1, 9);
        expect(h.broker.slots[slot]!.pending).toBe(false);
        const fees = h.fills.reduce((a, f) => a + f.fee, 0);
        expect(fees).toBeCloseTo(0.1 * 100 * h.feeRate, 9);
        reconciles(h, slot);
      }),
    );

    it(
      'keeps a limit entry away from the market working, and cancels it on exit',
      run(async (h, slot) => {
        h.broker.submitEntry(slot, 0.1, 90, Number.NaN, Number.NaN);
        await h.step(100);
        expect(h.fills).toHaveLength(0);
        expect(h.broker.openPositionCount()).toBe(1);
        h.broker.submitExit(slot);
        await h.step(100);
        await h.step(80); // cancelled: a later trade through the limit fills nothing
        expect(h.fills).toHaveLength(0);
        expect(h.broker.slots[slot]!.pending).toBe(false);
        expect(h.broker.openPositionCount()).toBe(0);
        expect(h.cash()).toBeCloseTo(h.initialCash, 6);
      }),
    );

    it(
      'never spends more than the cash on an entry it cannot pay',
      run(async (h, slot) => {
        h.broker.submitEntry(slot, 10 * (h.initialCash / 100), Number.NaN, Number.NaN, Number.NaN);
        await h.step(100);
        const spent = h.fills.reduce((a, f) => a + f.qty * f.price + f.fee, 0);
        expect(spent).toBeLessThanOrEqual(h.initialCash * (1 + 1e-9));
        expect(h.cash()).toBeGreaterThanOrEqual(-1e-6);
        expect(h.broker.slots[slot]!.pending).toBe(false);
        reconciles(h, slot);
      }),
    );
  });
}
