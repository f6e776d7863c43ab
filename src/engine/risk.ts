/**
 * Risk rules applied to every new entry, live, paper and backtest alike:
 * position size (a fraction of equity, or the equity risked per trade over
 * the stop distance taken from the intent's stop-loss or from ATR), a cap on
 * open positions, a cap on one symbol's share of equity, and a daily loss
 * limit that stops new entries for the rest of the clock's UTC day once
 * equity has fallen that far below where the day started. Exits are never
 * blocked.
 */
import type { Clock } from '../domain/clock.js';
import type { Broker } from './broker.js';

const DAY_MS = 86_400_000;

export interface RiskLimits {
  /** Share of equity put into one entry when not sizing by risk. @default 1 */
  positionFraction: number;
  /** Share of equity risked per trade (qty = equity x riskPerTrade / stop distance); 0 = off. @default 0 */
  riskPerTrade: number;
  /** ATR period for the stop distance when the intent sets no stop. @default 14 */
  atrPeriod: number;
  /** Stop distance in ATRs when the intent sets no stop. @default 2 */
  atrMultiple: number;
  /** Most positions held or being entered at once. @default Infinity */
  maxOpenPositions: number;
  /** Most of the equity one symbol may hold. @default 1 */
  maxSymbolExposure: number;
  /** Loss from the day's opening equity, as a fraction, that stops new entries until the next UTC day; 0 = off. @default 0 */
  dailyLossLimit: number;
}

export const DEFAULT_RISK_LIMITS: Readonly<RiskLimits> = Object.freeze({
  positionFraction: 1,
  riskPerTrade: 0,
  atrPeriod: 14,
  atrMultiple: 2,
  maxOpenPositions: Number.POSITIVE_INFINITY,
  maxSymbolExposure: 1,
  dailyLossLimit: 0,
});

export class RiskManager {
  readonly limits: Readonly<RiskLimits>;
  /** Why the last entry was refused ('' when it was not). */
  blockedReason = '';
  private day = Number.NaN;
  private dayStartEquity = Number.NaN;
  private lastEquity = Number.NaN;
  private haltedDay = Number.NaN;
  private readonly dailyLoss: number = 0;

  constructor(
    limits: Partial<RiskLimits>,
    private readonly clock: Clock,
  ) {
    this.limits = Object.freeze({ ...DEFAULT_RISK_LIMITS, ...limits });
    this.dailyLoss = this.limits.dailyLossLimit;
  }

  /** True when `observe` has work to do on every bar (the daily loss limit is on). */
  get watchesEquity(): boolean {
    return this.dailyLoss > 0;
  }

  /** Called after each bar with the account equity marked at the close. */
  observe(equity: number): void {
    if (this.dailyLoss > 0) this.track(equity);
  }

  private track(equity: number): void {
    const limit = this.dailyLoss;
    const day = Math.floor(this.clock.now() / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.dayStartEquity = Number.isNaN(this.lastEquity) ? equity : this.lastEquity;
    }
    this.lastEquity = equity;
    if (equity <= this.dayStartEquity * (1 - limit)) this.haltedDay = day;
  }

  /** True while the daily loss limit holds entries back (until the clock's next UTC day). */
  halted(): boolean {
    return this.haltedDay === Math.floor(this.clock.now() / DAY_MS);
  }

  /**
   * Quantity for a new long entry on `slot` near `price`, or 0 with
   * `blockedReason` set. `stopPrice` (NaN for none) or else `atr` (NaN while
   * warming up) gives the stop distance when sizing by risk.
   */
  sizeEntry(
    broker: Broker,
    slot: number,
    equity: number,
    price: number,
    stopPrice: number,
    atr: number,
  ): number {
    const l = this.limits;
    if (this.halted()) return this.block(`daily loss limit ${l.dailyLossLimit * 100}% reached`);
    if (broker.openPositionCount() >= l.maxOpenPositions) {
      return this.block(`max open positions ${l.maxOpenPositions} reached`);
    }
    if (!(price > 0) || !(equity > 0)) return this.block('no equity or no price');
    const s = broker.slots[slot]!;
    const room = l.maxSymbolExposure * equity - s.qty * price;
    if (room <= 0)
      return this.block(`max exposure ${l.maxSymbolExposure * 100}% of equity on ${s.symbol} reached`);
    let qty: number;
    if (l.riskPerTrade > 0) {
      const dist = Number.isNaN(stopPrice) ? l.atrMultiple * atr : price - stopPrice;
      if (!(dist > 0))
        return this.block('no stop distance to size by risk (stop above price or ATR warming up)');
      qty = (equity * l.riskPerTrade) / dist;
    } else {
      qty = (equity * l.positionFraction) / price;
    }
    const maxQty = room / price;
    this.blockedReason = '';
    return Math.min(qty, maxQty);
  }

  private block(reason: string): number {
    this.blockedReason = reason;
    return 0;
  }
}
