/**
 * What a strategy wants after a closed bar. The engine owns ONE Intent per
 * strategy and resets it before each bar, so deciding allocates nothing.
 * Prices are NaN when not set.
 */

export const Action = {
  /** Nothing to do. */
  Hold: 0,
  /** Open a long position (ignored when already long or an entry is pending). */
  EnterLong: 1,
  /** Close the position at the next bar's open (and cancel a pending entry). */
  Exit: 2,
} as const;
export type Action = (typeof Action)[keyof typeof Action];

export interface Intent {
  action: Action;
  /** Entry as a limit order at this price; NaN for a market order. */
  limitPrice: number;
  /** Stop-loss price attached to the position on entry; NaN for none. */
  stopLoss: number;
  /** Take-profit price attached to the position on entry; NaN for none. */
  takeProfit: number;
  /** Share of the size risk allows that an entry takes, in (0, 1]; 1 unless a model shrank it. */
  size: number;
  /** Why, in a few words (a constant string: no allocation). */
  reason: string;
}

export function newIntent(): Intent {
  return {
    action: Action.Hold,
    limitPrice: Number.NaN,
    stopLoss: Number.NaN,
    takeProfit: Number.NaN,
    size: 1,
    reason: '',
  };
}

export function resetIntent(it: Intent): void {
  it.action = Action.Hold;
  it.limitPrice = Number.NaN;
  it.stopLoss = Number.NaN;
  it.takeProfit = Number.NaN;
  it.size = 1;
}
