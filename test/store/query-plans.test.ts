/**
 * Each hot query must use its index. SQLite: EXPLAIN QUERY PLAN on the exact
 * SQL the repositories run. PostgreSQL: EXPLAIN with sequential scans
 * discouraged (tiny test tables would otherwise always be scanned), so a
 * missing index shows up as a Seq Scan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyRepository } from '../../src/store/copy-repository.js';
import type { Database } from '../../src/store/database.js';
import { OVERVIEW_SQL } from '../../src/store/overview-repository.js';
import { FLUSH_SQL, repriceParameters } from '../../src/store/position-rows.js';
import { compile } from '../../src/store/prepared.js';
import { databaseTargets } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';

interface HotQuery {
  name: string;
  index: string;
  build(db: Database): { sql: string; parameters: readonly unknown[] };
}

const HOT_QUERIES: HotQuery[] = [
  {
    name: "a user's orders, newest first",
    index: 'orders_user_created_idx',
    build: (db) =>
      compile(
        db.kysely
          .selectFrom('orders')
          .selectAll()
          .where('user_id', '=', 1)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(50),
      ),
  },
  {
    name: 'orders of a pair with a status',
    index: 'orders_pair_status_idx',
    build: (db) =>
      compile(
        db.kysely
          .selectFrom('orders')
          .select('id')
          .where('trading_pair_id', '=', 1)
          .where('status', '=', 'open'),
      ),
  },
  {
    name: "a user's orders of a pair with a status, newest first (GET /orders?status=&pair=)",
    index: 'orders_pair_status_idx',
    build: (db) =>
      compile(
        db.kysely
          .selectFrom('orders')
          .innerJoin('trading_pairs', 'trading_pairs.id', 'orders.trading_pair_id')
          .selectAll('orders')
          .select('trading_pairs.symbol')
          .where('orders.user_id', '=', 1)
          .where('orders.status', '=', 'open')
          .where('orders.trading_pair_id', '=', 1)
          .orderBy('orders.created_at', 'desc')
          .orderBy('orders.id', 'desc')
          .limit(100),
      ),
  },
  {
    name: 'orders of a pair',
    index: 'orders_pair_status_idx', // its first column is the pair (migration 018 dropped the single-column twin)
    build: (db) =>
      compile(db.kysely.selectFrom('orders').select(['id', 'side']).where('trading_pair_id', '=', 1)),
  },
  {
    name: 'pair by symbol',
    index: 'trading_pairs_symbol_unique',
    build: (db) =>
      compile(db.kysely.selectFrom('trading_pairs').select('id').where('symbol', '=', 'BTC/USDT')),
  },
  {
    name: "a user's traders page",
    index: 'traders_user_created_idx',
    build: (db) =>
      compile(
        db.kysely
          .selectFrom('traders')
          .selectAll()
          .where('user_id', '=', 1)
          .where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(0, 0)))
          .orderBy('created_at')
          .orderBy('id')
          .limit(50),
      ),
  },
  {
    name: 'traders performance join',
    index: 'traders_user_created_idx',
    build: (db) =>
      compile(
        db.kysely
          .selectFrom('traders')
          .innerJoin('trader_stats', 'trader_stats.trader_id', 'traders.id')
          .select(['traders.id', 'trader_stats.volume'])
          .where('traders.user_id', '=', 1)
          .orderBy('traders.created_at')
          .orderBy('traders.id'),
      ),
  },
  {
    name: "a leader's follows (partial index: never a manual trader)",
    index: 'traders_source_address_idx',
    build: (db) => new CopyRepository(db).followsQuery({ source: 'simulated', address: 'sim-scalper-1' }),
  },
];

async function planOf(db: Database, q: { sql: string; parameters: readonly unknown[] }): Promise<string> {
  if (db.dialect === 'sqlite') {
    const rows = await db.all<{ detail: string }>({
      sql: `explain query plan ${q.sql}`,
      parameters: q.parameters,
    });
    return rows.map((r) => r.detail).join('\n');
  }
  return db.transaction(async (tx) => {
    await tx.run({ sql: 'set local enable_seqscan = off', parameters: [] });
    const rows = await tx.all<{ 'QUERY PLAN': string }>({
      sql: `explain ${q.sql}`,
      parameters: q.parameters,
    });
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

describe.each(await databaseTargets())('query plans on $name', (target) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await testServices(target);
    // Realistic statistics: the planners choose by them (PostgreSQL especially).
    const { users, orders, traders } = ctx.services;
    const statuses = ['open', 'filled', 'cancelled', 'rejected'];
    for (let u = 0; u < 4; u++) {
      const user = (await users.create(`u${u}`)).user.id;
      const trader = (await traders.create(user, { name: 't', source: 'manual', address: `plan-${u}` })).id;
      await orders.bulkImport(
        user,
        Array.from({ length: 2500 }, (_, i) => {
          const status = statuses[i % 4]!;
          const filled = status === 'filled';
          return {
            traderId: i % 3 ? trader : null,
            pair: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT', 'ADA/USDT', 'DOT/USDT'][i % 6]!,
            side: i % 2 ? 'buy' : 'sell',
            quantity: '1',
            status,
            ...(filled ? { filledQuantity: '1', averagePrice: '10' } : {}),
            createdAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
          };
        }),
      );
    }
    await ctx.services.db.run({ sql: 'analyze', parameters: [] });
  });
  afterAll(() => ctx.close());

  // Home's daily profit and all-time figures: a walk of the user's closed positions in the
  // partial index, which carries what they sum (realised PnL and fees), never the table.
  it.each([
    ['daily realised PnL', 'byDay', [1, 0]],
    ['all-time realised PnL', 'total', [1]],
  ] as const)('the overview reads %s from positions_user_closed_idx alone', async (_, key, parameters) => {
    const db = ctx.services.db;
    const plan = await planOf(db, { sql: OVERVIEW_SQL[db.dialect][key], parameters });
    expect(plan).toContain('positions_user_closed_idx');
    if (db.dialect === 'sqlite') expect(plan).toContain('USING COVERING INDEX positions_user_closed_idx');
    else expect(plan).not.toMatch(/Seq Scan on positions/);
  });

  it.each(HOT_QUERIES)('$name uses $index', async (hq) => {
    const plan = await planOf(ctx.services.db, hq.build(ctx.services.db));
    expect(plan).toContain(hq.index);
    expect(plan).not.toMatch(
      /SCAN orders(?! USING)|Seq Scan on orders|SCAN traders(?! USING)|Seq Scan on traders/,
    );
  });

  // The price flush reprices the markets of a batch: one index search per market in the
  // batch, never the batch scanned once per open position (that plan made a flush of 400
  // markets over 10,000 positions take 2.5 s instead of milliseconds).
  it('the price flush searches positions by market, the batch outermost', async () => {
    const db = ctx.services.db;
    const sql = FLUSH_SQL[db.dialect].reprice;
    const batch = JSON.stringify([{ m: 'BTC/USDT', s: 'BTC/USDT', p0: '1', p1: null, ts: 1 }]);
    const parameters = repriceParameters(db.dialect, {
      now: 1,
      batch,
      venue: 'simulated',
      idleEveryMs: 1000,
    });
    const plan = await planOf(db, { sql, parameters });
    if (db.dialect === 'sqlite') {
      const lines = plan.split('\n');
      const batchAt = lines.findIndex((l) => /json_each/.test(l));
      // Each market's due positions only: the range on reprice_at, not every open position.
      const positionsAt = lines.findIndex((l) =>
        /SEARCH positions USING INDEX positions_market_status_idx \(market_id=\? AND status=\? AND reprice_at<\?\)/.test(
          l,
        ),
      );
      expect(positionsAt, plan).toBeGreaterThan(batchAt);
      expect(batchAt, plan).toBeGreaterThanOrEqual(0);
    } else {
      expect(plan).not.toMatch(/Seq Scan on positions/);
    }
  });
});
