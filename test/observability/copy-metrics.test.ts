import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { emptyCopyStats, type SourceCopyStats } from '../../src/copytrading/copy-stats.js';
import { registerCopyMetrics } from '../../src/observability/copy-metrics.js';

const stats: SourceCopyStats = { ...emptyCopyStats('simulated'), watchers: 4, watchersHeld: 1 };
const stalled = [{ source: 'simulated', address: 'a', quietMs: 9e6, error: null }];

async function scrape(exportsDatabase: boolean) {
  const registry = new Registry();
  registerCopyMetrics(registry, { stats: () => [stats], stalled: () => stalled }, () => exportsDatabase);
  const json = await registry.getMetricsAsJSON();
  return (name: string) => json.find((m) => m.name === name)?.values.map((v) => v.value);
}

describe('copy families in a fleet', () => {
  it('watcher rows (known and stalled) only from the metrics lease holder; held watchers everywhere', async () => {
    const holder = await scrape(true);
    expect(holder('tradeloop_copy_watchers')).toEqual([4]);
    expect(holder('tradeloop_copy_watchers_stalled')).toEqual([1]);
    const other = await scrape(false);
    expect(other('tradeloop_copy_watchers')).toEqual([]);
    expect(other('tradeloop_copy_watchers_stalled')).toEqual([]);
    expect(other('tradeloop_copy_watchers_held')).toEqual([1]);
  });
});
