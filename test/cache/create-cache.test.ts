import { describe, expect, it } from 'vitest';
import type { KindMetrics } from '../../src/cache/cache.js';
import { createCache } from '../../src/cache/create-cache.js';
import { ENTRY_OVERHEAD_BYTES } from '../../src/cache/l1-store.js';
import { DEFAULT_POLICIES } from '../../src/cache/policies.js';
import { ManualClock } from '../../src/domain/clock.js';
import { TimeoutError, ValidationError } from '../../src/domain/errors.js';

const PRICE = DEFAULT_POLICIES.price; // ttl 20 s, grace 60 s, soft 250 ms, hard 2 s

/** Lets pending promise callbacks run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setup(opts: { maxEntries?: number; maxBytes?: number } = {}) {
  const clock = new ManualClock(1_000_000);
  const cache = createCache({
    clock,
    maxEntries: opts.maxEntries ?? 1_000,
    maxBytes: opts.maxBytes ?? 1_000_000,
  });
  const metricsOf = (kind: KindMetrics['kind']) => cache.metrics().find((m) => m.kind === kind)!;
  return { clock, cache, metricsOf };
}

describe('createCache (L1)', () => {
  it('makes one loader call for 1,000 concurrent misses of a key', async () => {
    const { cache, metricsOf } = setup();
    const d = deferred<number>();
    let calls = 0;
    const load = () => {
      calls++;
      return d.promise;
    };
    const all = Promise.all(Array.from({ length: 1_000 }, () => cache.getOrLoad('price', 'BTC/USDT', load)));
    await flush();
    d.resolve(42);
    const results = await all;
    expect(calls).toBe(1);
    expect(results.every((r) => r.value === 42 && !r.stale)).toBe(true);
    expect(metricsOf('price')).toMatchObject({ misses: 1_000, loads: 1, hits: 0 });
    expect(cache.peek('price', 'BTC/USDT')).toBe(42);
    expect(metricsOf('price')).toMatchObject({ hits: 1, hitRate: 1 / 1_001 });
  });

  it('serves fresh values until the TTL, then loads again', async () => {
    const { clock, cache } = setup();
    let n = 0;
    const load = async () => ++n;
    expect((await cache.getOrLoad('price', 'ETH', load)).value).toBe(1);
    clock.advance(PRICE.ttlMs - 1);
    expect(cache.peek('price', 'ETH')).toBe(1);
    expect(await cache.getOrLoad('price', 'ETH', load)).toEqual({
      value: 1,
      stale: false,
      ageMs: PRICE.ttlMs - 1,
    });
    clock.advance(1);
    expect(cache.peek('price', 'ETH')).toBeUndefined();
    expect((await cache.getOrLoad('price', 'ETH', load)).value).toBe(2);
  });

  it('treats an entry loaded before freshAfter as stale inside its TTL, and serves it while the load fails', async () => {
    const { clock, cache } = setup();
    let n = 0;
    const load = async () => ++n;
    expect((await cache.getOrLoad('price', 'SOL', load)).value).toBe(1);
    clock.advance(1000);
    const boundary = clock.now() - 500; // after the load, before now
    expect((await cache.getOrLoad('price', 'SOL', load, { freshAfter: boundary - 1000 })).value).toBe(1);
    expect((await cache.getOrLoad('price', 'SOL', load, { freshAfter: boundary })).value).toBe(2);
    expect((await cache.getOrLoad('price', 'SOL', load, { freshAfter: boundary })).value).toBe(2); // now fresh
    clock.advance(1000);
    const failing = async (): Promise<number> => {
      throw new Error('venue down');
    };
    expect(await cache.getOrLoad('price', 'SOL', failing, { freshAfter: clock.now() })).toMatchObject({
      value: 2,
      stale: true,
    });
  });

  it('serves stale within grace when the loader fails, and the error after grace', async () => {
    const { clock, cache, metricsOf } = setup();
    await cache.getOrLoad('price', 'SOL', async () => 'v1');
    clock.advance(PRICE.ttlMs + 1_000);
    const failing = async () => {
      throw new Error('venue down');
    };
    const r = await cache.getOrLoad('price', 'SOL', failing);
    expect(r).toEqual({ value: 'v1', stale: true, ageMs: PRICE.ttlMs + 1_000 });
    expect(metricsOf('price')).toMatchObject({ staleServed: 1, errors: 1, loads: 2 });
    clock.advance(PRICE.graceMs);
    await expect(cache.getOrLoad('price', 'SOL', failing)).rejects.toThrow('venue down');
    expect(metricsOf('price').errors).toBe(2);
  });

  it('serves stale at the soft timeout and stores the fresh value when it arrives', async () => {
    const { clock, cache, metricsOf } = setup();
    await cache.getOrLoad('ticker', 'BTC', async () => 'old');
    clock.advance(DEFAULT_POLICIES.ticker.ttlMs);
    const d = deferred<string>();
    const pending = cache.getOrLoad('ticker', 'BTC', () => d.promise);
    clock.advance(DEFAULT_POLICIES.ticker.softTimeoutMs);
    expect(await pending).toMatchObject({ value: 'old', stale: true });
    expect(cache.peek('ticker', 'BTC')).toBeUndefined();
    d.resolve('new');
    await flush();
    expect(cache.peek('ticker', 'BTC')).toBe('new');
    expect(metricsOf('ticker')).toMatchObject({ loads: 2, staleServed: 1, errors: 0 });
  });

  it('fails with TimeoutError at the hard timeout, then stores the late value', async () => {
    const { clock, cache, metricsOf } = setup();
    const d = deferred<string>();
    const pending = cache.getOrLoad('price', 'DOGE', () => d.promise);
    clock.advance(PRICE.hardTimeoutMs);
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).code).toBe('TIMEOUT');
    expect(metricsOf('price').errors).toBe(1);
    d.resolve('late');
    await flush();
    expect(cache.peek('price', 'DOGE')).toBe('late');
  });

  it('starts a new load after a hard timeout instead of waiting on the stuck one', async () => {
    const { clock, cache } = setup();
    let calls = 0;
    const stuck = () => {
      calls++;
      return new Promise<string>(() => {});
    };
    const first = cache.getOrLoad('price', 'X', stuck).catch(() => 'timed out');
    clock.advance(PRICE.hardTimeoutMs);
    expect(await first).toBe('timed out');
    expect((await cache.getOrLoad('price', 'X', async () => 'ok')).value).toBe('ok');
    expect(calls).toBe(1);
  });

  it('evicts by entry count and counts evictions per kind', async () => {
    const { cache, metricsOf } = setup({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) await cache.set('price', k, 1);
    expect(cache.peek('price', 'a')).toBe(1); // a is now most recently used
    await cache.set('ticker', 'd', 1);
    await cache.set('ticker', 'e', 1);
    expect(cache.peek('price', 'a')).toBe(1);
    expect(cache.peek('price', 'b')).toBeUndefined();
    expect(cache.peek('price', 'c')).toBeUndefined();
    expect(metricsOf('price').evictions).toBe(2);
    expect(metricsOf('ticker').evictions).toBe(0);
    expect(cache.tierStatus().l1.entries).toBe(3);
  });

  it('evicts by estimated bytes and counts evictions', async () => {
    const value = 'x'.repeat(300);
    const perEntry = ENTRY_OVERHEAD_BYTES + 'ohlcv:k0'.length + value.length;
    const { cache, metricsOf } = setup({ maxBytes: perEntry * 2 + 10 });
    for (const k of ['k0', 'k1', 'k2', 'k3']) await cache.set('ohlcv', k, value);
    expect(cache.tierStatus().l1).toMatchObject({ entries: 2, bytes: perEntry * 2 });
    expect(cache.peek('ohlcv', 'k3')).toBe(value);
    expect(cache.peek('ohlcv', 'k0')).toBeUndefined();
    expect(metricsOf('ohlcv').evictions).toBe(2);
  });

  it('sizes objects by their JSON and refuses a value bigger than the whole budget', async () => {
    const { cache } = setup({ maxBytes: 500 });
    const obj = { candles: [1, 2, 3] };
    await cache.set('ohlcv', 'o', obj);
    expect(cache.tierStatus().l1.bytes).toBe(
      ENTRY_OVERHEAD_BYTES + 'ohlcv:o'.length + JSON.stringify(obj).length,
    );
    await cache.set('ohlcv', 'huge', 'y'.repeat(1_000));
    expect(cache.peek('ohlcv', 'huge')).toBeUndefined();
    expect(cache.peek('ohlcv', 'o')).toEqual(obj);
  });

  it("invalidating user:1 leaves user:2's entries", async () => {
    const { cache } = setup();
    await cache.set('positions', '1', 'p1', { tags: ['user:1'] });
    await cache.set('traderPerformance', '1', 't1', { tags: ['user:1'] });
    await cache.set('positions', '2', 'p2', { tags: ['user:2'] });
    expect(await cache.invalidateTags(['user:1'])).toBe(2);
    expect(cache.peek('positions', '1')).toBeUndefined();
    expect(cache.peek('traderPerformance', '1')).toBeUndefined();
    expect(cache.peek('positions', '2')).toBe('p2');
  });

  it('invalidates by kind tag and by full key', async () => {
    const { cache } = setup();
    await cache.set('price', 'a', 1);
    await cache.set('price', 'b', 2);
    await cache.set('ticker', 'a', 3);
    expect(await cache.invalidateKeys(['price:a', 'price:zzz'])).toBe(1);
    expect(cache.peek('price', 'a')).toBeUndefined();
    expect(cache.peek('price', 'b')).toBe(2);
    expect(await cache.invalidateTags(['kind:price'])).toBe(1);
    expect(cache.peek('price', 'b')).toBeUndefined();
    expect(cache.peek('ticker', 'a')).toBe(3);
  });

  it('has no operation that clears everything', () => {
    const { cache } = setup();
    const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(cache)).filter(
      (n) => n !== 'constructor',
    );
    const publicMethods = methods.filter((n) => typeof Reflect.get(cache, n) === 'function');
    expect(
      publicMethods.filter((n) => /clear|flush|reset|purge|wipe|drop/i.test(n) && n !== 'dropLocal'),
    ).toEqual([]);
    for (const name of ['clear', 'clearAll', 'flush', 'flushAll', 'reset', 'invalidateAll'])
      expect(Reflect.get(cache, name)).toBeUndefined();
  });

  it('returns a load that raced an invalidation to its callers without storing it', async () => {
    const { cache } = setup();
    const d = deferred<string>();
    const racing = cache.getOrLoad('userProfile', '7', () => d.promise, { tags: ['user:7'] });
    await cache.invalidateTags(['user:7']);
    const after = cache.getOrLoad('userProfile', '7', async () => 'new', { tags: ['user:7'] });
    expect((await after).value).toBe('new'); // not joined to the load from before the invalidation
    d.resolve('old');
    expect((await racing).value).toBe('old');
    await flush();
    expect(cache.peek('userProfile', '7')).toBe('new');
  });

  it('keeps a value set while a slower load of the same key runs', async () => {
    const { clock, cache } = setup();
    const d = deferred<string>();
    const loading = cache.getOrLoad('macro', 'cpi', () => d.promise);
    clock.advance(10);
    await cache.set('macro', 'cpi', 'pushed');
    d.resolve('loaded');
    expect((await loading).value).toBe('loaded');
    expect(cache.peek('macro', 'cpi')).toBe('pushed');
  });

  it('records loads and factory latency on the clock', async () => {
    const { clock, cache, metricsOf } = setup();
    for (const ms of [10, 20, 30]) {
      const p = cache.getOrLoad('technical', `k${ms}`, () => clock.sleep(ms).then(() => ms));
      await flush();
      clock.advance(ms);
      await p;
    }
    expect(metricsOf('technical')).toMatchObject({
      loads: 3,
      misses: 3,
      hits: 0,
      hitRate: 0,
      factoryLatencyMs: { p50: 20, p99: 30, count: 3 },
    });
    expect(metricsOf('price').hitRate).toBeNull();
    expect(cache.metrics().map((m) => m.kind)).toHaveLength(15);
  });

  it('rejects unknown kinds and bad options', async () => {
    const { cache } = setup();
    // @ts-expect-error: not a kind
    expect(() => cache.peek('prize', 'x')).toThrow(ValidationError);
    const clock = new ManualClock();
    expect(() => createCache({ clock, maxEntries: 0, maxBytes: 1 })).toThrow(/maxEntries/);
    expect(() => createCache({ clock, maxEntries: 1, maxBytes: 1, redisUrl: 'localhost' })).toThrow(
      /redisUrl/,
    );
    expect(() =>
      createCache({ clock, maxEntries: 1, maxBytes: 1, policies: { price: { ttlMs: 0 } } }),
    ).toThrow(/price: ttl/);
  });

  it('applies policy overrides', async () => {
    const clock = new ManualClock();
    const cache = createCache({ clock, maxEntries: 10, maxBytes: 10_000, policies: { price: { ttlMs: 5 } } });
    await cache.set('price', 'a', 1);
    clock.advance(5);
    expect(cache.peek('price', 'a')).toBeUndefined();
    await cache.close();
  });
});
