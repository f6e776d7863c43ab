/**
 * The paper broker: simulated execution for paper trading and backtests
 * alike. One cash account, one long-only position and at most one working
 * order per symbol slot.
 *
 * No look-ahead: orders are submitted after a bar has closed and can fill
 * only on LATER bars. A market order fills at the next bar's open plus
 * slippage; a limit buy fills when a later bar trades at or below the limit
 * (at the open when it gaps through, else at the limit, no slippage).
 * Stop-loss and take-profit are checked on every bar while long: a bar whose
 * low reaches the stop exits at the stop (or at the open if it gapped below)
 * minus slippage; else a bar whose high reaches the target exits at the
 * target (or the open if above). When both are touched in one bar the stop
 * wins (we cannot know the order inside a bar, so assume the worse).
 * Fees are `feeRate` x notional on every fill. With `maxVolumeFraction` set,
 * a fill takes at most that fraction of the bar's volume and the rest stays
 * working for the next bar (bars with volume 0, meaning unknown, are not capped).
 * Entries are capped to what the cash can pay, fee included (no leverage).
 * An `onFill` listener, when given, hears every fill (the live pipeline
 * persists them); without one a fill costs nothing extra.
 */
import type { Bars } from './bars.js';
import type { Broker, Fill } from './broker.js';
import type { PositionView } from './strategy.js';
import { EXIT_REASON_NAMES, ExitReason, TradeLog } from './trade-log.js';

export interface PaperBrokerOptions {
  initialCash: number;
  /** Fee per fill as a fraction of notional, e.g. 0.001. @default 0 */
  feeRate?: number;
  /** Price impact of market and stop fills, in basis points. @default 0 */
  slippageBps?: number;
  /** Most of one bar's volume an order may fill, e.g. 0.1; 0 = no cap. @default 0 */
  maxVolumeFraction?: number;
  /** Hears every fill, e.g. to persist it. */
  onFill?: (fill: Fill) => void;
}

const NONE = 0;
const BUY = 1;
const SELL = 2;

/** One symbol's position, working order and open round trip. */
export class PositionSlot implements PositionView {
  qty = 0;
  entryPrice = Number.NaN;
  pending = false;
  /** Last close seen, for marking to market. */
  mark = 0;
  stopLoss = Number.NaN;
  takeProfit = Number.NaN;
  // Working order.
  side = NONE;
  orderQty = 0;
  limit = Number.NaN;
  attachStop = Number.NaN;
  attachTake = Number.NaN;
  exitReason: ExitReason = ExitReason.Signal;
  // Open round trip.
  entryBar = -1;
  entryTs = 0;
  boughtQty = 0;
  entryCost = 0;
  entryFees = 0;
  fees = 0;
  soldQty = 0;
  exitValue = 0;

  constructor(readonly symbol: string) {}
}

/**
 * @example
 * const broker = new PaperBroker({ initialCash: 10_000, feeRate: 0.001 });
 * const slot = broker.addSymbol('SPX');
 * broker.submitEntry(slot, 5, Number.NaN, Number.NaN, Number.NaN); // fills at the next bar's open
 */
export class PaperBroker implements Broker {
  cash = 0;
  readonly trades = new TradeLog();
  readonly slots: PositionSlot[] = [];
  private readonly feeRate: number = 0;
  private readonly buySlip: number = 1;
  private readonly sellSlip: number = 1;
  private readonly volFraction: number = 0;
  private readonly onFill: ((fill: Fill) => void) | undefined;

  constructor(opts: PaperBrokerOptions) {
    this.onFill = opts.onFill;
    this.cash = opts.initialCash;
    this.feeRate = opts.feeRate ?? 0;
    const slip = (opts.slippageBps ?? 0) / 10_000;
    this.buySlip = 1 + slip;
    this.sellSlip = 1 - slip;
    this.volFraction = opts.maxVolumeFraction ?? 0;
  }

  /** The slot of `symbol`, added when new (a symbol keeps its slot when its engine is re-created). */
  addSymbol(symbol: string): number {
    const known = this.slots.findIndex((s) => s.symbol === symbol);
    if (known >= 0) return known;
    this.slots.push(new PositionSlot(symbol));
    return this.slots.length - 1;
  }

  symbols(): string[] {
    return this.slots.map((s) => s.symbol);
  }

  /** Cash plus every position marked at its last close. */
  equity(): number {
    const slots = this.slots;
    if (slots.length === 1) {
      const s = slots[0]!;
      return this.cash + s.qty * s.mark;
    }
    let e = this.cash;
    for (let k = 0; k < slots.length; k++) {
      const s = slots[k]!;
      e += s.qty * s.mark;
    }
    return e;
  }

  /** Positions held or being entered. */
  openPositionCount(): number {
    let n = 0;
    for (const s of this.slots) if (s.qty > 0 || s.side === BUY) n++;
    return n;
  }

  /** Works the slot's order against bar `i`, then its stop/target, then marks it at the close. */
  onBar(slot: number, bars: Bars, i: number): void {
    const s = this.slots[slot]!;
    // Kept tiny so it inlines into the engine's step; the rare work is in `work`.
    if (s.side !== NONE || !Number.isNaN(s.stopLoss) || !Number.isNaN(s.takeProfit))
      this.work(s, slot, bars, i);
    s.mark = bars.close[i]!;
  }

  /**
   * `onBar` over bars `from..to-1` while the slot has no working order and
   * its stop and target are not touched, writing the equity after each bar
   * (the sum `equity` makes, so only with one slot; with several, `from`).
   */
  markIdle(slot: number, bars: Bars, from: number, to: number, equityOut: Float64Array, at: number): number {
    const s = this.slots[slot]!;
    if (s.side !== NONE || this.slots.length !== 1) return from;
    const close = bars.close;
    const cash = this.cash;
    const qty = s.qty;
    let i = from;
    if (qty > 0 && (!Number.isNaN(s.stopLoss) || !Number.isNaN(s.takeProfit))) {
      // Comparisons with a NaN stop or target are false: only a set one can stop the stretch.
      const low = bars.low;
      const high = bars.high;
      const stop = s.stopLoss;
      const take = s.takeProfit;
      for (; i < to && !(low[i]! <= stop) && !(high[i]! >= take); i++)
        equityOut[at + i - from] = cash + qty * close[i]!;
    } else {
      for (; i < to; i++) equityOut[at + i - from] = cash + qty * close[i]!;
    }
    if (i > from) s.mark = close[i - 1]!;
    return i;
  }

  private work(s: PositionSlot, slot: number, bars: Bars, i: number): void {
    if (s.side === BUY) this.fillBuy(s, bars, i);
    else if (s.side === SELL) this.sell(s, slot, bars, i, bars.open[i]! * this.sellSlip, s.exitReason);
    if (s.qty > 0 && s.side !== SELL && (!Number.isNaN(s.stopLoss) || !Number.isNaN(s.takeProfit))) {
      this.checkStops(s, slot, bars, i);
    }
  }

  /** A long entry of `qty`: market when `limit` is NaN. Replaces a working order. */
  submitEntry(slot: number, qty: number, limit: number, stopLoss: number, takeProfit: number): void {
    const s = this.slots[slot]!;
    s.side = BUY;
    s.orderQty = qty;
    s.limit = limit;
    s.attachStop = stopLoss;
    s.attachTake = takeProfit;
    s.pending = true;
  }

  /** Sells the whole position at the next open; cancels a working entry. */
  submitExit(slot: number, reason: ExitReason = ExitReason.Signal): void {
    const s = this.slots[slot]!;
    this.cancel(slot);
    if (s.qty <= 0) return;
    s.side = SELL;
    s.orderQty = s.qty;
    s.limit = Number.NaN;
    s.exitReason = reason;
    s.pending = true;
  }

  cancel(slot: number): void {
    const s = this.slots[slot]!;
    s.side = NONE;
    s.orderQty = 0;
    s.pending = false;
  }

  /** Closes every position at bar `i`'s close (end of a backtest), reason `end`. */
  closeAll(bars: Bars, i: number): void {
    for (let k = 0; k < this.slots.length; k++) {
      const s = this.slots[k]!;
      this.cancel(k);
      if (s.qty > 0) {
        s.orderQty = s.qty;
        this.sell(s, k, bars, i, bars.close[i]! * this.sellSlip, ExitReason.End, true);
      }
    }
  }

  private report(
    s: PositionSlot,
    side: Fill['side'],
    qty: number,
    price: number,
    fee: number,
    reason: Fill['reason'],
    ts: number,
  ): void {
    const slot = this.slots.indexOf(s);
    this.onFill?.({ slot, symbol: s.symbol, side, qty, price, fee, reason, ts });
  }

  private cap(bars: Bars, i: number): number {
    if (!(this.volFraction > 0)) return Number.POSITIVE_INFINITY; // no volume read (a cache miss per fill)
    const v = bars.volume[i]!;
    return v > 0 ? v * this.volFraction : Number.POSITIVE_INFINITY;
  }

  private fillBuy(s: PositionSlot, bars: Bars, i: number): void {
    const open = bars.open[i]!;
    let price: number;
    if (Number.isNaN(s.limit)) price = open * this.buySlip;
    else if (bars.low[i]! <= s.limit) price = Math.min(open, s.limit);
    else return;
    let q = s.orderQty;
    const cap = this.cap(bars, i);
    if (q > cap) q = cap;
    const afford = this.cash / (price * (1 + this.feeRate));
    let cashBound = false;
    if (q >= afford) {
      q = afford;
      cashBound = true;
    }
    if (q > 0) {
      const cost = q * price;
      const fee = cost * this.feeRate;
      this.cash -= cost + fee;
      slotBought(s, q, cost, fee, i, bars.ts[i]!);
      s.orderQty -= q;
      if (this.onFill !== undefined) this.report(s, 'buy', q, price, fee, 'entry', bars.ts[i]!);
    }
    if (cashBound || s.orderQty <= 0) {
      s.side = NONE;
      s.orderQty = 0;
      s.pending = false;
    }
  }

  private checkStops(s: PositionSlot, slot: number, bars: Bars, i: number): void {
    const open = bars.open[i]!;
    if (!Number.isNaN(s.stopLoss) && bars.low[i]! <= s.stopLoss) {
      s.orderQty = s.qty;
      const at = Math.min(open, s.stopLoss);
      this.sell(s, slot, bars, i, at * this.sellSlip, ExitReason.StopLoss);
    } else if (!Number.isNaN(s.takeProfit) && bars.high[i]! >= s.takeProfit) {
      s.orderQty = s.qty;
      this.sell(s, slot, bars, i, Math.max(open, s.takeProfit), ExitReason.TakeProfit);
    }
  }

  /** Sells up to `s.orderQty` at `price`; what the volume cap leaves stays working as a market exit. */
  private sell(
    s: PositionSlot,
    slot: number,
    bars: Bars,
    i: number,
    price: number,
    reason: ExitReason,
    uncapped = false,
  ): void {
    let q = Math.min(s.orderQty, s.qty);
    if (!uncapped) {
      const cap = this.cap(bars, i);
      if (q > cap) q = cap;
    }
    const proceeds = q * price;
    const fee = proceeds * this.feeRate;
    this.cash += proceeds - fee;
    slotSold(s, q, proceeds, fee);
    s.orderQty -= q;
    if (this.onFill !== undefined && q > 0)
      this.report(s, 'sell', q, price, fee, EXIT_REASON_NAMES[reason], bars.ts[i]!);
    if (s.qty > 0 && s.orderQty > 0) {
      s.side = SELL;
      s.exitReason = reason;
      s.pending = true;
      return;
    }
    s.side = NONE;
    s.orderQty = 0;
    s.pending = false;
    if (s.qty > 0) return;
    s.qty = 0;
    const pnl = s.exitValue - s.entryCost - s.fees;
    this.trades.push(
      slot,
      s.entryBar,
      i,
      s.entryTs,
      bars.ts[i]!,
      s.entryPrice,
      s.exitValue / s.soldQty,
      s.boughtQty,
      s.fees,
      pnl,
      pnl / (s.entryCost + s.entryFees),
      reason,
    );
    slotFlat(s);
  }
}

/**
 * The fill accounting of a position slot, the one copy the paper and the live
 * broker share: a buy of `qty` costing `cost` (quote, before `fee`) opens or
 * adds to the position — a new one takes the working order's stop and target
 * and starts a round trip at `bar`/`ts` — and moves the average entry.
 */
export function slotBought(
  s: PositionSlot,
  qty: number,
  cost: number,
  fee: number,
  bar: number,
  ts: number,
): void {
  if (s.qty === 0) {
    s.entryBar = bar;
    s.entryTs = ts;
    s.boughtQty = 0;
    s.entryCost = 0;
    s.entryFees = 0;
    s.fees = 0;
    s.soldQty = 0;
    s.exitValue = 0;
    s.stopLoss = s.attachStop;
    s.takeProfit = s.attachTake;
  }
  s.qty += qty;
  s.boughtQty += qty;
  s.entryCost += cost;
  s.entryFees += fee;
  s.fees += fee;
  s.entryPrice = s.entryCost / s.boughtQty;
}

/** A sell of `qty` for `proceeds` (before `fee`) reduces the position (never below zero). */
export function slotSold(s: PositionSlot, qty: number, proceeds: number, fee: number): void {
  s.qty = Math.max(0, s.qty - qty);
  s.soldQty += qty;
  s.exitValue += proceeds;
  s.fees += fee;
}

/** A position sold out: no entry price, no stop, no target. */
export function slotFlat(s: PositionSlot): void {
  s.entryPrice = Number.NaN;
  s.stopLoss = Number.NaN;
  s.takeProfit = Number.NaN;
}
