/**
 * How often positions without TP, SL or trailing stop are repriced. Each one
 * is rewritten (price, PnL, push) at most every `baseMs`; but that is work in
 * proportion to the open positions, and a copy engine opening thousands of
 * copies a minute would soon spend the service on rewriting PnL nobody is
 * watching. So the pace keeps idle repricing within `rowsPerSecond`: when a
 * second's flushes repriced more idle positions than that, the interval grows
 * in proportion (up to a minute); when they repriced under half of it, it
 * shrinks back towards `baseMs`. Armed positions are never paced: their
 * TP/SL/trailing checks run on every flush.
 */
const WINDOW_MS = 1_000;
const MAX_INTERVAL_MS = 60_000;

export class IdleRepricePace {
  private interval: number;
  private windowStart: number | undefined;
  private rows = 0;

  constructor(
    private readonly baseMs: number,
    private readonly rowsPerSecond: number,
  ) {
    this.interval = baseMs;
  }

  /** How often each idle position is repriced now, ms (each at a point of the interval of its own). */
  get intervalMs(): number {
    return this.interval;
  }

  /** A flush at `now` repriced `idleRows` idle positions. */
  flushed(now: number, idleRows: number): void {
    this.windowStart ??= now;
    this.rows += idleRows;
    const elapsed = now - this.windowStart;
    if (elapsed < WINDOW_MS) return;
    const rate = (this.rows * 1000) / elapsed;
    if (this.rowsPerSecond > 0 && rate > this.rowsPerSecond)
      this.interval = Math.min(
        MAX_INTERVAL_MS,
        Math.max(this.baseMs, (this.interval * rate) / this.rowsPerSecond),
      );
    else if (rate < this.rowsPerSecond / 2) this.interval = Math.max(this.baseMs, this.interval / 2);
    this.windowStart = now;
    this.rows = 0;
  }
}
