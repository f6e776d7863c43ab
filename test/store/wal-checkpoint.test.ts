/**
 * Writes that return their row (toggles: UPDATE ... RETURNING) must let
 * SQLite's automatic checkpoint run, or the WAL grows without bound.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteTarget } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';

describe('SQLite WAL under a stream of toggles', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await testServices(sqliteTarget);
  });
  afterAll(() => ctx.close());

  it('stays bounded by the auto-checkpoint size', async () => {
    const { traders, users } = ctx.services;
    const user = (await users.create('wal')).user.id;
    const t = await traders.create(user, {
      name: 'W',
      source: 'manual',
      address: 'wal-1',
      allocation: '1'.padEnd(19, '0'),
    });
    for (let i = 0; i < 6000; i++) await traders.update(user, t.id, { enabled: i % 2 === 0 });
    const file = ctx.services.config.databaseUrl.slice('sqlite:'.length);
    const walBytes = fs.statSync(`${file}-wal`).size;
    // wal_autocheckpoint is 1,000 pages (4 MiB); 6,000 unchecked commits would be ~25 MiB.
    expect(walBytes).toBeLessThan(8 * 1024 * 1024);
  });
});
