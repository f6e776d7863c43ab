/**
 * The WAL stays bounded under a stream of writes: the writer's automatic
 * checkpoint is off (checkpoints run in a worker thread, wal-checkpointer.ts),
 * and a log past MAX_WAL_PAGES is copied back and truncated. Toggles are the
 * hardest case: back-to-back commits never leave the gap a PASSIVE pass needs
 * to restart the log, so the log is reset in quiet windows. The worker
 * starts only once the log reaches START_WAL_PAGES: a quiet database has none.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrapDatabase } from '../../src/observability/timed-database.js';
import { SQLITE_PAGE_BYTES } from '../../src/store/sqlite/sqlite-connection.js';
import type { SqliteDatabase } from '../../src/store/sqlite/sqlite-database.js';
import { MAX_WAL_PAGES, START_WAL_PAGES } from '../../src/store/sqlite/wal-checkpointer.js';
import { sqliteTarget } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';

describe('SQLite WAL under a stream of toggles', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await testServices(sqliteTarget);
  });
  afterAll(() => ctx.close());
  const walBytes = () => fs.statSync(`${ctx.services.config.databaseUrl.slice('sqlite:'.length)}-wal`).size;
  const frameBytes = SQLITE_PAGE_BYTES + 24;

  it('stays bounded by the checkpointer bound (it would grow without one)', async () => {
    const { traders, users } = ctx.services;
    const user = (await users.create('wal')).user.id;
    const t = await traders.create(user, {
      name: 'W',
      source: 'manual',
      address: 'wal-1',
      allocation: '1'.padEnd(19, '0'),
    });
    let largest = 0;
    for (let i = 0; i < 40_000; i++) {
      await traders.update(user, t.id, { enabled: i % 2 === 0 });
      if (i % 500 === 0) largest = Math.max(largest, walBytes());
    }
    largest = Math.max(largest, walBytes());
    // 40,000 unchecked commits would be ~330 MiB. The bound is MAX_WAL_PAGES frames (a page + 24 bytes each)
    // plus what the writer commits before the checkpointer thread sees it passed (a loaded machine delays it).
    expect(largest).toBeLessThan(2 * MAX_WAL_PAGES * frameBytes + 2 * 1024 * 1024);
    // It stays bounded by quiet-window resets (the writer waits for a few frames' copy), not by
    // TRUNCATEs of a whole log grown to the bound (the writer waits for all of it).
    const stats = (unwrapDatabase(ctx.services.db) as SqliteDatabase).checkpointStats;
    expect(stats?.resets).toBeGreaterThan(0);
    expect(stats?.restarts).toBe(0);
  });

  it('keeps its bound while the writer commits without turning its event loop', async () => {
    // A fan-out bench committed page after page with every await already resolved: the worker's
    // messages were never read, and the log grew to 1.3 GB (see wal-checkpointer.ts).
    const { db } = ctx.services;
    await db.transaction((tx) =>
      tx.run({ sql: 'create table wal_filler (id integer primary key, body blob)', parameters: [] }),
    );
    const body = Buffer.alloc(4000, 7);
    let largest = 0;
    // 1,000 commits of 64 rows of 4 KB: ~270 MiB of log without checkpoints.
    for (let i = 0; i < 1_000; i++) {
      await db.transaction(async (tx) => {
        for (let r = 0; r < 64; r++)
          await tx.run({ sql: 'insert into wal_filler (body) values (?)', parameters: [body] });
      });
      // The work between two pages (quotes, planning) holds no lock and yields to nothing.
      const until = performance.now() + 1;
      while (performance.now() < until);
      largest = Math.max(largest, walBytes());
    }
    // Twice the margin of the test above: the worker thread may be starved of CPU for longer
    // while other test files run, and this writer commits ~100 MiB a second.
    expect(largest).toBeLessThan(4 * MAX_WAL_PAGES * frameBytes + 4 * 1024 * 1024);
  });
});

describe('SQLite WAL checkpoint thread', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await testServices(sqliteTarget);
  });
  afterAll(() => ctx.close());
  const stats = () => (unwrapDatabase(ctx.services.db) as SqliteDatabase).checkpointStats;
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('is not started for a quiet database, and starts once the log reaches its start size', async () => {
    const { db, users } = ctx.services;
    await users.create('quiet');
    await pause(150);
    await users.create('quiet-2');
    // A few commits: the writer checkpoints inline, no thread (and no V8 heap) for it.
    expect(stats()).toBeUndefined();
    await db.transaction((tx) =>
      tx.run({ sql: 'create table wal_start (id integer primary key, body blob)', parameters: [] }),
    );
    const body = Buffer.alloc(4000, 1);
    // More than START_WAL_PAGES pages of log in one transaction.
    await db.transaction(async (tx) => {
      for (let r = 0; r < START_WAL_PAGES + 200; r++)
        await tx.run({ sql: 'insert into wal_start (body) values (?)', parameters: [body] });
    });
    for (let i = 0; i < 100 && stats() === undefined; i++) {
      await pause(150);
      await users.create(`writer-${i}`);
    }
    expect(stats()).toBeDefined();
  });
});
