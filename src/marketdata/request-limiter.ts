/**
 * Keeps calls to one venue within its budget: a token bucket sized from the
 * venue's capabilities, and a bounded FIFO queue of callers waiting for
 * tokens. Beyond the queue, callers get RATE_LIMITED at once rather than
 * piling up, so a burst can never exceed the venue's limit nor grow memory.
 *
 * Why a margin: we take a token when we send a call, the venue when it
 * receives it. While the venue's bucket sits full in between, its refill is
 * lost to the cap while ours is not, so our model can run ahead of the venue
 * by (transit time x rate) tokens. Modelling the venue with 80% of its burst
 * and 95% of its rate keeps that error inside the margin (one token of five
 * at 50 requests/s covers 20 ms of transit).
 */
import type { Clock } from '../domain/clock.js';
import { RateLimitedError } from '../domain/errors.js';
import { TokenBucket } from '../lib/token-bucket.js';

interface Waiter {
  weight: number;
  enqueuedAt: number;
  resolve(waitedMs: number): void;
}

const BURST_SHARE = 0.8;
const RATE_SHARE = 0.95;

export class RequestLimiter {
  private readonly burst: number;
  private readonly bucket: TokenBucket;
  private readonly queue: Waiter[] = [];
  private timerArmed = false;

  constructor(
    private readonly clock: Clock,
    private readonly venueId: string,
    private readonly limit: { requestsPerSecond: number; burst: number },
    private readonly maxQueue: number,
  ) {
    this.burst = Math.max(1, Math.floor(limit.burst * BURST_SHARE));
    this.bucket = new TokenBucket(clock, limit.requestsPerSecond * RATE_SHARE, this.burst);
  }

  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Resolves with the milliseconds waited once `weight` tokens are taken. A
   * weight above the bucket's burst is clamped to it, or it could never be served.
   */
  acquire(requested: number): Promise<number> {
    const weight = Math.min(requested, this.burst);
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

  /** Runs `call` once its tokens are taken; resolves with its result and the milliseconds waited. */
  async run<T>(weight: number, call: () => Promise<T>): Promise<{ value: T; waitedMs: number }> {
    const waitedMs = await this.acquire(weight);
    return { value: await call(), waitedMs };
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
