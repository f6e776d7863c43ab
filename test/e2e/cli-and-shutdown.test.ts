/** The tradeloop CLI (users, migrate, backup) and graceful shutdown of the server. */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startChildServer } from '../support/child-server.js';

describe('tradeloop CLI', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-cli-'));
  const env = { DATA_DIR: dir, LOG_LEVEL: 'silent' };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('migrates, creates users as JSON, and backs up online', () => {
    const m = runCli(['migrate'], env);
    expect(m.status).toBe(0);
    expect(JSON.parse(m.stdout)).toEqual({
      applied: [
        '001-foundation',
        '002-positions',
        '003-telegram',
        '004-jobs',
        '005-pipeline',
        '006-copy-engine',
        '007-fan-out-keys',
        '008-fleet-leases',
        '009-idempotency-keys',
        '010-job-result-bounds',
        '011-user-tokens',
        '012-live-copies',
        '013-model-calls',
        '014-dashboard',
        '017-follow-generations',
        '018-lean-order-indexes',
        '019-hot-updates',
        '020-reprice-turns',
        '021-leader-follows-index',
        '022-position-fees',
      ],
    });
    const u = runCli(['users', 'create', 'carol'], env);
    expect(u.status).toBe(0);
    const created = JSON.parse(u.stdout);
    expect(created).toMatchObject({
      id: expect.any(Number),
      name: 'carol',
      token: expect.stringMatching(/^tl_[A-Za-z0-9_-]{43}$/),
    });
    const file = path.join(dir, 'backups', 'copy.db');
    const b = runCli(['backup', file], env);
    expect(b.status).toBe(0);
    const copy = new BetterSqlite3(file, { readonly: true });
    expect(copy.prepare('select name from users').all()).toEqual([{ name: 'carol' }]);
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
  });

  it('rejects bad commands, names and configuration with a message and a non-zero exit', () => {
    expect(runCli(['users', 'create'], env).status).toBe(2);
    expect(runCli(['frobnicate'], env).stderr).toMatch(/usage: tradeloop/);
    const badName = runCli(['users', 'create', '<script>'], env);
    expect(badName.status).toBe(1);
    expect(badName.stderr).toMatch(/name must be letters, digits/);
    const badEnv = runCli(['migrate'], { ...env, SQLITE_SYNCHRONOUS: 'sometimes' });
    expect(badEnv.status).toBe(1);
    expect(badEnv.stderr).toMatch(/SQLITE_SYNCHRONOUS must be normal or full, got "sometimes"/);
  });
});

describe('graceful shutdown', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-stop-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finishes an in-flight request on SIGTERM, checkpoints the WAL and exits 0', async () => {
    const server = await startChildServer({ DATA_DIR: dir, RATE_LIMIT_MAX: '1000000' });
    const token = fs.readFileSync(path.join(dir, 'local-token'), 'utf8').trim();
    const body = JSON.stringify({
      orders: Array.from({ length: 10_000 }, (_, i) => ({
        pair: 'BTC/USDT',
        side: i % 2 ? 'sell' : 'buy',
        quantity: '0.5',
        clientOrderId: `s${i}`,
      })),
    });
    const u = new URL(`${server.url}/api/v1/orders/bulk`);
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => {
            text += d.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      // Signal once the whole body is on the wire: the request is then in the server's hands.
      req.end(body, () => setTimeout(() => server.child.kill('SIGTERM'), 20));
    });
    const r = await response;
    expect(r.status).toBe(201);
    expect(JSON.parse(r.body).imported).toBe(10_000);
    expect((await server.exited).code).toBe(0);
    const wal = path.join(dir, 'tradeloop.db-wal');
    expect(!fs.existsSync(wal) || fs.statSync(wal).size === 0).toBe(true);
    const db = new BetterSqlite3(path.join(dir, 'tradeloop.db'), { readonly: true });
    expect(db.prepare('select count(*) as n from orders').get()).toEqual({ n: 10_000 });
    db.close();
  });
});
