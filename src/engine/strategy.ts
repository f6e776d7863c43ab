/**
 * The Strategy port. A strategy sees each closed bar exactly once, in order,
 * as an index into struct-of-arrays `Bars`, keeps its own streaming
 * indicators (or advances them a span of bars at a time in `scan`), and
 * writes what it wants into the engine's reusable `Intent`.
 * It never places orders or reads the clock itself: the same instance runs
 * in a backtest, on paper and live, and cannot tell which.
 */
import type { Bars } from './bars.js';
import type { Intent } from './intent.js';
import type { ParamSpec, ParamValues } from './params.js';

/** What the strategy may know about its own position. */
export interface PositionView {
  /** Quantity held (0 when flat). */
  readonly qty: number;
  /** Average entry price, NaN when flat. */
  readonly entryPrice: number;
  /** An entry or exit order is waiting to fill. */
  readonly pending: boolean;
}

export interface Strategy {
  /** Bars consumed before the first possible signal. */
  readonly warmup: number;
  /**
   * The column-wise half of a strategy, optional: advances its indicators
   * over closed bars `from..to-1` in one pass (each bar exactly once, in
   * order), writes the bars on which `onBar` may want to act to `marked`
   * (ascending, from `marked[0]`; it has room for `to - from`) and returns
   * how many. On a bar it leaves out, `onBar` would hold whatever the
   * position. The engine then calls `onBar` only on the marked bars, after
   * the scan that covered them, so a bar with no signal costs the strategy
   * one pass of arithmetic. Without `scan`, `onBar` is called on every bar
   * and updates the indicators itself.
   */
  scan?(bars: Bars, from: number, to: number, marked: Int32Array): number;
  /**
   * Called once per closed bar `i` (with `scan`: once per marked bar); sets
   * `intent` (already reset to Hold).
   */
  onBar(bars: Bars, i: number, position: PositionView, intent: Intent): void;
}

/** A built-in strategy: its description and a factory for fresh, stateful instances. */
export interface StrategyDefinition {
  id: string;
  description: string;
  params: readonly ParamSpec[];
  /** Validates `raw` params (ValidationError naming the parameter) and fills defaults. */
  parse(raw: unknown, path?: string): ParamValues;
  /** A new instance; `params` must come from `parse`. */
  create(params: ParamValues): Strategy;
}
