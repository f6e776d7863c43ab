/**
 * A user's 50 most recent orders through OrderRepository.list (what
 * `GET /orders` runs: joined with the pair, newest first), on the 1M-order
 * database, against the same query as a bare prepared `.all()`.
 */

import { OrderRepository } from '../src/store/order-repository.js';
import { compile } from '../src/store/prepared.js';
import type { Benchmark } from './lib/context.js';
import { openServices, rawSqlite } from './lib/fixtures.js';
import { latencyResult } from './lib/latency.js';
import { sampleInterleaved } from './lib/sampler.js';

const LIMIT = 50;

export const recentOrders: Benchmark = {
  name: 'recent-orders',
  async run(ctx) {
    const big = await ctx.bigDb();
    const s = await openServices(big.dataDir);
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
    const bare = rawSqlite(s).prepare(sql);
    let short = 0;
    const [subject = [], reference = []] = await sampleInterleaved(
      [
        async () => {
          if ((await repo.list(big.userId, {}, LIMIT, null)).length !== LIMIT) short++;
        },
        () => bare.all(big.userId, LIMIT),
      ],
      { warmup: 1_000, samples: 20_000, maxMs: 20_000, chunk: 500 },
    );
    const plan = rawSqlite(s).prepare(`EXPLAIN QUERY PLAN ${sql}`).all(big.userId, LIMIT) as {
      detail: string;
    }[];
    return [
      latencyResult({
        name: 'recent-orders',
        stat: 'p50',
        limitUs: 200,
        target: 'p50 <= 200 µs',
        samples: subject,
        reference: { name: 'bare prepared .all()', samples: reference },
        notes: [
          `user with ${big.orders.toLocaleString('en-US')} orders, last ${LIMIT} joined with their pair`,
          `plan: ${plan.map((p) => p.detail).join(' / ')}`,
        ],
        checks: [{ ok: short === 0, note: `every call returned ${LIMIT} rows (${short} did not)` }],
      }),
    ];
  },
};
