/**
 * OrderRepository.list with a status and a pair filter, joined with
 * trading_pairs, 100 rows, newest first, on the 1M-order database. The
 * filters rotate over every pair and three statuses.
 */
import type { OrderStatus } from '../src/domain/order.js';
import { OrderRepository } from '../src/store/order-repository.js';
import type { Benchmark } from './lib/context.js';
import { openServices, rawSqlite } from './lib/fixtures.js';
import { latencyResult } from './lib/latency.js';
import { sample } from './lib/sampler.js';

const LIMIT = 100;
const STATUSES: OrderStatus[] = ['filled', 'open', 'cancelled'];

export const ordersJoinFiltered: Benchmark = {
  name: 'orders-join-filtered',
  async run(ctx) {
    const big = await ctx.bigDb();
    const s = await openServices(big.dataDir);
    ctx.defer(() => s.close());
    const repo = new OrderRepository(s.db);
    const raw = rawSqlite(s);
    const pairIds = big.pairs.map(
      (symbol) =>
        (raw.prepare('SELECT id FROM trading_pairs WHERE symbol = ?').get(symbol) as { id: number }).id,
    );
    const filters = pairIds.flatMap((pairId) => STATUSES.map((status) => ({ status, pairId })));
    let i = 0;
    let short = 0;
    const samples = await sample(
      async () => {
        const rows = await repo.list(big.userId, filters[i++ % filters.length]!, LIMIT, null);
        if (rows.length !== LIMIT) short++;
      },
      { warmup: 200, samples: 5_000, maxMs: 30_000 },
    );
    const plan = raw
      .prepare(
        `EXPLAIN QUERY PLAN SELECT orders.*, trading_pairs.symbol FROM orders JOIN trading_pairs ON trading_pairs.id = orders.trading_pair_id
         WHERE orders.user_id = ? AND orders.status = ? AND orders.trading_pair_id = ? ORDER BY orders.created_at DESC, orders.id DESC LIMIT ?`,
      )
      .all(big.userId, 'filled', pairIds[0], LIMIT) as { detail: string }[];
    return [
      latencyResult({
        name: 'orders-join-filtered',
        stat: 'p50',
        limitUs: 1_000,
        target: 'p50 <= 1 ms',
        millis: true,
        samples,
        notes: [
          `${filters.length} status × pair filters in turn over ${big.orders.toLocaleString('en-US')} orders of one user`,
          `plan: ${plan.map((p) => p.detail).join(' / ')}`,
        ],
        checks: [{ ok: short === 0, note: `every call returned ${LIMIT} rows (${short} did not)` }],
      }),
    ];
  },
};
