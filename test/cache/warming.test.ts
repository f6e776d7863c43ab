import { describe, expect, it } from 'vitest';
import type { CacheKind } from '../../src/cache/cache.js';
import { createCache } from '../../src/cache/create-cache.js';
import { KindStats } from '../../src/cache/kind-metrics.js';
import { L1Entry } from '../../src/cache/l1-store.js';
import { topAndDecay } from '../../src/cache/warming.js';
import { ManualClock } from '../../src/domain/clock.js';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function entry(key: string, reads: number): L1Entry {
  const e = new L1Entry(`price:${key}`, key, new KindStats('price'), key, 0, 10, 20, ['kind:price']);
  e.reads = reads;
  return e;
}

describe('topAndDecay', () => {
  it('picks the most read accepted entries and halves every count', () => {
    const all = [entry('a', 3), entry('b', 10), entry('c', 0), entry('d', 7), entry('e', 5)];
    const top = topAndDecay(all, 2, (e) => e.key !== 'b');
    expect(top.map((e) => e.key)).toEqual(['d', 'e']);
    expect(all.map((e) => e.reads)).toEqual([1, 5, 0, 3, 2]);
  });
});

describe('startWarming', () => {
  it('refreshes the most read entries before they expire, on the clock', async () => {
    const clock = new ManualClock(0);
    const cache = createCache({ clock, maxEntries: 100, maxBytes: 100_000 }); // price: ttl 20 s
    const version = new Map<string, number>();
    const load = (key: string) => async () => `${key}@${version.get(key) ?? 0}`;
    for (const key of ['a', 'b', 'c']) await cache.getOrLoad('price', key, load(key));
    for (let i = 0; i < 10; i++) cache.peek('price', 'a');
    for (let i = 0; i < 5; i++) cache.peek('price', 'b');

    const refreshed: [CacheKind, string][] = [];
    const warming = cache.startWarming({
      every: 5_000,
      top: 2,
      refresh: async (kind, key) => {
        refreshed.push([kind, key]);
        version.set(key, 1);
        return load(key)();
      },
    });
    clock.advance(10_000); // rounds at 5 s and 10 s: nothing expires before 15 s
    expect(refreshed).toEqual([]);
    clock.advance(5_000); // round at 15 s: everything expires at 20 s; a and b are the most read, c unread
    await flush();
    expect(refreshed).toEqual([
      ['price', 'a'],
      ['price', 'b'],
    ]);
    expect(warming).toMatchObject({ rounds: 3, refreshes: 2 });

    clock.advance(5_001); // 20.001 s: a and b were reloaded at 15 s, c has expired
    expect(cache.peek('price', 'a')).toBe('a@1');
    expect(cache.peek('price', 'b')).toBe('b@1');
    expect(cache.peek('price', 'c')).toBeUndefined();
    const m = cache.metrics().find((x) => x.kind === 'price')!;
    expect(m.loads).toBe(5);

    warming.stop();
    clock.advance(60_000);
    expect(warming.rounds).toBe(4);
    await cache.close();
  });

  it('never re-creates an entry that was invalidated, and keeps its tags', async () => {
    const clock = new ManualClock(0);
    const cache = createCache({ clock, maxEntries: 100, maxBytes: 100_000 });
    await cache.getOrLoad('positions', '1', async () => 'p1', { tags: ['user:1'] });
    await cache.getOrLoad('positions', '2', async () => 'p2', { tags: ['user:2'] });
    cache.peek('positions', '1');
    cache.peek('positions', '2');
    await cache.invalidateTags(['user:2']);
    const refreshed: string[] = [];
    cache.startWarming({
      every: 25_000,
      top: 10,
      refresh: async (_kind, key) => {
        refreshed.push(key);
        return `p${key}'`;
      },
    });
    clock.advance(25_000); // positions: ttl 30 s, so both would be due
    await flush();
    expect(refreshed).toEqual(['1']);
    expect(await cache.invalidateTags(['user:1'])).toBe(1);
    await cache.close();
  });

  it('counts a failed refresh as an error and keeps the old value', async () => {
    const clock = new ManualClock(0);
    const cache = createCache({ clock, maxEntries: 100, maxBytes: 100_000 });
    await cache.getOrLoad('price', 'a', async () => 'v1');
    cache.peek('price', 'a');
    cache.startWarming({
      every: 15_000,
      top: 1,
      refresh: async () => {
        throw new Error('venue down');
      },
    });
    clock.advance(15_000);
    await flush();
    expect(cache.peek('price', 'a')).toBe('v1');
    expect(cache.metrics().find((x) => x.kind === 'price')!.errors).toBe(1);
    expect(() => cache.startWarming({ every: 0, top: 1, refresh: async () => 1 })).toThrow(/every/);
    await cache.close();
  });
});
