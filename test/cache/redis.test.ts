/**
 * The cache on a real Redis (TEST_REDIS_URL): two instances sharing entries
 * and invalidations, the compare-and-write guard, and recovery after lost
 * connections. Skipped with a warning when Redis is not there, except under
 * CI=true, where that fails. Each test uses its own key prefix and deletes
 * its keys afterwards.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { LayeredCache } from '../../src/cache/cache-options.js';
import { createCache } from '../../src/cache/create-cache.js';
import { DEFAULT_POLICIES } from '../../src/cache/policies.js';
import { RedisTier } from '../../src/cache/redis-tier.js';
import { ManualClock, systemClock } from '../../src/domain/clock.js';
import { noteSkip } from '../support/skip-notice.js';

async function reachableRedis(): Promise<string | undefined> {
  const url = process.env['TEST_REDIS_URL'];
  const ci = process.env['CI'] === 'true';
  let ok = false;
  if (url) {
    const probe = new Redis(url, {
      lazyConnect: true,
      connectTimeout: 1_000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => {});
    ok = await probe.connect().then(
      () => probe.ping().then(() => true),
      () => false,
    );
    probe.disconnect();
  }
  if (ok) return url;
  if (ci)
    throw new Error(
      `CI=true but Redis is not reachable at ${url ?? '(TEST_REDIS_URL unset)'}: the Redis suites must run in CI`,
    );
  noteSkip(
    `[skip] Redis suites skipped: set TEST_REDIS_URL=redis://127.0.0.1:6379 to run them${url ? ` (${url} unreachable)` : ''}`,
  );
  return undefined;
}

const url = await reachableRedis();

/** Polls `check` on real time until it holds; false after `ms`. */
async function eventually(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return check();
}

describe.runIf(url)('createCache on Redis', () => {
  const redisUrl = url!;
  const admin = () => {
    const r = new Redis(redisUrl, { lazyConnect: true });
    r.on('error', () => {});
    return r;
  };
  let prefix = '';
  let open: LayeredCache[] = [];
  const ids = new Map<LayeredCache, string>();

  /** Kills the server side of one of `cache`'s connections, as a network failure would. */
  async function killConnection(cache: LayeredCache, role: 'data' | 'bus'): Promise<void> {
    const r = admin();
    await r.connect();
    const name = `tradeloop-cache-${role}-${ids.get(cache)}`;
    const line = String(await r.client('LIST'))
      .split('\n')
      .find((l) => l.includes(` name=${name} `));
    const id = /id=(\d+)/.exec(line ?? '')?.[1];
    expect(id, `connection ${name}`).toBeDefined();
    await r.client('KILL', 'ID', id!);
    await r.quit();
  }

  async function instance(name: string): Promise<LayeredCache> {
    prefix ||= `tl:test:${randomUUID()}:`;
    const instanceId = `${name}-${randomUUID()}`;
    const c = createCache({
      clock: systemClock,
      maxEntries: 1_000,
      maxBytes: 1_000_000,
      redisUrl,
      keyPrefix: prefix,
      instanceId,
    });
    open.push(c);
    ids.set(c, instanceId);
    await c.ready();
    return c;
  }

  afterEach(async () => {
    await Promise.all(open.map((c) => c.close()));
    open = [];
    ids.clear();
    if (prefix) {
      const r = admin();
      await r.connect();
      const keys = await r.keys(`${prefix}*`);
      if (keys.length > 0) await r.del(...keys);
      await r.quit();
    }
    prefix = '';
  });

  it('lets a second instance read an entry loaded by the first without calling its loader', async () => {
    const a = await instance('a');
    const b = await instance('b');
    await a.getOrLoad('leaderboard', 'weekly', async () => ({ top: ['x', 'y'] }), { tags: ['board'] });
    let bCalls = 0;
    const r = await b.getOrLoad('leaderboard', 'weekly', async () => {
      bCalls++;
      return { top: [] };
    });
    expect(bCalls).toBe(0);
    expect(r).toMatchObject({ value: { top: ['x', 'y'] }, stale: false });
    expect(b.peek('leaderboard', 'weekly')).toEqual({ top: ['x', 'y'] }); // now in b's L1 too
    expect(b.tierStatus().redis).toMatchObject({ connected: true, subscribed: true, l2Hits: 1 });
    const m = b.metrics().find((x) => x.kind === 'leaderboard')!;
    expect(m).toMatchObject({ hits: 2, misses: 0, loads: 0 });
  });

  it('loads again instead of taking an L2 entry loaded before freshAfter', async () => {
    const a = await instance('a');
    const b = await instance('b');
    await a.getOrLoad('ohlcv', 'BTC:1m', async () => ['bar 1']);
    const loadedBy = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    let bCalls = 0;
    const load = async () => {
      bCalls++;
      return ['bar 1', 'bar 2'];
    };
    const older = await b.getOrLoad('ohlcv', 'BTC:1m', load, { freshAfter: loadedBy - 60_000 });
    expect([older.value, bCalls]).toEqual([['bar 1'], 0]); // loaded after the boundary: an L2 hit
    const c = await instance('c');
    const newer = await c.getOrLoad('ohlcv', 'BTC:1m', load, { freshAfter: loadedBy + 1 });
    expect([newer.value, newer.stale, bCalls]).toEqual([['bar 1', 'bar 2'], false, 1]);
  });

  it('stores entries in Redis for ttl + grace with their tags indexed', async () => {
    const a = await instance('a');
    await a.set('price', 'BTC', '64000.5', { tags: ['symbol:BTC'] });
    const r = admin();
    await r.connect();
    const pttl = await r.pttl(`${prefix}e:price:BTC`);
    const { ttlMs, graceMs } = DEFAULT_POLICIES.price;
    expect(pttl).toBeGreaterThan(ttlMs);
    expect(pttl).toBeLessThanOrEqual(ttlMs + graceMs);
    expect(await r.zrange(`${prefix}t:symbol:BTC`, 0, -1)).toEqual(['price:BTC']);
    expect(await r.zrange(`${prefix}t:kind:price`, 0, -1)).toEqual(['price:BTC']);
    const envelope = JSON.parse((await r.get(`${prefix}e:price:BTC`))!) as Record<string, unknown>;
    expect(envelope).toMatchObject({ v: '64000.5', g: ['symbol:BTC', 'kind:price'] });
    expect(typeof envelope['t']).toBe('number');
    await r.quit();
  });

  it('trims expired members from tag sets on write, so a busy tag stays the size of its live entries', async () => {
    prefix = `tl:test:${randomUUID()}:`;
    const clock = new ManualClock(1_000_000);
    const c = createCache({ clock, maxEntries: 100, maxBytes: 100_000, redisUrl, keyPrefix: prefix });
    open.push(c);
    await c.ready();
    await c.set('orderBook', 'old', { bids: [] }); // expires (by this clock) 12 s later
    clock.advance(10 * 60_000);
    await c.set('orderBook', 'new', { bids: [] });
    const r = admin();
    await r.connect();
    expect(await r.zrange(`${prefix}t:kind:orderBook`, 0, -1)).toEqual(['orderBook:new']);
    await r.quit();
  });

  it("sees an invalidation made on another instance: L1 and L2 dropped, other users' entries kept", async () => {
    const a = await instance('a');
    const b = await instance('b');
    for (const user of ['1', '2'])
      await a.getOrLoad('positions', user, async () => `positions of ${user}`, { tags: [`user:${user}`] });
    await b.getOrLoad('positions', '1', async () => 'unused', { tags: ['user:1'] });
    await b.getOrLoad('positions', '2', async () => 'unused', { tags: ['user:2'] });
    expect(b.peek('positions', '1')).toBe('positions of 1');

    expect(await a.invalidateTags(['user:1'])).toBe(1);
    expect(await eventually(() => b.peek('positions', '1') === undefined)).toBe(true);
    expect(b.peek('positions', '2')).toBe('positions of 2');
    expect(b.tierStatus().redis?.invalidationsReceived).toBe(1);
    let reloaded = 0;
    const r = await b.getOrLoad('positions', '1', async () => {
      reloaded++;
      return 'fresh';
    });
    expect(reloaded).toBe(1); // gone from L2 as well
    expect(r.value).toBe('fresh');
  });

  it('sees a key invalidation made on another instance', async () => {
    const a = await instance('a');
    const b = await instance('b');
    await a.set('marketDetail', 'BTC/USDT', { tick: '0.1' });
    await b.getOrLoad('marketDetail', 'BTC/USDT', async () => ({ tick: 'unused' }));
    await a.set('marketDetail', 'ETH/USDT', { tick: '0.01' });
    await b.getOrLoad('marketDetail', 'ETH/USDT', async () => ({ tick: 'unused' }));
    expect(await a.invalidateKeys(['marketDetail:BTC/USDT'])).toBe(1);
    expect(await eventually(() => b.peek('marketDetail', 'BTC/USDT') === undefined)).toBe(true);
    expect(b.peek('marketDetail', 'ETH/USDT')).toEqual({ tick: '0.01' });
  });

  it('refuses an L2 write from a load that raced an invalidation', async () => {
    prefix = `tl:test:${randomUUID()}:`;
    const tier = new RedisTier({ url: redisUrl, prefix, instanceId: 'w', events: {} });
    const other = new RedisTier({ url: redisUrl, prefix, instanceId: 'i', events: {} });
    try {
      await Promise.all([tier.ready(5_000), other.ready(5_000)]);
      const tags = ['user:9', 'kind:userProfile'];
      const read = await tier.read('userProfile:9', tags);
      await other.invalidateTags(['user:9']);
      const entry = { json: '"old"', loadedAt: Date.now(), tags };
      expect(await tier.write('userProfile:9', entry, 60_000, Date.now(), read.versions)).toBe(false);
      const again = await tier.read('userProfile:9', tags);
      expect(again.entry).toBeUndefined();
      expect(await tier.write('userProfile:9', entry, 60_000, Date.now(), again.versions)).toBe(true);
      expect((await tier.read('userProfile:9', tags)).entry?.value).toBe('old');
    } finally {
      await Promise.all([tier.close(), other.close()]);
    }
  });

  it('resyncs after losing its bus connection: invalidations missed meanwhile cannot leave wrong entries', async () => {
    const a = await instance('a');
    const b = await instance('b');
    await a.set('userProfile', '5', 'v1', { tags: ['user:5'] });
    await b.getOrLoad('userProfile', '5', async () => 'unused', { tags: ['user:5'] });
    await killConnection(b, 'bus');
    await a.invalidateTags(['user:5']); // published while b's subscriber is away (or just back)
    expect(await eventually(() => b.peek('userProfile', '5') === undefined)).toBe(true);
    expect(await eventually(() => b.tierStatus().redis?.subscribed === true)).toBe(true);
  });

  it('recovers its data connection and uses L2 again', async () => {
    const a = await instance('a');
    await killConnection(a, 'data');
    // While it reconnects, reads still work (L1 + loader).
    expect((await a.getOrLoad('macro', 'gdp', async () => 1)).value).toBe(1);
    expect(await eventually(() => a.tierStatus().redis?.connected === true)).toBe(true);
    await a.set('macro', 'cpi', 3);
    const b = await instance('b');
    let calls = 0;
    await b.getOrLoad('macro', 'cpi', async () => ++calls);
    expect(calls).toBe(0);
  });
});
