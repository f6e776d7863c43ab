/**
 * Token changes made by another connection to the same SQLite file are seen
 * on the first check of the next event-loop turn (and only one check a turn
 * reads the file).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteAuthWatch } from '../../src/store/sqlite/sqlite-auth-watch.js';

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('SqliteAuthWatch', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-auth-watch-'));
  const file = path.join(dir, 'db.sqlite');
  const ours = new BetterSqlite3(file);
  ours.pragma('journal_mode = WAL');
  ours.exec('create table auth_generation (value integer not null); insert into auth_generation values (1);');
  ours.exec('create table other (x integer)');
  const theirs = new BetterSqlite3(file);
  const bump = () => theirs.exec('update auth_generation set value = value + 1');
  afterAll(() => {
    ours.close();
    theirs.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports a token change committed elsewhere at the first check of the next turn, once', async () => {
    const watch = new SqliteAuthWatch(ours);
    watch.changed(); // the first reading
    await nextTurn();
    expect(watch.changed()).toBe(false);
    await nextTurn();

    bump();
    expect(watch.changed()).toBe(true);
    expect(watch.changed()).toBe(false);
    // Committed after this turn's check: the next turn's first check sees it.
    bump();
    expect(watch.changed()).toBe(false);
    await nextTurn();
    expect(watch.changed()).toBe(true);
    await nextTurn();

    // A commit elsewhere that touches no token is not a token change.
    theirs.exec('insert into other values (1)');
    expect(watch.changed()).toBe(false);
    await nextTurn();
    expect(watch.changed()).toBe(false);
  });
});
