/** SQLite group commit: concurrent single writes share one transaction, failures stay isolated. */
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrapDatabase } from '../../src/observability/timed-database.js';
import { GroupCommit } from '../../src/store/sqlite/group-commit.js';
import type { SqliteDatabase } from '../../src/store/sqlite/sqlite-database.js';
import { WriteLock } from '../../src/store/sqlite/write-lock.js';
import { sqliteTarget } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';

describe('SQLite group commit', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await testServices(sqliteTarget);
  });
  afterAll(() => ctx.close());

  it('commits concurrent toggles together and answers each with its own committed row', async () => {
    const { traders, users } = ctx.services;
    const user = (await users.create('group')).user.id;
    const ids: number[] = [];
    for (let i = 0; i < 20; i++)
      ids.push((await traders.create(user, { name: `G${i}`, source: 'manual', address: `group-${i}` })).id);
    const db = unwrapDatabase(ctx.services.db) as SqliteDatabase;
    const before = db.groupCommitStats;
    const results = await Promise.all(ids.map((id) => traders.update(user, id, { enabled: false })));
    const after = db.groupCommitStats;
    expect(results.map((t) => [t.id, t.enabled, t.version])).toEqual(ids.map((id) => [id, false, 2]));
    expect(after.writes - before.writes).toBe(20);
    expect(after.batches - before.batches).toBeLessThan(20); // shared commits
    expect(after.largest).toBeGreaterThan(1);
  });

  it('fails only the write that breaks a constraint; its neighbours in the batch commit', async () => {
    const db = unwrapDatabase(ctx.services.db) as SqliteDatabase;
    const insert = (symbol: string) =>
      db.run({
        sql: 'insert into trading_pairs (symbol, base, quote, created_at) values (?, ?, ?, ?)',
        parameters: [symbol, 'X', 'Y', 1],
      });
    await insert('ISO/TAKEN');
    const before = db.groupCommitStats;
    const outcomes = await Promise.allSettled([insert('ISO/A'), insert('ISO/TAKEN'), insert('ISO/B')]);
    expect(db.groupCommitStats.batches - before.batches).toBe(1); // all three in one transaction
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    const rows = await db.all<{ symbol: string }>({
      sql: "select symbol from trading_pairs where symbol like 'ISO/%' order by id",
      parameters: [],
    });
    expect(rows.map((r) => r.symbol)).toEqual(['ISO/TAKEN', 'ISO/A', 'ISO/B']);
  });

  it('tries a write again, alone or with others, when SQLite answers SQLITE_BUSY at once', async () => {
    const busy = () => new BetterSqlite3.SqliteError('database is locked', 'SQLITE_BUSY');
    const log: string[] = [];
    let busyBegins = 1;
    let inTransaction = false;
    const conn = {
      busyTimeoutMs: 1_000,
      get inTransaction() {
        return inTransaction;
      },
      exec(sql: string) {
        if (sql === 'BEGIN IMMEDIATE' && busyBegins-- > 0) throw busy();
        if (sql === 'BEGIN IMMEDIATE') inTransaction = true;
        if (sql === 'COMMIT' || sql === 'ROLLBACK') inTransaction = false;
        log.push(sql);
      },
    };
    const group = new GroupCommit(conn, undefined, new WriteLock());
    let busyWrites = 1;
    const alone = await group.submit(async () => {
      if (busyWrites-- > 0) throw busy();
      return 'written';
    });
    expect(alone).toBe('written');
    const together = await Promise.all([group.submit(async () => 1), group.submit(async () => 2)]);
    expect(together).toEqual([1, 2]);
    expect(log[0]).toBe('BEGIN IMMEDIATE');
    expect(log.at(-1)).toBe('COMMIT');
    // Without a busy timeout nothing is tried again.
    const strict = new GroupCommit(
      { ...conn, busyTimeoutMs: 0, exec: conn.exec },
      undefined,
      new WriteLock(),
    );
    await expect(
      strict.submit(async () => {
        throw busy();
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
  });
});
