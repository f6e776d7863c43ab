/**
 * The clock's time, read at most once per `resolutionMs` of that clock. A hit
 * on the cache checks freshness; reading the system clock costs ~100 ns on
 * some virtual machines (more than the rest of the hit), so the value is kept
 * until a timer of the same clock clears it, as lru-cache does with its
 * `ttlResolution`. On a ManualClock the timer fires during `advance()`, so
 * tests see time move exactly when they move it.
 */
import type { Clock } from '../domain/clock.js';

export class CoarseNow {
  private cached = -1;
  private cancel: (() => void) | undefined;
  private readonly clear = () => {
    this.cached = -1;
    this.cancel = undefined;
  };

  constructor(
    private readonly clock: Clock,
    private readonly resolutionMs = 1,
  ) {}

  now(): number {
    if (this.cached >= 0) return this.cached;
    this.cached = this.clock.now();
    this.cancel = this.clock.setTimer(this.resolutionMs, this.clear);
    return this.cached;
  }

  /** Cancels the pending timer (so a process can exit). */
  stop(): void {
    this.cancel?.();
    this.clear();
  }
}
