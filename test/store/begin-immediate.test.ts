/**
 * BEGIN IMMEDIATE is tried again while SQLite answers SQLITE_BUSY at once
 * (in WAL mode it can, without calling its busy handler), within the busy
 * timeout; other errors, and a busy that lasts, are thrown.
 */
import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { whileBusy } from '../../src/store/sqlite/begin-immediate.js';

const busy = (code = 'SQLITE_BUSY') => new BetterSqlite3.SqliteError('database is locked', code);

describe('whileBusy', () => {
  it('tries again after an immediate SQLITE_BUSY (any of its extended codes) and then begins', async () => {
    const answers = [busy(), busy('SQLITE_BUSY_SNAPSHOT'), undefined];
    let calls = 0;
    await whileBusy(() => {
      const a = answers[calls++];
      if (a) throw a;
    }, 5_000);
    expect(calls).toBe(3);
  });

  it('throws any other error at once', async () => {
    let calls = 0;
    const full = new BetterSqlite3.SqliteError('database or disk is full', 'SQLITE_FULL');
    await expect(
      whileBusy(() => {
        calls++;
        throw full;
      }, 5_000),
    ).rejects.toBe(full);
    expect(calls).toBe(1);
  });

  it('gives up with the busy error once the busy timeout is spent', async () => {
    let calls = 0;
    const started = performance.now();
    await expect(
      whileBusy(() => {
        calls++;
        throw busy();
      }, 40),
    ).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(calls).toBeGreaterThan(2);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('on a real file: a BEGIN that waited out the busy timeout behind another writer is not tried again', async () => {
    const file = `/tmp/tradeloop-begin-${process.pid}-${Date.now()}.db`;
    const a = new BetterSqlite3(file);
    a.pragma('journal_mode = WAL');
    const b = new BetterSqlite3(file);
    b.pragma('busy_timeout = 50');
    a.exec('BEGIN IMMEDIATE');
    let calls = 0;
    try {
      await expect(
        whileBusy(() => {
          calls++;
          b.exec('BEGIN IMMEDIATE');
        }, 50),
      ).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      expect(calls).toBe(1);
      a.exec('COMMIT');
      await whileBusy(() => b.exec('BEGIN IMMEDIATE'), 50);
      expect(b.inTransaction).toBe(true);
      b.exec('COMMIT');
    } finally {
      a.close();
      b.close();
      for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    }
  });
});
