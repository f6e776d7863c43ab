/**
 * The execution port the engine and risk talk to. The paper broker
 * (simulated fills, backtests and paper trading) and the live broker (orders
 * on an exchange, `src/pipeline/live-broker.ts`) both implement it, so the
 * same strategy and risk code drives either: only the execution client
 * changes. Every call is synchronous — a broker that talks to the network
 * queues the command here and sends it outside the engine's step.
 */
import type { Bars } from './bars.js';
import type { PositionView } from './strategy.js';

/** One symbol's position as the engine and risk see it. */
export interface BrokerSlot extends PositionView {
  readonly symbol: string;
}

/** Why a fill happened: an entry, or the exit reason that closed (part of) the position. */
export type FillReason = 'entry' | 'signal' | 'stop-loss' | 'take-profit' | 'end';

/** One execution (part of an order), reported to a broker's `onFill` listener. */
export interface Fill {
  slot: number;
  symbol: string;
  side: 'buy' | 'sell';
  qty: number;
  price: number;
  /** Fee in the quote currency. */
  fee: number;
  reason: FillReason;
  /** Open time of the bar the fill happened on (paper), or the exchange's fill time (live). */
  ts: number;
}

export interface Broker {
  readonly slots: readonly BrokerSlot[];
  /** Adds a symbol; returns its slot. */
  addSymbol(symbol: string): number;
  /** Works the slot's orders and stops against closed bar `i` and marks the position at its close. */
  onBar(slot: number, bars: Bars, i: number): void;
  /**
   * Optional fast form of `onBar` for a stretch of bars: while the slot has
   * nothing to work (no order; stops and target, if any, not touched), marks
   * it at each bar's close in turn and writes `equity()` after bar `from + k`
   * to `equityOut[at + k]`, as `onBar` and `equity` on each bar would.
   * Returns the first bar it did not process (`from` when the slot has work
   * at once, `to` when it took them all); `onBar` handles that one.
   */
  markIdle?(slot: number, bars: Bars, from: number, to: number, equityOut: Float64Array, at: number): number;
  /** Cash plus every position marked at its last close. */
  equity(): number;
  /** Positions held or being entered. */
  openPositionCount(): number;
  /** A long entry of `qty`: market when `limit` is NaN. */
  submitEntry(slot: number, qty: number, limit: number, stopLoss: number, takeProfit: number): void;
  /** Sells the whole position; cancels a working entry. */
  submitExit(slot: number): void;
}
