/**
 * OrderRepository.findById (the order joined with its pair symbol, mapped to
 * the domain shape) at random ids of the 1M-order database, against the same
 * SQL as a bare prepared statement (better-sqlite3 on SQLite, a named
 * statement on a plain client on PostgreSQL).
 */

import { OrderRepository } from '../src/store/order-repository.js';
import { compile } from '../src/store/prepared.js';
import type { BenchContext, Benchmark } from './lib/context.js';
import { type BenchDialect, bareStatement, figureName, openBigDb, perDialect } from './lib/dialects.js';
import { latencyResult } from './lib/latency.js';
import { rng } from './lib/order-inputs.js';
import { ordersWithPair, readTarget } from './lib/order-reads.js';
import type { BenchResult } from './lib/result.js';
import { sampleInterleaved } from './lib/sampler.js';

export const orderById: Benchmark = perDialect('order-by-id', measure);

async function measure(ctx: BenchContext, dialect: BenchDialect): Promise<BenchResult> {
  const { big, s } = await openBigDb(ctx, dialect);
  const repo = new OrderRepository(s.db);
  const k = s.db.kysely;
  const { sql } = compile(ordersWithPair(k).where('orders.id', '=', 0));
  const bare = await bareStatement(ctx, s, big.databaseUrl, sql);

  const random = rng(11);
  const ids = Array.from({ length: 65_536 }, () => 1 + Math.floor(random() * big.orders));
  let i = 0;
  let j = 0;
  let wrong = 0;
  const [subject = [], reference = []] = await sampleInterleaved(
    [
      async () => {
        const id = ids[i++ & 0xffff]!;
        const o = await repo.findById(id);
        if (o?.id !== id) wrong++;
      },
      () => bare([ids[j++ & 0xffff]!]),
    ],
    { warmup: 5_000, samples: 50_000, maxMs: 20_000, chunk: 1_000 },
  );
  return latencyResult({
    name: figureName('order-by-id', dialect),
    dialect,
    stat: 'p50',
    ...readTarget(dialect, 20, 'p50 <= 20 µs'),
    samples: subject,
    reference: { name: 'bare prepared select by id', samples: reference },
    notes: [
      `random ids over ${big.orders.toLocaleString('en-US')} orders; same SQL (join with trading_pairs) in both`,
    ],
    checks: [{ ok: wrong === 0, note: `every lookup returned its order (${wrong} did not)` }],
  });
}
