/**
 * The last price of a market that went quiet reaches every position on it.
 * A flush reprices idle positions (no TP, SL or trailing stop) once in each
 * idle interval (IdleRepricePace), each at its own turn, so a market
 * that ticks and then goes quiet could leave some of them at an older price
 * for good. Each flushed market is owed one settling pass: once it has had
 * no flush for a whole interval, its last tick is offered again, marked to
 * reprice every position on it that is not at that price. A market that keeps
 * ticking is never settled (its own flushes reach every position within the
 * interval). Pause and shutdown settle everything owed at once.
 */
import type { Clock } from '../domain/clock.js';

export class QuietMarkets<T> {
  private readonly owed = new Map<string, { tick: T; at: number }>();
  private cancel: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    /** The idle interval now, ms. */
    private readonly intervalMs: () => number,
    /** Offers a market's last tick again, to be written to every position on it. */
    private readonly settle: (key: string, tick: T) => void,
  ) {}

  /** A flush at `now` wrote `tick` for `key` and may have left idle positions behind. */
  flushed(key: string, tick: T, now: number): void {
    this.owed.set(key, { tick, at: now });
    this.cancel ??= this.clock.setTimer(this.intervalMs(), () => this.sweep());
  }

  /** Settles every owed market now (pause, shutdown). */
  settleAll(): void {
    this.stop();
    for (const [key, o] of this.owed) this.settle(key, o.tick);
    this.owed.clear();
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  private sweep(): void {
    this.cancel = undefined;
    const now = this.clock.now();
    const interval = this.intervalMs();
    let next = Number.POSITIVE_INFINITY;
    for (const [key, o] of this.owed) {
      if (o.at > now - interval) next = Math.min(next, o.at + interval);
      else {
        this.owed.delete(key);
        this.settle(key, o.tick);
      }
    }
    // Next when the earliest of the others has been quiet for a whole interval.
    if (next < Number.POSITIVE_INFINITY) this.cancel = this.clock.setTimer(next - now, () => this.sweep());
  }
}
