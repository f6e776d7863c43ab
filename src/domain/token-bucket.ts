/**
 * A token bucket on an injected clock: `burst` tokens, refilled at `ratePerSecond`.
 * The simulated venue uses it to reject calls over its limit (as an exchange
 * answers 429); the market-data layer uses it to delay calls so it never does.
 */
import type { Clock } from './clock.js';

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly clock: Clock,
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  /**
   * Takes `cost` tokens if available and returns 0; otherwise takes nothing
   * and returns how many ms until enough tokens will be there.
   */
  take(cost: number): number {
    const now = this.clock.now();
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
      this.last = now;
    }
    if (this.tokens >= cost) {
      this.tokens -= cost;
      return 0;
    }
    return Math.max(1, Math.ceil(((cost - this.tokens) * 1000) / this.ratePerSecond));
  }

  /** Puts back `cost` tokens taken for something that turned out not to count (never above the burst). */
  refund(cost: number): void {
    this.tokens = Math.min(this.burst, this.tokens + cost);
  }
}
