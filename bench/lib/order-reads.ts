/**
 * What the order-read benchmarks share: the orders-with-their-pair query the
 * bare references run, and the per-dialect target. On SQLite a read is held
 * to an absolute ceiling; on PostgreSQL a round trip dominates, so the
 * service is held to a multiple of the bare statement's time instead.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../src/store/schema.js';
import type { BenchDialect } from './dialects.js';

/** PostgreSQL: the service may add half of the bare statement's p50. */
export const PG_MAX_RATIO = 1.5;

/** `orders.*` and the pair's symbol, joined, as the repository's reads are. */
export function ordersWithPair(k: Kysely<DB>) {
  return k
    .selectFrom('orders')
    .innerJoin('trading_pairs', 'trading_pairs.id', 'orders.trading_pair_id')
    .selectAll('orders')
    .select('trading_pairs.symbol');
}

/** The p50 target on `dialect`: `sqliteLimitUs` on SQLite, PG_MAX_RATIO x bare on PostgreSQL. */
export function readTarget(
  dialect: BenchDialect,
  sqliteLimitUs: number,
  sqliteWords: string,
): { limitUs: number; maxRatio?: number; target: string } {
  return dialect === 'postgres'
    ? { limitUs: Number.POSITIVE_INFINITY, maxRatio: PG_MAX_RATIO, target: `p50 <= ${PG_MAX_RATIO}x bare` }
    : { limitUs: sqliteLimitUs, target: sqliteWords };
}
