/**
 * Closed round trips (flat -> long -> flat), kept as growable typed columns so
 * a backtest with many trades allocates only when capacity doubles.
 */

export const ExitReason = { Signal: 0, StopLoss: 1, TakeProfit: 2, End: 3 } as const;
export type ExitReason = (typeof ExitReason)[keyof typeof ExitReason];
export const EXIT_REASON_NAMES = ['signal', 'stop-loss', 'take-profit', 'end'] as const;

/** One closed trade as an object, for results and APIs. */
export interface Trade {
  symbol: string;
  entryBar: number;
  exitBar: number;
  entryTs: number;
  exitTs: number;
  /** Volume-weighted fill prices (after slippage). */
  entryPrice: number;
  exitPrice: number;
  qty: number;
  /** Fees of every entry and exit fill. */
  fees: number;
  /** Net of fees. */
  pnl: number;
  /** pnl / (entry notional + entry fees). */
  return: number;
  exitReason: (typeof EXIT_REASON_NAMES)[number];
}

const FIELDS = [
  'entryBar',
  'exitBar',
  'entryTs',
  'exitTs',
  'entryPrice',
  'exitPrice',
  'qty',
  'fees',
  'pnl',
  'ret',
] as const;

/** Sums over the closed trades, kept as they are pushed (in push order). */
export interface TradeTotals {
  /** Trades with a positive net PnL. */
  wins: number;
  /** Sum of the positive PnLs. */
  grossProfit: number;
  /** Minus the sum of the other PnLs. */
  grossLoss: number;
  /** Fees of every trade. */
  fees: number;
}

export class TradeLog {
  length = 0;
  readonly totals: TradeTotals = { wins: 0, grossProfit: 0, grossLoss: 0, fees: 0 };
  private cols: Record<(typeof FIELDS)[number], Float64Array>;
  private slots: Int32Array;
  private reasons: Uint8Array;

  constructor(capacity = 64) {
    this.cols = Object.fromEntries(FIELDS.map((f) => [f, new Float64Array(capacity)])) as TradeLog['cols'];
    this.slots = new Int32Array(capacity);
    this.reasons = new Uint8Array(capacity);
  }

  push(
    slot: number,
    entryBar: number,
    exitBar: number,
    entryTs: number,
    exitTs: number,
    entryPrice: number,
    exitPrice: number,
    qty: number,
    fees: number,
    pnl: number,
    ret: number,
    reason: ExitReason,
  ): void {
    if (this.length === this.slots.length) this.grow();
    const i = this.length++;
    const c = this.cols;
    c.entryBar[i] = entryBar;
    c.exitBar[i] = exitBar;
    c.entryTs[i] = entryTs;
    c.exitTs[i] = exitTs;
    c.entryPrice[i] = entryPrice;
    c.exitPrice[i] = exitPrice;
    c.qty[i] = qty;
    c.fees[i] = fees;
    c.pnl[i] = pnl;
    c.ret[i] = ret;
    this.slots[i] = slot;
    this.reasons[i] = reason;
    const t = this.totals;
    t.fees += fees;
    if (pnl > 0) {
      t.wins++;
      t.grossProfit += pnl;
    } else t.grossLoss -= pnl;
  }

  /** Per-trade returns (net of fees), e.g. for Monte Carlo, as a plain array (for results and JSON). */
  returns(): number[] {
    const ret = this.cols.ret;
    return Array.from({ length: this.length }, (_, i) => ret[i]!);
  }

  /** Trade `i` as an object; `symbols[slot]` names its symbol. */
  get(i: number, symbols: readonly string[] = []): Trade {
    const c = this.cols;
    return {
      symbol: symbols[this.slots[i]!] ?? '',
      entryBar: c.entryBar[i]!,
      exitBar: c.exitBar[i]!,
      entryTs: c.entryTs[i]!,
      exitTs: c.exitTs[i]!,
      entryPrice: c.entryPrice[i]!,
      exitPrice: c.exitPrice[i]!,
      qty: c.qty[i]!,
      fees: c.fees[i]!,
      pnl: c.pnl[i]!,
      return: c.ret[i]!,
      exitReason: EXIT_REASON_NAMES[this.reasons[i]!]!,
    };
  }

  toArray(symbols: readonly string[] = []): Trade[] {
    return Array.from({ length: this.length }, (_, i) => this.get(i, symbols));
  }

  private grow(): void {
    const n = this.slots.length * 2;
    for (const f of FIELDS) {
      const a = new Float64Array(n);
      a.set(this.cols[f]);
      this.cols[f] = a;
    }
    const s = new Int32Array(n);
    s.set(this.slots);
    this.slots = s;
    const r = new Uint8Array(n);
    r.set(this.reasons);
    this.reasons = r;
  }
}
