/**
 * A user's 50 most recent orders through OrderRepository.list (what
 * `GET /orders` runs: joined with the pair, newest first), on the 1M-order
 * database, against the same query as a bare prepared statement.
 */

import { OrderRepository } from '../src/store/order-repository.js';
import { compile } from '../src/store/prepared.js';
import type { BenchContext, Benchmark } from './lib/context.js';
import { type BenchDialect, bareStatement, benchDialects, figureName, queryPlan } from './lib/dialects.js';
import { openServices } from './lib/fixtures.js';
import { latencyResult } from './lib/latency.js';
import type { BenchResult } from './lib/result.js';
import { sampleInterleaved } from './lib/sampler.js';

const LIMIT = 50;
const PG_MAX_RATIO = 1.5;

export const recentOrders: Benchmark = {
  name: 'recent-orders',
  async run(ctx) {
    const out: BenchResult[] = [];
    for (const dialect of benchDialects(ctx.log)) out.push(await measure(ctx, dialect));
    return out;
  },
};

async function measure(ctx: BenchContext, dialect: BenchDialect): Promise<BenchResult> {
  const big = await ctx.bigDb(dialect);
  const s = await openServices(big.dataDir, { databaseUrl: big.databaseUrl });
  ctx.defer(() => s.close());
  const repo = new OrderRepository(s.db);
  const k = s.db.kysely;
  const { sql } = compile(
    k
      .selectFrom('orders')
      .innerJoin('trading_pairs', 'trading_pairs.id', 'orders.trading_pair_id')
      .selectAll('orders')
      .select('trading_pairs.symbol')
      .where('orders.user_id', '=', 0)
      .orderBy('orders.created_at', 'desc')
      .orderBy('orders.id', 'desc')
      .limit(LIMIT),
  );
  const bare = await bareStatement(ctx, s, big.databaseUrl, sql);
  let short = 0;
  const [subject = [], reference = []] = await sampleInterleaved(
    [
      async () => {
        if ((await repo.list(big.userId, {}, LIMIT, null)).length !== LIMIT) short++;
      },
      () => bare([big.userId, LIMIT]),
    ],
    { warmup: 1_000, samples: 20_000, maxMs: 20_000, chunk: 500 },
  );
  const plan = await queryPlan(ctx, s, big.databaseUrl, sql, [big.userId, LIMIT]);
  const pg = dialect === 'postgres';
  return latencyResult({
    name: figureName('recent-orders', dialect),
    dialect,
    stat: 'p50',
    limitUs: pg ? Number.POSITIVE_INFINITY : 200,
    ...(pg ? { maxRatio: PG_MAX_RATIO } : {}),
    target: pg ? `p50 <= ${PG_MAX_RATIO}x bare` : 'p50 <= 200 µs',
    samples: subject,
    reference: { name: 'bare prepared statement', samples: reference },
    notes: [
      `user with ${big.orders.toLocaleString('en-US')} orders, last ${LIMIT} joined with their pair`,
      `plan: ${plan}`,
    ],
    checks: [{ ok: short === 0, note: `every call returned ${LIMIT} rows (${short} did not)` }],
  });
}
