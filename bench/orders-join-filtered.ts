/**
 * OrderRepository.list with a status and a pair filter, joined with
 * trading_pairs, 100 rows, newest first, on the 1M-order database, against
 * the same SQL as a bare prepared statement. The filters rotate over every
 * pair and three statuses.
 */
import type { OrderStatus } from '../src/domain/order.js';
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

const LIMIT = 100;
const STATUSES: OrderStatus[] = ['filled', 'open', 'cancelled'];

export const ordersJoinFiltered: Benchmark = perDialect('orders-join-filtered', measure);

async function measure(ctx: BenchContext, dialect: BenchDialect): Promise<BenchResult> {
  const { big, s } = await openBigDb(ctx, dialect);
  const repo = new OrderRepository(s.db);
  const k = s.db.kysely;
  const pairIds: number[] = [];
  for (const symbol of big.pairs) {
    const r = await s.db.first(
      compile(k.selectFrom('trading_pairs').select('id').where('symbol', '=', symbol)),
    );
    pairIds.push(Number(r!.id));
  }
  const { sql } = compile(
    ordersWithPair(k)
      .where('orders.user_id', '=', 0)
      .where('orders.status', '=', 'filled')
      .where('orders.trading_pair_id', '=', 0)
      .orderBy('orders.created_at', 'desc')
      .orderBy('orders.id', 'desc')
      .limit(LIMIT),
  );
  const bare = await bareStatement(ctx, s, big.databaseUrl, sql);
  const filters = pairIds.flatMap((pairId) => STATUSES.map((status) => ({ status, pairId })));
  let i = 0;
  let j = 0;
  let short = 0;
  const [subject = [], reference = []] = await sampleInterleaved(
    [
      async () => {
        const rows = await repo.list(big.userId, filters[i++ % filters.length]!, LIMIT, null);
        if (rows.length !== LIMIT) short++;
      },
      () => {
        const f = filters[j++ % filters.length]!;
        return bare([big.userId, f.status, f.pairId, LIMIT]);
      },
    ],
    { warmup: 200, samples: 5_000, maxMs: 30_000, chunk: 250 },
  );
  const plan = await queryPlan(ctx, s, big.databaseUrl, sql, [big.userId, 'filled', pairIds[0], LIMIT]);
  return latencyResult({
    name: figureName('orders-join-filtered', dialect),
    dialect,
    stat: 'p50',
    ...readTarget(dialect, 1_000, 'p50 <= 1 ms'),
    millis: true,
    samples: subject,
    reference: { name: 'bare prepared statement', samples: reference },
    notes: [
      `${filters.length} status × pair filters in turn over ${big.orders.toLocaleString('en-US')} orders of one user`,
      `plan: ${plan}`,
    ],
    checks: [{ ok: short === 0, note: `every call returned ${LIMIT} rows (${short} did not)` }],
  });
}
