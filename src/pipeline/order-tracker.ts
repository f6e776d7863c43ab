/**
 * Execution stage bookkeeping: turns what happened in a run — accepted
 * decisions, fills, and (live) exchange acknowledgements — into pipeline
 * orders with their fill totals, in the order it happened. An accepted
 * entry opens a buy; an exit cancels the slot's working order and opens a
 * sell of the position; a fill with no matching working order is a
 * broker-triggered exit (stop-loss, take-profit) and becomes its own order.
 * At most one order works per symbol slot, as in the brokers.
 */
import type { Fill } from '../engine/broker.js';
import type { NewOrder, OrderStatus, PipelineMode } from '../store/pipeline-repository.js';
import { toDecimal } from '../store/pipeline-repository.js';
import type { BarDecision } from './symbol-engines.js';

export type ExecEvent =
  | { kind: 'decision'; decision: BarDecision; slot: number; decisionId: number | null }
  | { kind: 'fill'; fill: Fill }
  | { kind: 'placed'; slot: number; side: 'buy' | 'sell'; exchangeOrderId: string }
  | { kind: 'rejected'; slot: number; side: 'buy' | 'sell'; message: string }
  | { kind: 'closed'; slot: number; side: 'buy' | 'sell'; status: 'filled' | 'cancelled' };

export interface TrackedOrder {
  id: number | null;
  runId: number;
  decisionId: number | null;
  slot: number;
  symbol: string;
  side: 'buy' | 'sell';
  type: string;
  reason: string;
  quantity: number;
  limitPrice: number | null;
  filled: number;
  cost: number;
  fee: number;
  status: OrderStatus;
  exchangeOrderId: string | null;
  createdAt: number;
  updatedAt: number;
}

const FILLED_EPS = 1e-9;

export class OrderTracker {
  /** The working order of each slot. */
  private readonly working = new Map<number, TrackedOrder>();
  private touched = new Set<TrackedOrder>();

  constructor(private readonly mode: PipelineMode) {}

  /** Orders still working, by slot. */
  open(): TrackedOrder[] {
    return [...this.working.values()];
  }

  /**
   * Applies a run's events. `pending(slot)` says whether the broker still
   * works an order for the slot once the run's bars are stepped: a paper
   * order it no longer works is done (filled, or cut to what the cash paid).
   */
  apply(
    events: readonly ExecEvent[],
    ctx: { runId: number; now: number; pending?: (slot: number) => boolean },
  ): TrackedOrder[] {
    for (const e of events) {
      switch (e.kind) {
        case 'decision':
          this.onDecision(e.decision, e.slot, e.decisionId, ctx);
          break;
        case 'fill':
          this.onFill(e.fill, ctx);
          break;
        case 'placed': {
          const o = this.match(e.slot, e.side);
          if (o) this.touch(o, ctx.now).exchangeOrderId = e.exchangeOrderId;
          break;
        }
        case 'rejected': {
          const o = this.match(e.slot, e.side);
          if (o) this.finish(o, 'rejected', ctx.now).reason = `${o.reason} (rejected: ${e.message})`;
          break;
        }
        case 'closed': {
          const o = this.match(e.slot, e.side);
          if (o) this.finish(o, e.status === 'filled' || o.filled > 0 ? 'filled' : 'cancelled', ctx.now);
          break;
        }
      }
    }
    if (ctx.pending) {
      for (const o of this.working.values()) {
        if (!ctx.pending(o.slot)) this.finish(o, o.filled > 0 ? 'filled' : 'cancelled', ctx.now);
      }
    }
    const out = [...this.touched];
    this.touched = new Set();
    return out;
  }

  private onDecision(
    d: BarDecision,
    slot: number,
    decisionId: number | null,
    ctx: { runId: number; now: number },
  ): void {
    if (!d.accepted) return;
    const prior = this.working.get(slot);
    if (prior) this.finish(prior, 'cancelled', ctx.now);
    if (d.action === 'exit' && !(d.qty > 0)) return;
    const limit = d.action === 'enter-long' ? d.limitPrice : undefined;
    this.start({
      runId: ctx.runId,
      decisionId,
      slot,
      symbol: d.symbol,
      side: d.action === 'exit' ? 'sell' : 'buy',
      type: limit === undefined ? 'market' : 'limit',
      reason: d.reason,
      quantity: d.qty,
      limitPrice: limit ?? null,
      now: ctx.now,
    });
  }

  private onFill(f: Fill, ctx: { runId: number; now: number }): void {
    let o = this.match(f.slot, f.side);
    if (!o) {
      const prior = this.working.get(f.slot);
      if (prior) this.finish(prior, 'cancelled', ctx.now);
      o = this.start({
        runId: ctx.runId,
        decisionId: null,
        slot: f.slot,
        symbol: f.symbol,
        side: f.side,
        type: f.reason === 'entry' || f.reason === 'signal' ? 'market' : f.reason,
        reason: f.reason,
        quantity: 0,
        limitPrice: null,
        now: ctx.now,
      });
    }
    this.touch(o, ctx.now);
    o.filled += f.qty;
    o.cost += f.qty * f.price;
    o.fee += f.fee;
    // Broker-triggered exits have no requested size: they are as big as their fills.
    if (o.quantity < o.filled) o.quantity = o.filled;
    if (o.filled >= o.quantity * (1 - FILLED_EPS)) this.finish(o, 'filled', ctx.now);
    else o.status = 'partially-filled';
  }

  private start(
    s: Pick<
      TrackedOrder,
      'runId' | 'decisionId' | 'slot' | 'symbol' | 'side' | 'type' | 'reason' | 'quantity' | 'limitPrice'
    > & { now: number },
  ): TrackedOrder {
    const o: TrackedOrder = {
      id: null,
      runId: s.runId,
      decisionId: s.decisionId,
      slot: s.slot,
      symbol: s.symbol,
      side: s.side,
      type: s.type,
      reason: s.reason,
      quantity: s.quantity,
      limitPrice: s.limitPrice,
      filled: 0,
      cost: 0,
      fee: 0,
      status: 'open',
      exchangeOrderId: null,
      createdAt: s.now,
      updatedAt: s.now,
    };
    this.working.set(s.slot, o);
    this.touched.add(o);
    return o;
  }

  private match(slot: number, side: 'buy' | 'sell'): TrackedOrder | undefined {
    const o = this.working.get(slot);
    return o?.side === side ? o : undefined;
  }

  private touch(o: TrackedOrder, now: number): TrackedOrder {
    o.updatedAt = now;
    this.touched.add(o);
    return o;
  }

  private finish(o: TrackedOrder, status: OrderStatus, now: number): TrackedOrder {
    o.status = status;
    if (this.working.get(o.slot) === o) this.working.delete(o.slot);
    return this.touch(o, now);
  }

  /** The row to insert for a new order. */
  row(o: TrackedOrder): NewOrder {
    return {
      runId: o.runId,
      decisionId: o.decisionId,
      mode: this.mode,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      reason: o.reason,
      quantity: toDecimal(o.quantity),
      limitPrice: o.limitPrice === null ? null : toDecimal(o.limitPrice),
      filledQuantity: toDecimal(o.filled),
      averagePrice: o.filled > 0 ? toDecimal(o.cost / o.filled) : null,
      fee: toDecimal(o.fee),
      status: o.status,
      exchangeOrderId: o.exchangeOrderId,
      createdAt: o.createdAt,
      updatedAt: o.updatedAt,
    };
  }
}
