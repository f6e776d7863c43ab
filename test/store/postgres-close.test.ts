/**
 * Closing a PostgreSQL database hands every connection back to the server at
 * once. Most statements go through the pool directly, not through Kysely, so
 * Kysely's own teardown alone left the pool open: each closed instance kept
 * its connections until their idle timeout, and a suite that restarts
 * instances ran the server out of connections (53300, too many clients).
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { openDatabase } from '../../src/store/open-database.js';
import { databaseTargets } from '../support/databases.js';

const target = (await databaseTargets()).find((t) => t.name === 'postgres');

describe.skipIf(target === undefined)('closing a PostgreSQL database', () => {
  it('leaves none of its connections on the server', async () => {
    const created = await target!.create();
    const admin = new pg.Client({
      connectionString: process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'],
    });
    await admin.connect();
    try {
      const config = loadConfig({}, { databaseUrl: created.url, logLevel: 'silent' });
      const db = await openDatabase(config);
      // Concurrent statements take several pooled connections.
      const rows = await Promise.all(
        Array.from({ length: 4 }, () =>
          db.all<{ pid: number }>({ sql: 'select pg_backend_pid() as pid, pg_sleep(0.05)', parameters: [] }),
        ),
      );
      const pids = [...new Set(rows.map((r) => Number(r[0]!.pid)))];
      expect(pids.length).toBeGreaterThan(1);
      const alive = async () =>
        (await admin.query('select pid from pg_stat_activity where pid = any($1::int[])', [pids])).rowCount;
      expect(await alive()).toBe(pids.length);
      await db.close();
      await expect.poll(alive, { timeout: 2_000, interval: 50 }).toBe(0);
    } finally {
      await admin.end();
      await created.drop();
    }
  });
});
