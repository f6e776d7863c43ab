/**
 * The ONE trading loop body, shared by backtests, paper and live trading:
 * `step(i)` handles closed bar `i` of one symbol — the broker works orders
 * and stops against it, the account is marked, risk sees the equity, the
 * strategy decides, and an entry or exit goes to the broker to fill on a
 * later bar. A backtest calls `step` for each historical bar with a BarClock;
 * live and paper call it as each candle arrives (see `candle-feed.ts`) with
 * the real or a manual clock. Nothing else differs.
 *
 * Several engines (one per symbol) may share one broker and one risk
 * manager, so position and exposure limits apply across symbols. The broker
 * is the `Broker` port: the paper broker in backtests and paper trading, the
 * live broker when trading on an exchange.
 */
import type { Clock } from '../domain/clock.js';
import type { BarClock } from './bar-clock.js';
import type { Bars } from './bars.js';
import type { Broker } from './broker.js';
import { Atr } from './indicators/atr.js';
import { Action, newIntent, resetIntent } from './intent.js';
import type { RiskManager } from './risk.js';
import type { Strategy } from './strategy.js';

/** A non-Hold decision, reported to `onDecision` (for logs and the pipeline's "last decisions"). */
export interface Decision {
  ts: number;
  symbol: string;
  bar: number;
  action: 'enter-long' | 'exit';
  reason: string;
  /** False when risk refused the entry (see `blockedBy`) or there was nothing to do. */
  accepted: boolean;
  qty: number;
  blockedBy?: string;
  /** Entries: the limit, stop-loss and take-profit prices the strategy set (absent when NaN). */
  limitPrice?: number;
  stopLoss?: number;
  takeProfit?: number;
}

/** What a backtest asks of `Engine.run` around each bar of a span. */
export interface BarTape {
  /** Set to the bar's close (`ts + barMs`) before each bar is processed. */
  clock: BarClock;
  barMs: number;
  /** Account equity after bar `from + k`, written at `k`. */
  equity: Float64Array;
  /** Counts up by one for each bar after which a position is held. */
  heldBars: number;
}

export interface EngineOptions {
  symbol: string;
  bars: Bars;
  strategy: Strategy;
  broker: Broker;
  risk: RiskManager;
  clock: Clock;
  onDecision?: (d: Decision) => void;
}

export class Engine {
  readonly symbol: string;
  readonly slot: number;
  /** Account equity after the last step. */
  equity = Number.NaN;
  private readonly bars: Bars;
  private readonly strategy: Strategy;
  private readonly broker: Broker;
  private readonly risk: RiskManager;
  private readonly clock: Clock;
  private readonly intent = newIntent();
  /** The bars the last scan marked (see `Strategy.scan`). */
  private marked = new Int32Array(1);
  private closes = new Float64Array(1);
  private readonly atr: Atr | undefined;
  private readonly onDecision: ((d: Decision) => void) | undefined;

  constructor(opts: EngineOptions) {
    this.symbol = opts.symbol;
    this.bars = opts.bars;
    this.strategy = opts.strategy;
    this.broker = opts.broker;
    this.risk = opts.risk;
    this.clock = opts.clock;
    this.onDecision = opts.onDecision;
    this.slot = opts.broker.addSymbol(opts.symbol);
    this.atr = opts.risk.limits.riskPerTrade > 0 ? new Atr(opts.risk.limits.atrPeriod) : undefined;
  }

  /** Processes closed bar `i`. Call once per bar, in order. */
  step(i: number): void {
    this.run(i, i + 1);
  }

  /**
   * Processes closed bars `from..to-1` in order, each exactly as `step` would
   * (a backtest hands over a span at a time). With `tape`, its clock is set
   * to each bar's close before the bar, the equity after it is recorded and
   * the bars after which a position is held are counted.
   *
   * A strategy with `scan` advances its indicators over the whole span first
   * and decides only on the bars it marked. Between those bars, when the
   * broker has nothing to work for the slot (`Broker.markIdle`), the risk
   * manager does not watch the equity and no clock timer is due, the bars
   * are only marked: a bar with no signal costs one equity sum. Then only a
   * decision can read the clock (brokers never do), so it is set before each
   * bar the strategy decides on, and to the last bar's close at the end.
   */
  run(from: number, to: number, tape?: BarTape): void {
    if (to <= from) return;
    const count = this.scan(from, to);
    const marked = this.marked;
    const idleTape = count >= 0 && !this.risk.watchesEquity ? tape : undefined;
    const ts = this.bars.ts;
    // The close times of the marked bars, gathered in one pass: their loads overlap
    // rather than each stalling its bar (the marked bars are far apart in memory).
    const closes = this.markedCloses(count);
    if (idleTape !== undefined) for (let k = 0; k < count; k++) closes[k] = ts[marked[k]!]! + idleTape.barMs;
    let e = 0; // marked[e] is the next bar to decide on
    for (let i = from; i < to; ) {
      const next = count < 0 ? i : e < count ? marked[e]! : to;
      // Quiet: nothing but a decision reads the clock (no timer waits, the risk does not watch).
      const quiet = idleTape !== undefined && idleTape.clock.nextTimerAt === Number.POSITIVE_INFINITY;
      if (next > i && quiet) {
        const end = this.markIdle(i, next, from, idleTape);
        if (end > i) {
          i = end;
          continue;
        }
      }
      const decide = next === i;
      let clockAt = Number.NaN;
      if (tape !== undefined && (decide || !quiet))
        clockAt = decide && idleTape !== undefined ? closes[e]! : ts[i]! + tape.barMs;
      if (decide && count >= 0) e++;
      this.bar(i, decide, from, tape, clockAt);
      i++;
    }
    if (idleTape !== undefined) idleTape.clock.set(ts[to - 1]! + idleTape.barMs);
  }

  private markedCloses(count: number): Float64Array {
    if (this.closes.length < count) this.closes = new Float64Array(this.marked.length);
    return this.closes;
  }

  /**
   * Bar `i` in full: the broker works it, the account is marked, the strategy
   * decides if `decide`; the tape's clock is set to `clockAt` first unless NaN.
   */
  private bar(i: number, decide: boolean, from: number, tape: BarTape | undefined, clockAt: number): void {
    const bars = this.bars;
    const broker = this.broker;
    if (tape !== undefined && !Number.isNaN(clockAt)) tape.clock.set(clockAt);
    broker.onBar(this.slot, bars, i);
    if (this.atr !== undefined) this.atr.update(bars.high[i]!, bars.low[i]!, bars.close[i]!);
    const equity = broker.equity();
    this.equity = equity;
    this.risk.observe(equity);
    const pos = broker.slots[this.slot]!;
    if (decide) {
      const intent = this.intent;
      resetIntent(intent);
      this.strategy.onBar(bars, i, pos, intent);
      if (intent.action !== Action.Hold) this.act(i, equity);
    }
    if (tape !== undefined) {
      tape.equity[i - from] = equity;
      if (pos.qty > 0) tape.heldBars++;
    }
  }

  /**
   * Bars `i..end-1` while the broker has nothing to work for the slot: it
   * marks them and records the equity; the ATR and the held-bar count catch up.
   * Returns the first bar not handled (`i` when the slot has work).
   */
  private markIdle(i: number, end: number, from: number, tape: BarTape): number {
    const bars = this.bars;
    const broker = this.broker;
    if (broker.markIdle === undefined) return i;
    const stop = broker.markIdle(this.slot, bars, i, end, tape.equity, i - from);
    if (stop === i) return i;
    const atr = this.atr;
    if (atr !== undefined)
      for (let j = i; j < stop; j++) atr.update(bars.high[j]!, bars.low[j]!, bars.close[j]!);
    if (broker.slots[this.slot]!.qty > 0) tape.heldBars += stop - i;
    this.equity = tape.equity[stop - 1 - from]!;
    return stop;
  }

  /**
   * Feeds closed bar `i` to the ATR and the strategy only: no orders, no
   * decisions. Live and paper trading warm a new symbol's strategy on its
   * history this way, so it trades only on bars that close afterwards.
   */
  warm(i: number): void {
    const bars = this.bars;
    if (this.atr !== undefined) this.atr.update(bars.high[i]!, bars.low[i]!, bars.close[i]!);
    if (this.scan(i, i + 1) === 0) return;
    resetIntent(this.intent);
    this.strategy.onBar(bars, i, this.broker.slots[this.slot]!, this.intent);
  }

  /** The strategy's scan of bars `from..to-1` into `marked`: how many it marked, -1 when it has no scan (every bar is decided on). */
  private scan(from: number, to: number): number {
    const strategy = this.strategy;
    if (strategy.scan === undefined) return -1;
    if (this.marked.length < to - from) this.marked = new Int32Array(to - from);
    return strategy.scan(this.bars, from, to, this.marked);
  }

  private act(i: number, equity: number): void {
    const it = this.intent;
    const s = this.broker.slots[this.slot]!;
    if (it.action === Action.Exit) {
      const had = s.qty > 0 || s.pending;
      if (had) this.broker.submitExit(this.slot);
      this.report(i, 'exit', had, s.qty);
      return;
    }
    if (s.qty > 0 || s.pending) {
      this.report(i, 'enter-long', false, 0, 'already in a position or an order is working');
      return;
    }
    const price = Number.isNaN(it.limitPrice) ? this.bars.close[i]! : it.limitPrice;
    const atr = this.atr === undefined ? Number.NaN : this.atr.value;
    const qty = this.risk.sizeEntry(this.broker, this.slot, equity, price, it.stopLoss, atr) * it.size;
    if (qty > 0) this.broker.submitEntry(this.slot, qty, it.limitPrice, it.stopLoss, it.takeProfit);
    this.report(i, 'enter-long', qty > 0, qty, qty > 0 ? undefined : this.risk.blockedReason);
  }

  private report(
    i: number,
    action: Decision['action'],
    accepted: boolean,
    qty: number,
    blockedBy?: string,
  ): void {
    if (this.onDecision === undefined) return;
    const d: Decision = {
      ts: this.clock.now(),
      symbol: this.symbol,
      bar: i,
      action,
      reason: this.intent.reason,
      accepted,
      qty,
    };
    if (blockedBy !== undefined) d.blockedBy = blockedBy;
    const it = this.intent;
    if (action === 'enter-long') {
      if (!Number.isNaN(it.limitPrice)) d.limitPrice = it.limitPrice;
      if (!Number.isNaN(it.stopLoss)) d.stopLoss = it.stopLoss;
      if (!Number.isNaN(it.takeProfit)) d.takeProfit = it.takeProfit;
    }
    this.onDecision(d);
  }
}
