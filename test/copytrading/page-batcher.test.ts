/**
 * Fan-out pages committed together (SQLite and PostgreSQL): pages submitted
 * in one turn share one transaction, a page that fails is undone alone (its
 * savepoint) while the others commit, and every page is answered only once
 * the batch is on disk.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageBatcher } from '../../src/copytrading/page-batcher.js';
import type { SqlExecutor } from '../../src/store/database.js';
import { databaseTargets } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';

describe.each(await databaseTargets())('page batcher on $name', (target) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await testServices(target);
  });
  afterAll(() => ctx.close());

  const insert = (tx: SqlExecutor, name: string) =>
    tx.run({
      sql:
        ctx.services.db.dialect === 'sqlite'
          ? 'insert into fleet_leases (name, owner, until, acquired_at) values (?, ?, 1, 1)'
          : 'insert into fleet_leases (name, owner, until, acquired_at) values ($1, $2, 1, 1)',
      parameters: [name, 'page'],
    });
  const names = async () =>
    (
      await ctx.services.db.all<{ name: string }>({
        sql: "select name from fleet_leases where owner = 'page' order by name",
        parameters: [],
      })
    ).map((r) => r.name);

  it('commits the pages of one turn together; a failing page is undone alone', async () => {
    const b = new PageBatcher(ctx.services.db);
    const seenBeforeCommit: string[][] = [];
    const results = await Promise.allSettled([
      b.run(async (tx) => {
        await insert(tx, 'p1');
        return 'one';
      }),
      b.run(async (tx) => {
        await insert(tx, 'p2');
        // A second row with the same key: the page fails after it wrote.
        await insert(tx, 'p2');
        return 'two';
      }),
      b.run(async (tx) => {
        await insert(tx, 'p3');
        seenBeforeCommit.push(await names()); // read outside the transaction: nothing committed yet
        return 'three';
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[0]).toMatchObject({ value: 'one' });
    expect(results[2]).toMatchObject({ value: 'three' });
    expect(await names()).toEqual(['p1', 'p3']);
    expect(seenBeforeCommit).toEqual([[]]);
    expect(b.stats).toEqual({ batches: 1, pages: 3, largest: 3 });
  });

  it('pages submitted later go into the next batch', async () => {
    const b = new PageBatcher(ctx.services.db);
    await b.run((tx) => insert(tx, 'q1'));
    await b.run((tx) => insert(tx, 'q2'));
    expect(b.stats.batches).toBe(2);
    expect((await names()).filter((n) => n.startsWith('q'))).toEqual(['q1', 'q2']);
  });
});
