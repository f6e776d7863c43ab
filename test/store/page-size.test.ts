/**
 * A new SQLite file is made with SQLITE_PAGE_BYTES pages (8 KiB: the copy
 * fan-out's per-follower index pages, README "How it is fast"); a file made
 * before keeps its own page size and works as it did.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/store/migrate.js';
import { SQLITE_PAGE_BYTES } from '../../src/store/sqlite/sqlite-connection.js';
import { SqliteDatabase } from '../../src/store/sqlite/sqlite-database.js';

const tuning = { synchronous: 'normal', cacheMb: 4, mmapMb: 0, busyTimeoutMs: 1000 } as const;

describe('SQLite page size', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'page-size-'));
  let db: SqliteDatabase | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it('makes a new file with SQLITE_PAGE_BYTES pages', async () => {
    db = await SqliteDatabase.open({ file: path.join(dir, 'new.db'), ...tuning });
    await migrateToLatest(db);
    expect(SQLITE_PAGE_BYTES).toBe(8192);
    expect(db.rawWriter.pragma('page_size', { simple: true })).toBe(SQLITE_PAGE_BYTES);
  });

  it('leaves a file made with 4 KiB pages as it is: migrated, written and read', async () => {
    const file = path.join(dir, 'old.db');
    const old = new BetterSqlite3(file);
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.exec('create table kept (id integer primary key, note text)');
    old.prepare('insert into kept (note) values (?)').run('written before');
    old.close();
    db = await SqliteDatabase.open({ file, ...tuning });
    await migrateToLatest(db);
    expect(db.rawWriter.pragma('page_size', { simple: true })).toBe(4096);
    await db.transaction((tx) =>
      tx.run({ sql: 'insert into kept (note) values (?)', parameters: ['written after'] }),
    );
    const rows = await db.all<{ note: string }>({ sql: 'select note from kept order by id', parameters: [] });
    expect(rows.map((r) => r.note)).toEqual(['written before', 'written after']);
  });
});
