/**
 * A user's 50 most recent orders through OrderRepository.list (what
 * `GET /orders` runs: joined with the pair, newest first), on the 1M-order
 * database, against the same query as a bare prepared statement.
 */

import { OrderRepository } from '../src/store/order-repository.js';
import { compile } from '../src/store/prepared.js';
import type { BenchContext, Benchmark } from './lib/context.js';
import {
  type BenchDialect,
  bareStatement,
  figureName,
  openBigDb,
  perDialect,
  queryPlan,
} from './lib/dialects.js';
import { latencyResult } from './lib/latency.js';
import { ordersWithPair, readTarget } from './lib/order-reads.js';
import type { BenchResult } from './lib/result.js';
import { sampleInterleaved } from './lib/sampler.js';

const LIMIT = 50;

export const recentOrders: Benchmark = perDialect('recent-orders', measure);

async function measure(ctx: BenchContext, dialect: BenchDialect): Promise<BenchResult> {
  const { big, s } = await openBigDb(ctx, dialect);
  const repo = new OrderRepository(s.db);
  const k = s.db.kysely;
  const { sql } = compile(
    ordersWithPair(k)
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
  return latencyResult({
    name: figureName('recent-orders', dialect),
    dialect,
    stat: 'p50',
    ...readTarget(dialect, 200, 'p50 <= 200 µs'),
    samples: subject,
    reference: { name: 'bare prepared statement', samples: reference },
    notes: [
      `user with ${big.orders.toLocaleString('en-US')} orders, last ${LIMIT} joined with their pair`,
      `plan: ${plan}`,
    ],
    checks: [{ ok: short === 0, note: `every call returned ${LIMIT} rows (${short} did not)` }],
  });
}
