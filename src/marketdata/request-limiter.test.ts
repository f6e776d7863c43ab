import { describe, expect, it } from 'vitest';
import { ManualClock } from '../domain/clock.js';
import { RateLimitedError } from '../domain/errors.js';
import { RequestLimiter } from './request-limiter.js';

describe('RequestLimiter', () => {
  it('lets a burst through, then paces callers at the venue rate in FIFO order', async () => {
    const clock = new ManualClock(0);
    const limiter = new RequestLimiter(clock, 'v', { requestsPerSecond: 10, burst: 2 }, 10);
    const order: number[] = [];
    const calls = Array.from({ length: 5 }, (_, i) =>
      limiter.acquire(1).then((waited) => order.push(i) && waited),
    );
    await Promise.resolve();
    expect(order).toEqual([0, 1]);
    clock.advance(100);
    await Promise.resolve();
    expect(order).toEqual([0, 1, 2]);
    clock.advance(200);
    const waited = await Promise.all(calls);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(waited).toEqual([0, 0, 100, 200, 300]);
  });

  it('serves a call heavier than the whole burst instead of waiting forever', async () => {
    const clock = new ManualClock(0);
    const limiter = new RequestLimiter(clock, 'v', { requestsPerSecond: 5, burst: 1 }, 10);
    await limiter.acquire(1);
    const heavy = limiter.acquire(5);
    clock.advance(200);
    expect(await heavy).toBe(200);
  });

  it('refuses with RATE_LIMITED once the queue is full instead of growing it', async () => {
    const clock = new ManualClock(0);
    const limiter = new RequestLimiter(clock, 'v', { requestsPerSecond: 1, burst: 1 }, 2);
    await limiter.acquire(1);
    const queued = [limiter.acquire(1), limiter.acquire(1)];
    await expect(limiter.acquire(1)).rejects.toBeInstanceOf(RateLimitedError);
    expect(limiter.waiting).toBe(2);
    clock.advance(2000);
    await Promise.all(queued);
    expect(limiter.waiting).toBe(0);
  });
});
