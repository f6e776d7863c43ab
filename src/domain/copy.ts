/**
 * Copy trading rules: which follows a leader trade concerns, how big a copy
 * is (the sizing mode, then the caps and the balance), how an exit is copied
 * (the leader's fraction), and the levels a copied position gets from the
 * follow's TP/SL/trailing percentages. Pure and exact: no I/O, no floats.
 */
import { type Decimal, type Exact, exact, formatExact, parseExact, ZERO } from './decimal.js';
import type { LotViolation } from './lot-rules.js';

export type CopyMode = 'ratio' | 'fixed' | 'proportional';
export const COPY_MODES: readonly CopyMode[] = ['ratio', 'fixed', 'proportional'];

/** Why a leader trade was not copied for one follow. */
export type SkipReason =
  | 'below_min_size'
  | 'allocation_exhausted'
  | 'max_position_size'
  | 'insufficient_balance'
  | 'market_closed'
  | 'market_filtered'
  | 'too_old'
  | 'unknown_market'
  | 'no_price'
  | 'no_leader_equity'
  | 'no_open_copy'
  | 'leader_position_unknown'
  // Live copies (copytrading/live-copy-planner.ts): the kill switch, the daily loss limit, the venue's rules.
  | 'copies_paused'
  | 'daily_loss_limit'
  | 'venue_unavailable'
  | 'not_on_venue'
  | LotViolation;

/** Which limit cut a copy below the size its mode asked for. */
export type ReducedBy = 'max_position_size' | 'allocation' | 'balance';

/** The follow's sizing options as the engine reads them. */
export interface CopySizing {
  copyMode: CopyMode;
  copyRatio: Decimal;
  fixedAmount: Decimal | null;
  /** Total exposure copied from this trader, in quote currency; '0' = no cap. */
  allocation: Decimal;
  maxPositionSize: Decimal | null;
  minTradeSize: Decimal | null;
  allowMarkets: readonly string[] | null;
  denyMarkets: readonly string[] | null;
}

/** What sizing an entry needs besides the follow's options (all exact). */
export interface EntryContext {
  leaderSize: Exact;
  leaderPrice: Exact;
  /** The price the paper fill gets (current price with slippage). */
  fillPrice: Exact;
  /** Leader equity for `proportional`, or null when unknown. */
  leaderEquity: Exact | null;
  /** Cost of this follow's open copies, every market. */
  exposure: Exact;
  /** Cost of this follow's open copy on this market. */
  marketCost: Exact;
  /** Free paper balance of the user on the venue. */
  balance: Exact;
  /** Fee as a share of notional, e.g. 0.001. */
  feeRate: Exact;
  /** The venue's smallest order size in units, when it has one. */
  minUnits: Exact | null;
}

export type EntryDecision =
  | {
      copy: true;
      size: Exact;
      notional: Exact;
      /** As recorded and paid (`copyFee`). */
      fee: Exact;
      reducedBy: ReducedBy | null;
    }
  | { copy: false; reason: SkipReason };

/** Places kept for copied sizes (units); sizes are rounded down so caps are never exceeded. */
export const SIZE_PLACES = 8;

/** Places of a paper fill's fee: what its order records, its position adds up and the balance pays. */
export const FEE_PLACES = 12;

/** The fee of a paper fill of `notional` at `feeRate`, as it is recorded and paid (FEE_PLACES). */
export function copyFee(notional: Exact, feeRate: Exact): Exact {
  return exact.round(exact.mul(notional, feeRate), FEE_PLACES);
}

/** `a` rounded toward zero to `places` decimals. */
export function truncate(a: Exact, places: number): Exact {
  if (a.s <= places) return a;
  return { m: a.m / 10n ** BigInt(a.s - places), s: places };
}

const positive = (a: Exact): boolean => exact.sign(a) > 0;

/** Enabled windows [since, until) of a follow; `until` null while it is still on. */
export type EnabledWindow = readonly [number, number | null];

/**
 * The windows stored as "since-until,since-until,since-" (the last open while
 * enabled). A fragment cut off by the storage bound, or anything malformed, is ignored.
 */
export function parseEnabledWindows(text: string): EnabledWindow[] {
  // One scan by character code (every trader read parses these, toggles included): a part is
  // 1-15 digits, '-', 0-15 digits; any other part is skipped whole.
  const out: EnabledWindow[] = [];
  const n = text.length;
  let i = 0;
  while (i <= n) {
    let end = text.indexOf(',', i);
    if (end < 0) end = n;
    const window = windowAt(text, i, end);
    if (window) out.push(window);
    i = end + 1;
  }
  return out;
}

/** The window `text[from, to)` spells, or undefined when it is not one. */
function windowAt(text: string, from: number, to: number): EnabledWindow | undefined {
  let i = from;
  let since = 0;
  while (i < to && i - from < 16) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    since = since * 10 + (c - 48);
    i++;
  }
  const sinceDigits = i - from;
  if (sinceDigits === 0 || sinceDigits > 15 || i === to || text.charCodeAt(i) !== 45) return undefined;
  const untilFrom = ++i;
  let until = 0;
  for (; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    until = until * 10 + (c - 48);
  }
  const untilDigits = to - untilFrom;
  if (untilDigits > 15) return undefined;
  return [since, untilDigits === 0 ? null : until];
}

/** True when the follow was enabled at `ts`: inside one of its windows [since, until). */
export function followWasEnabled(windows: readonly EnabledWindow[], ts: number): boolean {
  for (const [since, until] of windows) if (since <= ts && (until === null || ts < until)) return true;
  return false;
}

/** Null when the market passes the follow's allow/deny lists. */
export function marketFilter(s: CopySizing, market: string): SkipReason | null {
  if (s.allowMarkets !== null && !s.allowMarkets.includes(market)) return 'market_filtered';
  if (s.denyMarkets?.includes(market)) return 'market_filtered';
  return null;
}

/** The quote amount the sizing mode asks for, before caps; a skip reason when it cannot tell. */
function modeNotional(s: CopySizing, c: EntryContext): Exact | SkipReason {
  switch (s.copyMode) {
    case 'ratio':
      return exact.mul(exact.mul(c.leaderSize, parseExact(s.copyRatio)), c.fillPrice);
    case 'fixed':
      return s.fixedAmount === null ? ZERO : parseExact(s.fixedAmount);
    case 'proportional': {
      if (c.leaderEquity === null || !positive(c.leaderEquity)) return 'no_leader_equity';
      const leaderNotional = exact.mul(c.leaderSize, c.leaderPrice);
      return exact.div(exact.mul(leaderNotional, parseExact(s.allocation)), c.leaderEquity);
    }
  }
}

/**
 * Sizes an entry: exactly the mode's size unless a cap or the balance cuts
 * it (then `reducedBy` names the tightest); a skip when a cap leaves nothing
 * or the result is below the follow's or the venue's minimum.
 */
export function sizeEntry(s: CopySizing, c: EntryContext): EntryDecision {
  const wanted = modeNotional(s, c);
  if (typeof wanted === 'string') return { copy: false, reason: wanted };
  if (!positive(c.fillPrice)) return { copy: false, reason: 'no_price' };
  const caps: { by: ReducedBy; room: Exact; reason: SkipReason }[] = [];
  if (s.maxPositionSize !== null) {
    caps.push({
      by: 'max_position_size',
      room: exact.sub(parseExact(s.maxPositionSize), c.marketCost),
      reason: 'max_position_size',
    });
  }
  const allocation = parseExact(s.allocation);
  if (positive(allocation)) {
    caps.push({ by: 'allocation', room: exact.sub(allocation, c.exposure), reason: 'allocation_exhausted' });
  }
  // Notional plus its fee must fit the balance.
  const onePlusFee = exact.add({ m: 1n, s: 0 }, c.feeRate);
  caps.push({ by: 'balance', room: exact.div(c.balance, onePlusFee), reason: 'insufficient_balance' });

  let notional = wanted;
  let reducedBy: ReducedBy | null = null;
  for (const cap of caps) {
    if (!positive(cap.room)) return { copy: false, reason: cap.reason };
    if (exact.cmp(cap.room, notional) < 0) {
      notional = cap.room;
      reducedBy = cap.by;
    }
  }
  const size = truncate(exact.div(notional, c.fillPrice), SIZE_PLACES);
  const filled = exact.mul(size, c.fillPrice);
  if (!positive(size)) return { copy: false, reason: 'below_min_size' };
  if (s.minTradeSize !== null && exact.cmp(filled, parseExact(s.minTradeSize)) < 0) {
    return { copy: false, reason: 'below_min_size' };
  }
  if (c.minUnits !== null && exact.cmp(size, c.minUnits) < 0)
    return { copy: false, reason: 'below_min_size' };
  return { copy: true, size, notional: filled, fee: copyFee(filled, c.feeRate), reducedBy };
}

/**
 * The share of its holding the leader sold (capped at 1), or null when the
 * leader's holding is unknown (it bought before it was watched).
 */
export function exitFraction(leaderHolding: Exact, leaderSold: Exact): Exact | null {
  if (!positive(leaderHolding)) return null;
  if (exact.cmp(leaderSold, leaderHolding) >= 0) return { m: 1n, s: 0 };
  return exact.div(leaderSold, leaderHolding);
}

/** Units of a copy to sell for `fraction` of it; the whole copy when the fraction is 1. */
export function exitSize(copySize: Exact, fraction: Exact): Exact {
  if (exact.cmp(fraction, { m: 1n, s: 0 }) >= 0) return copySize;
  return truncate(exact.mul(copySize, fraction), SIZE_PLACES);
}

/** The price a paper fill gets: `price` moved against the trader by `slippage` (a share), binary prices capped at 1. */
export function fillPrice(price: Exact, side: 'buy' | 'sell', slippage: Exact, binary: boolean): Exact {
  const one = { m: 1n, s: 0 };
  const factor = side === 'buy' ? exact.add(one, slippage) : exact.sub(one, slippage);
  const p = exact.round(exact.mul(price, factor), 12);
  return binary && exact.cmp(p, one) > 0 ? one : p;
}

/** Take-profit and stop-loss price levels for a long copy entered at `entry`. */
export function copyLevels(
  entry: Decimal,
  takeProfitPct: Decimal | null,
  stopLossPct: Decimal | null,
): { takeProfit: Decimal | null; stopLoss: Decimal | null } {
  const e = parseExact(entry);
  const level = (pct: Decimal, sign: 1n | -1n): Decimal => {
    const move = exact.div(exact.mul(e, parseExact(pct)), { m: 100n, s: 0 }, 12);
    return formatExact(exact.round(sign === 1n ? exact.add(e, move) : exact.sub(e, move), 12));
  };
  return {
    takeProfit: takeProfitPct === null ? null : level(takeProfitPct, 1n),
    stopLoss: stopLossPct === null ? null : level(stopLossPct, -1n),
  };
}

/**
 * Whether a trailing stop `pct` below the best price since entry (above it
 * for a short) is reached at `price`.
 */
export function trailingStopHit(
  side: 'long' | 'short',
  highWater: Decimal,
  pct: Decimal,
  price: Decimal,
): boolean {
  const hw = parseExact(highWater);
  const move = exact.div(exact.mul(hw, parseExact(pct)), { m: 100n, s: 0 });
  const px = parseExact(price);
  return side === 'long' ? exact.cmp(px, exact.sub(hw, move)) <= 0 : exact.cmp(px, exact.add(hw, move)) >= 0;
}

/** The new best price: higher for a long, lower for a short. */
export function nextHighWater(side: 'long' | 'short', highWater: Decimal, price: Decimal): Decimal {
  const c = exact.cmp(parseExact(price), parseExact(highWater));
  return (side === 'long' ? c > 0 : c < 0) ? price : highWater;
}
