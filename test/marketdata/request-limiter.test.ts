import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { RateLimitedError } from '../../src/domain/errors.js';
import { RequestLimiter } from '../../src/marketdata/request-limiter.js';

describe('RequestLimiter', () => {
  it('lets 80% of the burst through at once, then paces FIFO within the venue rate', async () => {
    const clock = new ManualClock(0);
    const limiter = new RequestLimiter(clock, 'v', { requestsPerSecond: 10, burst: 5 }, 100);
    const order: number[] = [];
    const calls = Array.from({ length: 20 }, (_, i) => limiter.acquire(1).then(() => order.push(i)));
    await Promise.resolve();
    expect(order).toEqual([0, 1, 2, 3]); // floor(5 * 0.8)
    for (let t = 100; t <= 1000; t += 100) {
      clock.advance(100);
      await new Promise((r) => setImmediate(r));
      // Never more than the venue's burst plus its rate over the elapsed time.
      expect(order.length).toBeLessThanOrEqual(5 + (10 * t) / 1000);
    }
    clock.advance(2000);
    await Promise.all(calls);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('serves a call heavier than the whole burst instead of waiting forever', async () => {
    const clock = new ManualClock(0);
    const limiter = new RequestLimiter(clock, 'v', { requestsPerSecond: 5, burst: 1 }, 10);
    await limiter.acquire(1);
    const heavy = limiter.acquire(5);
    clock.advance(300);
    expect(await heavy).toBeGreaterThan(0);
  });

  it('refuses with RATE_LIMITED once the queue is full instead of growing it', async () => {
    const clock = new ManualClock(0);
    const limiter = new RequestLimiter(clock, 'v', { requestsPerSecond: 1, burst: 1 }, 2);
    await limiter.acquire(1);
    const queued = [limiter.acquire(1), limiter.acquire(1)];
    await expect(limiter.acquire(1)).rejects.toBeInstanceOf(RateLimitedError);
    expect(limiter.waiting).toBe(2);
    clock.advance(1100);
    await new Promise((r) => setImmediate(r));
    clock.advance(1100);
    await Promise.all(queued);
    expect(limiter.waiting).toBe(0);
  });
});
