import { describe, expect, it } from 'vitest';
import { TaggedCache } from './tagged-cache.js';

describe('TaggedCache', () => {
  it('loads once for concurrent misses and serves hits after', async () => {
    const c = new TaggedCache({ maxEntries: 100 });
    let calls = 0;
    const load = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      return 42;
    };
    const all = await Promise.all(
      Array.from({ length: 100 }, () => c.getOrLoad('k', 10_000, ['user:1'], load)),
    );
    expect(all.every((v) => v === 42)).toBe(true);
    expect(calls).toBe(1);
    expect(await c.getOrLoad('k', 10_000, ['user:1'], load)).toBe(42);
    expect(calls).toBe(1);
  });

  it("invalidating one user's tag leaves other users' entries", async () => {
    const c = new TaggedCache({ maxEntries: 100 });
    await c.getOrLoad('perf:1', 10_000, ['user:1'], async () => 'a');
    await c.getOrLoad('perf:2', 10_000, ['user:2'], async () => 'b');
    expect(c.invalidateTags(['user:1'])).toBe(1);
    let reloaded = false;
    await c.getOrLoad('perf:2', 10_000, ['user:2'], async () => {
      reloaded = true;
      return 'x';
    });
    expect(reloaded).toBe(false);
    expect(await c.getOrLoad('perf:1', 10_000, ['user:1'], async () => 'a2')).toBe('a2');
  });

  it('does not store a load that was invalidated while in flight', async () => {
    const c = new TaggedCache({ maxEntries: 100 });
    let release!: () => void;
    const slow = c.getOrLoad(
      'k',
      10_000,
      ['user:1'],
      () => new Promise<string>((r) => (release = () => r('old'))),
    );
    await Promise.resolve();
    c.invalidateTags(['user:1']);
    release();
    expect(await slow).toBe('old');
    expect(await c.getOrLoad('k', 10_000, ['user:1'], async () => 'new')).toBe('new');
  });
});
