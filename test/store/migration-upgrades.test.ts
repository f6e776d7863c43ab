/**
 * Upgrades applied to a database that already holds data: what a user who
 * ran an earlier release has. Each step keeps every row and every rule.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { decimal as d } from '../../src/domain/decimal.js';
import { CopyRepository } from '../../src/store/copy-repository.js';
import type { Database } from '../../src/store/database.js';
import { migrateTo, migrateToLatest } from '../../src/store/migrate.js';
import { HOT_FILL_FACTOR, REWRITTEN_TABLES } from '../../src/store/migrations/019-hot-updates.js';
import { openDatabase } from '../../src/store/open-database.js';
import { OverviewRepository } from '../../src/store/overview-repository.js';
import { PositionRepository } from '../../src/store/position-repository.js';
import { databaseTargets } from '../support/databases.js';

const targets = await databaseTargets();

describe.each(targets)('migration upgrades ($name)', (target) => {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const d of drops) await d();
  });

  async function open(): Promise<Database> {
    const { url, drop } = await target.create();
    const db = await openDatabase(
      loadConfig({}, { databaseUrl: url, databasePoolSize: 2, sqliteCacheMb: 8, sqliteMmapMb: 0 }),
    );
    drops.push(async () => {
      await db.close();
      await drop();
    });
    return db;
  }

  it('007 keeps every copy decision and still refuses a second decision for one (follow, trade)', async () => {
    const db = await open();
    expect(await migrateTo(db, '006-copy-engine')).toContain('006-copy-engine');
    const k = db.kysely;
    await sql`insert into users (name, token_hash, created_at) values ('u', 'h', 1)`.execute(k);
    const user = (await sql<{ id: number }>`select id from users`.execute(k)).rows[0]!.id;
    for (const [i, address] of ['sim-whale-1', 'sim-noise-2'].entries())
      await sql`insert into traders (user_id, name, address, enabled, allocation, copy_ratio, version, source, created_at, updated_at)
                values (${user}, ${`t${i}`}, ${address}, 1, '0', '1', 1, 'simulated', 1, 1)`.execute(k);
    const traders = (await sql<{ id: number }>`select id from traders order by id`.execute(k)).rows.map((r) =>
      Number(r.id),
    );
    const decision = (trader: number, trade: string, status: string) =>
      sql`insert into copy_decisions (user_id, trader_id, source, source_trade_id, source_ts, detected_at, decided_at,
            status, reason, side, market, leader_size, leader_price, latency_ms)
          values (${user}, ${trader}, 'simulated', ${trade}, 1, 2, 3, ${status}, ${status === 'skipped' ? 'too_old' : null},
            'buy', 'BTC/USDT', '1.5', '100.25', 1)`.execute(k);
    await decision(traders[0]!, 'sim-whale-1:1', 'copied');
    await decision(traders[1]!, 'sim-whale-1:1', 'skipped');
    await decision(traders[0]!, 'sim-whale-1:2', 'skipped');
    const before = await sql`select * from copy_decisions order by id`.execute(k);

    expect(await migrateToLatest(db)).toContain('007-fan-out-keys');
    const after = await sql`select * from copy_decisions order by id`.execute(k);
    expect(after.rows).toEqual(before.rows);
    await expect(decision(traders[1]!, 'sim-whale-1:1', 'copied')).rejects.toThrow(/unique|UNIQUE/);
    // A new decision still gets a fresh id after the rebuild.
    await decision(traders[1]!, 'sim-whale-1:2', 'copied');
    const ids = (await sql<{ id: number }>`select id from copy_decisions order by id`.execute(k)).rows.map(
      (r) => Number(r.id),
    );
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
  });

  it('007 still refuses a second order with one (user, client order id), and only that', async () => {
    const db = await open();
    await migrateToLatest(db);
    const k = db.kysely;
    for (const name of ['a', 'b'])
      await sql`insert into users (name, token_hash, created_at) values (${name}, ${name}, 1)`.execute(k);
    await sql`insert into trading_pairs (symbol, base, quote, created_at) values ('BTC/USDT', 'BTC', 'USDT', 1)`.execute(
      k,
    );
    const [a, b] = (await sql<{ id: number }>`select id from users order by id`.execute(k)).rows.map((r) =>
      Number(r.id),
    );
    const pair = Number((await sql<{ id: number }>`select id from trading_pairs`.execute(k)).rows[0]!.id);
    const order = (user: number, clientId: string | null) =>
      sql`insert into orders (user_id, trading_pair_id, client_order_id, side, type, quantity, filled_quantity, status, fee, created_at, updated_at)
          values (${user}, ${pair}, ${clientId}, 'buy', 'market', '1', '1', 'filled', '0', 1, 1)`.execute(k);
    await order(a!, 'x-1');
    await order(b!, 'x-1'); // another user may use the same id
    await order(a!, null);
    await order(a!, null); // no id: never a conflict
    await expect(order(a!, 'x-1')).rejects.toThrow(/unique|UNIQUE/);
  });

  it('013 keeps every pipeline decision and signal, decided by the rules, with no model note', async () => {
    const db = await open();
    expect(await migrateTo(db, '011-user-tokens')).toContain('005-pipeline');
    const k = db.kysely;
    await sql`insert into pipeline_runs (mode, status, started_at) values ('paper', 'ok', 1)`.execute(k);
    const run = Number((await sql<{ id: number }>`select id from pipeline_runs`.execute(k)).rows[0]!.id);
    await sql`insert into pipeline_decisions (run_id, mode, symbol, action, reason, qty, price, bar_ts, created_at)
        values (${run}, 'paper', 'BTC/USDT', 'enter', 'always in', '1', '100', 1, 2)`.execute(k);
    await sql`insert into pipeline_signals (run_id, symbol, rank, score, price, volume, volatility, momentum, indicators, created_at)
        values (${run}, 'BTC/USDT', 1, 0.5, '100', 1, 0.1, 0.1, '{}', 2)`.execute(k);
    expect(await migrateToLatest(db)).toContain('013-model-calls');
    const d = await sql<{ decided_by: string; model_note: string | null; reason: string }>`
      select decided_by, model_note, reason from pipeline_decisions`.execute(k);
    expect(d.rows).toEqual([{ decided_by: 'rules', model_note: null, reason: 'always in' }]);
    const sg = await sql<{
      model_analysis: string | null;
    }>`select model_analysis from pipeline_signals`.execute(k);
    expect(sg.rows).toEqual([{ model_analysis: null }]);
  });

  it('019 leaves room for in-page (HOT) updates in the rewritten tables on PostgreSQL, and keeps their rows', async () => {
    const db = await open();
    await migrateTo(db, '018-lean-order-indexes');
    const k = db.kysely;
    await sql`insert into users (name, token_hash, created_at) values ('u', 'h', 1)`.execute(k);
    await sql`insert into paper_accounts (user_id, venue, balance, initial_balance, reset_at, updated_at)
        select id, 'simulated', '100000', '100000', 1, 1 from users`.execute(k);
    const before = await sql`select * from paper_accounts`.execute(k);
    expect(await migrateToLatest(db)).toContain('019-hot-updates');
    expect((await sql`select * from paper_accounts`.execute(k)).rows).toEqual(before.rows);
    if (db.dialect !== 'postgres') return;
    const r = await sql<{ relname: string; reloptions: string[] | null }>`
      select relname, reloptions from pg_class
      where relnamespace = current_schema()::regnamespace and relkind = 'r'
        and relname = any(${[...REWRITTEN_TABLES]})`.execute(k);
    expect(r.rows.map((x) => x.relname).sort()).toEqual([...REWRITTEN_TABLES].sort());
    for (const row of r.rows) expect(row.reloptions, row.relname).toContain(`fillfactor=${HOT_FILL_FACTOR}`);
  });

  it('020 keeps every position, each due at its first turn (reprice_at 0), and the flush finds them', async () => {
    const db = await open();
    await migrateTo(db, '019-hot-updates');
    const k = db.kysely;
    await sql`insert into users (name, token_hash, created_at) values ('u', 'h', 1)`.execute(k);
    for (const [market, tp] of [
      ['m-1', null],
      ['m-1', '0.9'],
      ['m-2', null],
    ] as const)
      await sql`insert into positions (user_id, venue, market_id, symbol, side, outcome, outcome_index, size,
          entry_price, current_price, unrealized_pnl, realized_pnl, take_profit, status, version, opened_at, updated_at)
        select id, 'simulated', ${market}, ${market}, 'long', 'Yes', 0, '1', '0.5', '0.5', '0', '0', ${tp},
          'open', 1, 1, 1 from users`.execute(k);
    const before = await sql`select * from positions order by id`.execute(k);
    await migrateTo(db, '020-reprice-turns');
    const after = await sql<Record<string, unknown>>`select * from positions order by id`.execute(k);
    expect(after.rows.map(({ reprice_at, ...rest }) => rest)).toEqual(before.rows);
    expect(after.rows.map((r) => Number(r['reprice_at']))).toEqual([0, 0, 0]);
    // A flush long after they were opened reprices all three: none waits for a turn it already passed.
    const repo = new PositionRepository(db);
    const repriced = await db.transaction((tx) =>
      repo.applyPrices(
        'simulated',
        ['m-1', 'm-2'].map((m) => ({
          marketId: m,
          symbol: m,
          price: d('0.6'),
          otherPrice: d('0.4'),
          ts: 10_000,
        })),
        10_000,
        tx,
        1_000,
      ),
    );
    expect(repriced.map((r) => r.id).sort()).toEqual(after.rows.map((r) => Number(r['id'])).sort());
  });

  it("021 keeps every trader, and a leader's follows are still found through the index", async () => {
    const db = await open();
    await migrateTo(db, '020-reprice-turns');
    const k = db.kysely;
    await sql`insert into users (name, token_hash, created_at) values ('u', 'h', 1)`.execute(k);
    for (const [source, address] of [
      ['manual', 'm-1'],
      ['simulated', 'sim-scalper-1'],
      ['polymarket', '0x00000000000000000000000000000000000000aa'],
    ] as const)
      await sql`insert into traders (user_id, name, source, address, enabled, allocation, copy_ratio, version,
          created_at, updated_at, enabled_since, enabled_windows)
        select id, ${address}, ${source}, ${address}, 1, '100', '1', 1, 1, 1, 1, '1-' from users`.execute(k);
    const before = await sql`select * from traders order by id`.execute(k);
    expect(await migrateToLatest(db)).toContain('021-leader-follows-index');
    expect((await sql`select * from traders order by id`.execute(k)).rows).toEqual(before.rows);
    const repo = new CopyRepository(db);
    expect((await repo.follows('simulated', 'sim-scalper-1')).map((t) => t.address)).toEqual([
      'sim-scalper-1',
    ]);
    expect(await repo.follows('manual', 'm-1')).toEqual([]);
  });
  it('022 keeps every position, each with fees 0, and what the overview sums is unchanged', async () => {
    const db = await open();
    await migrateTo(db, '021-leader-follows-index');
    const k = db.kysely;
    await sql`insert into users (name, token_hash, created_at) values ('u', 'h', 1)`.execute(k);
    for (const [status, pnl] of [
      ['open', '0'],
      ['closed', '1.25'],
      ['closed', '-0.5'],
    ] as const)
      await sql`insert into positions (user_id, venue, market_id, symbol, side, outcome, outcome_index, size,
          entry_price, current_price, unrealized_pnl, realized_pnl, status, version, opened_at, updated_at, closed_at)
        select id, 'simulated', 'BTC/USDT', 'BTC/USDT', 'long', null, null, '1', '100', '100', '0', ${pnl},
          ${status}, 1, 1, 1, ${status === 'closed' ? 1 : null} from users`.execute(k);
    const before = await sql`select * from positions order by id`.execute(k);
    expect(await migrateToLatest(db)).toContain('022-position-fees');
    const after = await sql<Record<string, unknown>>`select * from positions order by id`.execute(k);
    expect(after.rows.map(({ fees, ...rest }) => rest)).toEqual(before.rows);
    expect(after.rows.map((r) => Number(r['fees']))).toEqual([0, 0, 0]);
    const total = await new OverviewRepository(db).realizedTotal(1);
    expect(total).toEqual({ realizedPnl: '0.75', closed: 2, wins: 1 });
  });
});
