/**
 * Keeps calls to one venue within its budget: a token bucket sized from the
 * venue's capabilities, and a bounded FIFO queue of callers waiting for
 * tokens. Beyond the queue, callers get RATE_LIMITED at once rather than
 * piling up, so a burst can never exceed the venue's limit nor grow memory.
 */
import type { Clock } from '../domain/clock.js';
import { RateLimitedError } from '../domain/errors.js';
import { TokenBucket } from '../domain/token-bucket.js';

interface Waiter {
  weight: number;
  enqueuedAt: number;
  resolve(waitedMs: number): void;
}

export class RequestLimiter {
  private readonly bucket: TokenBucket;
  private readonly queue: Waiter[] = [];
  private timerArmed = false;

  constructor(
    private readonly clock: Clock,
    private readonly venueId: string,
    private readonly limit: { requestsPerSecond: number; burst: number },
    private readonly maxQueue: number,
  ) {
    this.bucket = new TokenBucket(clock, limit.requestsPerSecond, limit.burst);
  }

  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Resolves with the milliseconds waited once `weight` tokens are taken. A
   * weight above the bucket's burst is clamped to it, or it could never be served.
   */
  acquire(requested: number): Promise<number> {
    const weight = Math.min(requested, this.limit.burst);
    if (this.queue.length === 0 && this.bucket.take(weight) === 0) return Promise.resolve(0);
    if (this.queue.length >= this.maxQueue) {
      // Time for the queue ahead to drain at the venue's rate.
      const retry = Math.ceil(((this.queue.length + 1) * weight * 1000) / this.limit.requestsPerSecond);
      return Promise.reject(
        new RateLimitedError(
          `${this.venueId}: ${this.queue.length} requests already wait for the venue's rate limit`,
          retry,
        ),
      );
    }
    return new Promise<number>((resolve) => {
      this.queue.push({ weight, enqueuedAt: this.clock.now(), resolve });
      this.pump();
    });
  }

  /**
   * Runs `call` once its tokens are taken; resolves with its result and the
   * milliseconds waited. Tokens refilled while the call was in flight are
   * taken back when it ends: the venue may have counted the call at any
   * moment up to then, so the model never runs ahead of the venue's bucket.
   */
  async run<T>(weight: number, call: () => Promise<T>): Promise<{ value: T; waitedMs: number }> {
    const waitedMs = await this.acquire(weight);
    const started = this.clock.now();
    try {
      return { value: await call(), waitedMs };
    } finally {
      this.bucket.debitRefill(this.clock.now() - started);
      if (this.queue.length > 0 && !this.timerArmed) this.pump();
    }
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const wait = this.bucket.take(head.weight);
      if (wait > 0) {
        if (!this.timerArmed) {
          this.timerArmed = true;
          this.clock.setTimer(wait, () => {
            this.timerArmed = false;
            this.pump();
          });
        }
        return;
      }
      this.queue.shift();
      head.resolve(this.clock.now() - head.enqueuedAt);
    }
  }
}
