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
    const bars = this.bars;
    const broker = this.broker;
    broker.onBar(this.slot, bars, i);
    if (this.atr !== undefined) this.atr.update(bars.high[i]!, bars.low[i]!, bars.close[i]!);
    const equity = broker.equity();
    this.equity = equity;
    this.risk.observe(equity);
    const intent = this.intent;
    resetIntent(intent);
    this.strategy.onBar(bars, i, broker.slots[this.slot]!, intent);
    if (intent.action !== Action.Hold) this.act(i, equity);
  }

  /**
   * Feeds closed bar `i` to the ATR and the strategy only: no orders, no
   * decisions. Live and paper trading warm a new symbol's strategy on its
   * history this way, so it trades only on bars that close afterwards.
   */
  warm(i: number): void {
    const bars = this.bars;
    if (this.atr !== undefined) this.atr.update(bars.high[i]!, bars.low[i]!, bars.close[i]!);
    resetIntent(this.intent);
    this.strategy.onBar(bars, i, this.broker.slots[this.slot]!, this.intent);
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
