/** TickCoalescer on a manual clock: trailing values, per-key rate, bounded memory, no overlap, retries. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { TickCoalescer } from '../../src/marketdata/tick-coalescer.js';

function setup(opts: { delayMs?: number; maxRatePerKey?: number; fail?: () => boolean } = {}) {
  const clock = new ManualClock(0);
  const flushes: { at: number; batch: Map<string, number> }[] = [];
  const c = new TickCoalescer<number>({
    clock,
    delayMs: opts.delayMs ?? 100,
    maxRatePerKey: opts.maxRatePerKey ?? 10,
    flush: async (batch) => {
      if (opts.fail?.()) throw new Error('database down');
      flushes.push({ at: clock.now(), batch: new Map(batch) });
      return batch.size;
    },
  });
  /** Advances in small steps so the flush promises settle between timers. */
  const advance = async (ms: number, step = 1) => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(step);
      await Promise.resolve();
      await Promise.resolve();
    }
  };
  return { clock, c, flushes, advance };
}

describe('TickCoalescer', () => {
  it('flushes the last value of a burst once, after the delay', async () => {
    const { c, flushes, advance } = setup();
    for (let i = 1; i <= 1000; i++) c.offer('BTC', i);
    await advance(99);
    expect(flushes).toHaveLength(0);
    await advance(2);
    expect(flushes).toHaveLength(1);
    expect(flushes[0]!.batch.get('BTC')).toBe(1000);
    const s = c.stats();
    expect(s).toMatchObject({
      ticksReceived: 1000,
      ticksCoalesced: 999,
      flushes: 1,
      rowsUpdated: 1,
      pendingKeys: 0,
    });
  });

  it('puts many keys in one flush, and writes each key at most maxRatePerKey times a second', async () => {
    const { c, flushes, advance } = setup({ delayMs: 10, maxRatePerKey: 4 });
    // 5 keys tick every ms for 2 s.
    for (let ms = 0; ms < 2000; ms++) {
      for (let k = 0; k < 5; k++) c.offer(`k${k}`, ms);
      await advance(1);
    }
    await advance(1000);
    const perKey = new Map<string, number[]>();
    for (const f of flushes) for (const [k] of f.batch) perKey.set(k, [...(perKey.get(k) ?? []), f.at]);
    for (const [, times] of perKey) {
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(250);
      expect(times.length).toBeLessThanOrEqual(10);
    }
    // Every key ends on its last value: the trailing tick is never lost.
    const last = flushes.at(-1)!;
    for (let k = 0; k < 5; k++) expect(last.batch.get(`k${k}`)).toBe(1999);
    expect(Math.max(...flushes.map((f) => f.batch.size))).toBe(5);
  });

  it('keeps keys dirtied a few ms apart in one flush: flushes start half a delay apart at least', async () => {
    const { c, flushes, advance } = setup({ delayMs: 100, maxRatePerKey: 10 });
    // 40 keys, each ticking every 10 ms at its own phase, for 3 s: without the shared window their
    // delays end a few ms apart and the flushes split (about 30 a second).
    const dirtySince = new Map<string, number>();
    const waits: number[] = [];
    for (let ms = 0; ms < 3000; ms++) {
      for (let k = 0; k < 40; k++)
        if ((ms + k) % 10 === 0) {
          const key = `k${k}`;
          if (!dirtySince.has(key)) dirtySince.set(key, ms);
          c.offer(key, ms);
        }
      const before = flushes.length;
      await advance(1);
      for (const f of flushes.slice(before))
        for (const [key] of f.batch) {
          waits.push(f.at - dirtySince.get(key)!);
          dirtySince.delete(key);
        }
    }
    const starts = flushes.map((f) => f.at);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(50);
    expect(flushes.length).toBeLessThanOrEqual(3 * 20 + 1);
    // No key waits longer than its delay plus half a delay, and no key is written more than 10 times a second.
    expect(Math.max(...waits)).toBeLessThanOrEqual(150);
    const perKey = new Map<string, number[]>();
    for (const f of flushes) for (const [k] of f.batch) perKey.set(k, [...(perKey.get(k) ?? []), f.at]);
    for (const times of perKey.values())
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(100);
  });

  it('keeps memory bounded by the number of keys whatever the tick rate', async () => {
    const { c, advance } = setup();
    for (let i = 0; i < 200_000; i++) c.offer(`m${i % 50}`, i);
    expect(c.stats().pendingKeys).toBe(50);
    await advance(200);
    expect(c.stats().pendingKeys).toBe(0);
  });

  it('never runs two flushes at once; ticks during a flush go in the next one', async () => {
    const clock = new ManualClock(0);
    let active = 0;
    let maxActive = 0;
    let release: () => void = () => {};
    const seen: number[] = [];
    const c = new TickCoalescer<number>({
      clock,
      delayMs: 0,
      maxRatePerKey: 1000,
      flush: async (batch) => {
        active++;
        maxActive = Math.max(maxActive, active);
        seen.push(batch.get('a')!);
        await new Promise<void>((r) => {
          release = r;
        });
        active--;
        return 1;
      },
    });
    c.offer('a', 1);
    clock.advance(1);
    await Promise.resolve();
    c.offer('a', 2);
    c.offer('a', 3);
    clock.advance(5);
    release();
    await new Promise((r) => setImmediate(r));
    clock.advance(5);
    await new Promise((r) => setImmediate(r));
    release();
    await c.drain();
    expect(seen).toEqual([1, 3]);
    expect(maxActive).toBe(1);
  });

  it('retries a failed batch, with a newer tick winning over the failed value', async () => {
    let failing = true;
    const { c, flushes, advance } = setup({ delayMs: 10, fail: () => failing });
    c.offer('a', 1);
    c.offer('b', 1);
    await advance(20);
    expect(c.stats().failedFlushes).toBe(1);
    expect(c.stats().pendingKeys).toBe(2);
    c.offer('a', 2);
    failing = false;
    await advance(1000, 10);
    expect(flushes).toHaveLength(1);
    expect(Object.fromEntries(flushes[0]!.batch)).toEqual({ a: 2, b: 1 });
  });

  it('counts the latency of ticks only: a value offered again is written but is not a tick', async () => {
    const { c, clock, flushes, advance } = setup({ delayMs: 10 });
    // A value offered again (a settling pass), flushed alone: written, no latency sample.
    c.offer('a', 1, false);
    await advance(20);
    expect(flushes).toHaveLength(1);
    expect(c.stats()).toMatchObject({ ticksReceived: 0, tickToFlushMs: { count: 0 } });
    // A tick arriving while a value offered again waits: its latency starts with the tick, not before.
    await advance(200, 10);
    c.offer('b', 1, false);
    clock.advance(7);
    c.offer('b', 2);
    await c.drain();
    expect(flushes.at(-1)!.batch.get('b')).toBe(2);
    expect(c.stats()).toMatchObject({ ticksReceived: 1, ticksCoalesced: 0, tickToFlushMs: { count: 1 } });
    expect(c.stats().tickToFlushMs.p99).toBe(0);
  });

  it('drain writes everything now; close stops scheduling', async () => {
    const { c, flushes, advance } = setup({ delayMs: 10_000 });
    c.offer('a', 1);
    await c.drain();
    expect(flushes).toHaveLength(1);
    c.close();
    c.offer('a', 2);
    await advance(20, 10);
    expect(flushes).toHaveLength(1);
  });

  it('rejects nonsense options', () => {
    const clock = new ManualClock(0);
    const flush = async () => 0;
    expect(() => new TickCoalescer({ clock, delayMs: -1, maxRatePerKey: 1, flush })).toThrow(/delayMs/);
    expect(() => new TickCoalescer({ clock, delayMs: 1, maxRatePerKey: 0, flush })).toThrow(/maxRatePerKey/);
  });
});
