/**
 * SQLite's file locked by another process (a second connection holding a
 * write transaction, as a CLI command or another tool might) beyond
 * SQLITE_BUSY_TIMEOUT_MS: writes answer 503 DEPENDENCY_UNAVAILABLE with
 * Retry-After instead of 500, reads go on (WAL), nothing of the refused
 * writes is kept, and writes succeed again once the lock is released. The
 * episode is logged once when it starts and once when it ends.
 */
import { Writable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteTarget } from '../support/databases.js';
import { limitBuy } from '../support/orders.js';
import { testApp } from '../support/services.js';

describe('SQLite locked by another process', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let locker: BetterSqlite3.Database;
  let traderId: number;
  let before: string;
  const logs: { level: number; msg: string; dependency?: string }[] = [];

  beforeAll(async () => {
    const schema = await sqliteTarget.create();
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
        done();
      },
    });
    t = await testApp(
      { name: 'sqlite', create: async () => schema },
      { sqliteBusyTimeoutMs: 50 },
      { logger: pino({ level: 'info' }, sink) },
    );
    locker = new BetterSqlite3(schema.url.slice('sqlite:'.length));
  });
  afterAll(async () => {
    if (locker?.inTransaction) locker.exec('ROLLBACK');
    locker?.close();
    await t?.close();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: t.alice.headers, ...(payload ? { payload } : {}) });
  const traders = async () => JSON.stringify((await call('GET', '/traders?limit=500')).json());

  it('writes while the file is free', async () => {
    const r = await call('POST', '/traders', { name: 'Before', source: 'manual', address: 'busy-before' });
    expect(r.statusCode).toBe(201);
    traderId = r.json().id;
    before = await traders();
  });

  it('answers writes 503 with Retry-After while another process holds the write lock; reads go on', async () => {
    locker.exec('BEGIN IMMEDIATE');
    const writes = [
      await call('POST', '/traders', { name: 'During', source: 'manual', address: 'busy-during' }),
      await call('PATCH', `/traders/${traderId}`, { enabled: false }),
      await call('POST', '/orders', limitBuy(traderId)),
    ];
    for (const r of writes) {
      expect(r.statusCode, r.body).toBe(503);
      expect(r.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(await traders()).toBe(before);
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('writes again once the lock is released, with nothing of the refused writes kept', async () => {
    locker.exec('ROLLBACK');
    expect(await traders()).toBe(before);
    expect((await call('GET', '/orders')).json().items).toEqual([]);
    const r = await call('POST', '/traders', { name: 'After', source: 'manual', address: 'busy-after' });
    expect(r.statusCode).toBe(201);
    const outage = logs.filter((l) => l.dependency === 'database');
    expect(outage.map((l) => l.level)).toEqual([40, 30]);
  });
});
