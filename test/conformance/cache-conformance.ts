/**
 * One suite every cache deployment passes: L1 alone, and L1 + Redis (L2 and
 * the invalidation bus). A deployment is seen through two handles, `a` and
 * `b`: what one sets, loads or drops, the other sees. For L1 alone they are
 * the one process cache (a single instance is the whole deployment); with
 * Redis they are two caches on one Redis and key prefix, as two instances
 * are. Both share one ManualClock, so time moves only when a test moves it.
 *
 * Covered: set and read back, read-through with one load per key, TTL and
 * grace (stale-if-error), tags (with the automatic `kind:<kind>` tag),
 * invalidation by tag and by key seen through the other handle, and a
 * stampede of concurrent misses costing one load.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LayeredCache } from '../../src/cache/cache-options.js';
import type { PolicyOverrides } from '../../src/cache/policies.js';
import { ManualClock } from '../../src/domain/clock.js';

/** `positions` entries in this suite: fresh 10 s, then served stale on errors for 5 s more. */
export const SUITE_POLICIES: PolicyOverrides = {
  positions: { ttlMs: 10_000, graceMs: 5_000, softTimeoutMs: 1_000, hardTimeoutMs: 2_000 },
};
const TTL = 10_000;
const GRACE = 5_000;

export interface CacheDeployment {
  a: LayeredCache;
  b: LayeredCache;
  close(): Promise<void>;
}

/** Builds a deployment on `clock` with SUITE_POLICIES; undefined when it cannot run here (then the suite is skipped). */
export type DeploymentFactory = (clock: ManualClock) => Promise<CacheDeployment>;

/** Polls `check` on real time (the Redis bus delivers asynchronously) until it holds; false after `ms`. */
async function eventually(check: () => boolean, ms = 5_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return check();
}

/** A loader that counts its calls. */
function loader<T>(value: T) {
  const f = async () => {
    f.calls++;
    return value;
  };
  f.calls = 0;
  return f;
}

export function registerCacheSuite(name: string, make: DeploymentFactory | undefined): void {
  describe.runIf(make)(`cache conformance: ${name}`, () => {
    let deployment: CacheDeployment | undefined;
    let clock: ManualClock;

    const open = async () => {
      clock = new ManualClock(1_000_000);
      deployment = await make!(clock);
      return deployment;
    };

    afterEach(async () => {
      await deployment?.close();
      deployment = undefined;
    });

    it('a value set through one handle is read through the other without a load', async () => {
      const { a, b } = await open();
      await a.set('positions', 'u1', { open: 3 }, { tags: ['user:1'] });
      const load = loader({ open: 0 });
      const r = await b.getOrLoad('positions', 'u1', load, { tags: ['user:1'] });
      expect(r).toMatchObject({ value: { open: 3 }, stale: false });
      expect(load.calls).toBe(0);
      expect(b.peek('positions', 'u1')).toEqual({ open: 3 });
    });

    it('a miss loads once, and the loaded value is then served from the cache', async () => {
      const { a, b } = await open();
      const load = loader('loaded');
      expect((await a.getOrLoad('positions', 'k', load)).value).toBe('loaded');
      expect((await a.getOrLoad('positions', 'k', load)).value).toBe('loaded');
      expect((await b.getOrLoad('positions', 'k', load)).value).toBe('loaded');
      expect(load.calls).toBe(1);
    });

    it('a value past its TTL is loaded again; past TTL within grace a failing load serves it stale; past grace the error is thrown', async () => {
      const { a, b } = await open();
      await a.set('positions', 'k', 'v1');
      await b.getOrLoad('positions', 'k', loader('unused'));
      clock.advance(TTL - 1);
      expect(b.peek('positions', 'k')).toBe('v1');
      clock.advance(2);
      expect(b.peek('positions', 'k')).toBeUndefined();
      const reload = loader('v2');
      expect(await b.getOrLoad('positions', 'k', reload)).toMatchObject({ value: 'v2', stale: false });
      expect(reload.calls).toBe(1);

      clock.advance(TTL + 1);
      const failing = async (): Promise<string> => {
        throw new Error('source down');
      };
      expect(await a.getOrLoad('positions', 'k', failing)).toMatchObject({ value: 'v2', stale: true });
      clock.advance(GRACE);
      await expect(a.getOrLoad('positions', 'k', failing)).rejects.toThrow(/source down/);
    });

    it('dropping a tag drops its entries for both handles and keeps the others', async () => {
      const { a, b } = await open();
      await a.set('positions', 'u1', 'of user 1', { tags: ['user:1'] });
      await a.set('positions', 'u2', 'of user 2', { tags: ['user:2'] });
      await b.getOrLoad('positions', 'u1', loader('unused'), { tags: ['user:1'] });
      await b.getOrLoad('positions', 'u2', loader('unused'), { tags: ['user:2'] });

      await a.invalidateTags(['user:1']);
      expect(a.peek('positions', 'u1')).toBeUndefined();
      expect(await eventually(() => b.peek('positions', 'u1') === undefined)).toBe(true);
      expect(b.peek('positions', 'u2')).toBe('of user 2');
      const reload = loader('reloaded');
      expect((await b.getOrLoad('positions', 'u1', reload, { tags: ['user:1'] })).value).toBe('reloaded');
      expect(reload.calls).toBe(1);
    });

    it('every entry carries its kind as a tag', async () => {
      const { a, b } = await open();
      await a.set('positions', 'x', 1);
      await a.set('leaderboard', 'weekly', 2);
      await b.getOrLoad('positions', 'x', loader(0));
      await b.invalidateTags(['kind:positions']);
      expect(await eventually(() => a.peek('positions', 'x') === undefined)).toBe(true);
      expect(b.peek('positions', 'x')).toBeUndefined();
      expect(a.peek('leaderboard', 'weekly')).toBe(2);
    });

    it('dropping a key through one handle drops it for the other', async () => {
      const { a, b } = await open();
      await a.set('positions', 'k1', 'one');
      await a.set('positions', 'k2', 'two');
      await b.getOrLoad('positions', 'k1', loader('unused'));
      await a.invalidateKeys(['positions:k1']);
      expect(await eventually(() => b.peek('positions', 'k1') === undefined)).toBe(true);
      expect(a.peek('positions', 'k1')).toBeUndefined();
      expect(a.peek('positions', 'k2')).toBe('two');
    });

    it('a stampede of concurrent misses on one handle costs one load, and every caller gets its value', async () => {
      const { b } = await open();
      let release: (v: string) => void = () => {};
      let calls = 0;
      const slow = () => {
        calls++;
        return new Promise<string>((resolve) => {
          release = resolve;
        });
      };
      const readers = Array.from({ length: 50 }, () => b.getOrLoad('positions', 'hot', slow));
      // The load starts once L2 (when there is one) has answered its miss.
      expect(await eventually(() => calls > 0)).toBe(true);
      release('fresh');
      const answers = await Promise.all(readers);
      expect(calls).toBe(1);
      expect(answers.every((r) => r.value === 'fresh' && !r.stale)).toBe(true);
    });
  });
}
