/**
 * Query timing, slow queries with their plans, the database and indexes
 * summaries, and maintenance, on every database.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMaintenance } from '../../src/observability/maintenance.js';
import { queryFamily } from '../../src/observability/query-family.js';
import { unwrapDatabase } from '../../src/observability/timed-database.js';
import { databaseTargets } from '../support/databases.js';
import { observedApp } from './support.js';

type Ctx = Awaited<ReturnType<typeof observedApp>>;

describe('queryFamily', () => {
  it('names the verb and the main table', () => {
    expect(queryFamily('select "id" from "orders" where "user_id" = ?')).toBe('select orders');
    expect(queryFamily('insert into "traders" ("name") values ($1) returning "id"')).toBe('insert traders');
    expect(queryFamily('update "positions" set "tp" = ? where "id" = ?')).toBe('update positions');
    expect(queryFamily('delete from "jobs" where "id" = ?')).toBe('delete jobs');
    expect(queryFamily('with recursive c(x) as (select 1) select count(*) from c')).toBe('with c');
    expect(queryFamily('BEGIN IMMEDIATE')).toBe('begin');
  });
});

describe.each(await databaseTargets())('database observability on $name', (target) => {
  let t: Ctx;
  const slowSql = (n: number) =>
    sql<{
      n: number;
    }>`with recursive c(x) as (select 1 union all select x + 1 from c where x < ${n}) select count(*) as n from c`;

  beforeAll(async () => {
    t = await observedApp(target, { slowQueryMs: 1 });
    await t.db.all(slowSql(300_000).compile(t.services.db.kysely));
    const q = t.services.db.kysely.selectFrom('users').select('id').where('id', '=', 1).compile();
    await t.db.transaction(async (tx) => {
      await tx.first(q);
      await tx.all(q);
    });
  });
  afterAll(() => t.close());

  const get = (url: string) => t.app.inject({ url: `/api/v1${url}`, headers: t.admin.headers });

  it('keeps the slow statement with its parameter count (not values) and its plan, captured on request', async () => {
    const before = t.obs.queries.slowQueries().find((q) => q.sql.includes('recursive'));
    expect(before).toMatchObject({ parameterCount: 1, count: 1 });
    expect(before?.plan).toBeUndefined(); // never explained on the statement's path

    const r = await get('/performance/database');
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({
      dialect: target.name,
      slowQueryThresholdMs: 1,
      pool: { dialect: target.name },
    });
    const slow = body.slowQueries.find((q: { sql: string }) => q.sql.includes('recursive'));
    expect(slow).toMatchObject({ family: 'with c', parameterCount: 1, count: 1, lastAt: expect.any(String) });
    // The parameter's value (300000) is nowhere; timings are numbers and may hold those digits (199.0668300000002).
    const { maxMs, lastMs, ...kept } = slow;
    expect(typeof maxMs).toBe('number');
    expect(typeof lastMs).toBe('number');
    expect(JSON.stringify(kept)).not.toContain('300000');
    expect(slow.plan.length).toBeGreaterThan(0);
    expect(slow.plan.join('\n')).not.toMatch(/no plan/);
    expect(slow.plan.join('\n')).toMatch(
      target.name === 'sqlite' ? /SCAN|RECURSIVE/i : /CTE|Recursive Union/i,
    );
  });

  it('times statements inside transactions per family, and reports table sizes', async () => {
    const body = (await get('/performance/database')).json();
    // At least this suite's own two reads (the services' authentication reads users too).
    const users = body.families.find((f: { family: string }) => f.family === 'select users');
    expect(users).toMatchObject({ p99Ms: expect.any(Number) });
    expect(users.count).toBeGreaterThanOrEqual(2);
    expect(body.tableSizes.tables.map((x: { table: string }) => x.table)).toEqual(
      expect.arrayContaining(['traders', 'orders']),
    );
    for (const x of body.tableSizes.tables) expect(x.bytes).toBeGreaterThan(0);
    if (target.name === 'postgres')
      expect(body.pool).toMatchObject({ total: expect.any(Number), idle: expect.any(Number) });
  });

  it('lists indexes, with use counts where the database keeps them', async () => {
    const body = (await get('/performance/indexes')).json();
    expect(body.dialect).toBe(target.name);
    expect(body.usageCounts).toBe(target.name === 'postgres');
    expect(body.indexes.length).toBeGreaterThan(0);
    expect(body.indexes[0]).toMatchObject({ name: expect.any(String), table: expect.any(String) });
    if (target.name === 'postgres') expect(body.indexes[0].scans).toEqual(expect.any(Number));
    else expect(body.note).toMatch(/no index usage counts/);
  });

  it('runs maintenance and says what it did', async () => {
    const r = await runMaintenance(unwrapDatabase(t.db));
    expect(r).toMatchObject({ kind: 'maintenance', dialect: target.name, ok: true });
    expect(r.steps.map((s) => s.name)).toEqual(
      target.name === 'sqlite' ? ['ANALYZE', 'PRAGMA optimize', 'PRAGMA incremental_vacuum'] : ['ANALYZE'],
    );
    if (target.name === 'sqlite') expect(r.steps[2]!.detail).toMatch(/auto_vacuum = NONE/);
    // The store still reads and writes afterwards.
    await t.services.users.create('after-maintenance');
  });

  it('runs maintenance on the Clock and records each run', async () => {
    const recorded: unknown[] = [];
    t.obs.maintenance.recordWith((r) => void recorded.push(r));
    t.obs.start();
    t.clock.advance(t.services.config.maintenanceIntervalMs);
    await t.obs.maintenance.runNow(); // joins the run the timer started
    expect(recorded).toHaveLength(1);
    const body = (await get('/performance/database')).json();
    expect(body.maintenance[0]).toMatchObject({ ok: true, startedAt: expect.any(String) });
  });
});
