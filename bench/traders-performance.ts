/**
 * TraderService.performance for a user with 100 traders and 1,000,000
 * orders: uncached (the user's tag invalidated before each call, so every
 * call reads the running summaries) and cached, against the figure one would
 * otherwise compute: a full-scan GROUP BY over the user's orders.
 */
import type { BenchContext, Benchmark } from './lib/context.js';
import { type BenchDialect, bareStatement, figureName, openBigDb, perDialect } from './lib/dialects.js';
import { latencyResult } from './lib/latency.js';
import type { BenchResult } from './lib/result.js';
import { sample } from './lib/sampler.js';
import { describe, formatNumber, summarize } from './lib/stats.js';

interface GroupRow {
  trader_id: number | string | null;
  orders: number | string;
  fills: number | string;
  volume: number | string;
}

const groupBySql = (param: string) => `SELECT trader_id, count(*) AS orders, count(average_price) AS fills,
  sum(CAST(filled_quantity AS DOUBLE PRECISION) * CAST(average_price AS DOUBLE PRECISION)) AS volume
  FROM orders WHERE user_id = ${param} GROUP BY trader_id`;

export const tradersPerformance: Benchmark = perDialect('traders-performance', measure);

async function measure(ctx: BenchContext, dialect: BenchDialect): Promise<BenchResult[]> {
  const { big, s } = await openBigDb(ctx, dialect);
  const groupBy = await bareStatement(ctx, s, big.databaseUrl, groupBySql(dialect === 'sqlite' ? '?' : '$1'));
  const userId = big.userId;

  const reference = await sample(() => groupBy([userId]), { warmup: 1, samples: 10, maxMs: 12_000 });
  const uncached = await sample(
    { before: () => s.traders.changed(userId), op: () => s.traders.performance(userId) },
    { warmup: 200, samples: 5_000, maxMs: 20_000 },
  );
  // What a change costs the cache when this user's performance entry is cached.
  const invalidation = await sample(
    { before: () => s.traders.performance(userId), op: () => s.traders.changed(userId) },
    { warmup: 100, samples: 2_000, maxMs: 10_000 },
  );
  const cached = await sample(() => s.traders.performance(userId), {
    warmup: 1_000,
    samples: 100_000,
    maxMs: 10_000,
  });

  // The running summaries must agree with the orders they summarise.
  const perf = await s.traders.performance(userId);
  const rows = (await groupBy([userId])) as GroupRow[];
  const groups = new Map(rows.map((g) => [Number(g.trader_id), g]));
  let disagree = 0;
  for (const p of perf) {
    const g = groups.get(p.traderId);
    const vol = Number(p.volume);
    const gv = Number(g?.volume);
    if (!g || Number(g.fills) !== p.trades || Math.abs(vol - gv) > 1e-9 * Math.max(1, gv)) disagree++;
  }
  const consistency = {
    ok: perf.length === big.traderIds.length && disagree === 0,
    note: `summaries match the GROUP BY for all ${perf.length} traders (fills, volume within 1e-9; ${disagree} differ)`,
  };
  const built =
    `1M orders imported through bulkImport (10k per call) in ${formatNumber(big.buildMs / 1000)} s ` +
    `= ${formatNumber(big.orders / (big.buildMs / 1000))} rows/s; database ${formatNumber(big.bytes / 2 ** 20)} MiB`;
  const ref = { name: 'full-scan GROUP BY', samples: reference };
  return [
    latencyResult({
      name: figureName('traders-performance-uncached', dialect),
      dialect,
      stat: 'p99',
      limitUs: 50_000,
      target: 'p99 <= 50 ms',
      millis: true,
      samples: uncached,
      reference: ref,
      notes: [
        `${big.traderIds.length} traders, ${big.orders.toLocaleString('en-US')} orders; tag invalidated before each timed call (untimed)`,
        `invalidating the cached entry (traders.changed): ${describe(summarize(invalidation), 'µs')}`,
        built,
      ],
      checks: [consistency],
    }),
    latencyResult({
      name: figureName('traders-performance-cached', dialect),
      dialect,
      stat: 'p50',
      limitUs: 50,
      target: 'p50 <= 50 µs',
      samples: cached,
      reference: ref,
      notes: [`cache TTL ${s.config.performanceCacheTtlMs} ms (reloads during the run are included)`],
      checks: [consistency],
    }),
  ];
}
