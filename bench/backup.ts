/**
 * Database.backup (SQLite online backup API) of the 1M-order database while
 * the service has it open, against a plain file copy of the same file.
 * The backup is opened afterwards and its orders counted.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Benchmark } from './lib/context.js';
import { openServices } from './lib/fixtures.js';
import { result } from './lib/result.js';
import { timeOnce } from './lib/sampler.js';
import { formatNumber } from './lib/stats.js';

const RUNS = 3;
const LIMIT_MS = 3_000;

export const backup: Benchmark = {
  name: 'backup',
  async run(ctx) {
    const big = await ctx.bigDb();
    const s = await openServices(big.dataDir);
    ctx.defer(() => s.close());
    await s.db.checkpoint();
    const dir = ctx.tempDir('backup');
    const bytes = fs.statSync(big.file).size;

    const backupMs: number[] = [];
    const copyMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const file = path.join(dir, `backup-${i}.db`);
      backupMs.push((await timeOnce(() => s.db.backup(file))).ms);
      const copy = path.join(dir, `copy-${i}.db`);
      copyMs.push((await timeOnce(() => fs.copyFileSync(big.file, copy))).ms);
      if (i < RUNS - 1) {
        fs.rmSync(file);
        fs.rmSync(copy);
      }
    }
    const last = path.join(dir, `backup-${RUNS - 1}.db`);
    const check = new BetterSqlite3(last, { readonly: true });
    const { n } = check.prepare('SELECT count(*) AS n FROM orders').get() as { n: number };
    check.close();
    const backupBytes = fs.statSync(last).size;

    const worst = Math.max(...backupMs);
    const mib = (b: number) => `${formatNumber(b / 2 ** 20)} MiB`;
    return [
      result({
        name: 'backup',
        value: worst / 1000,
        unit: 's',
        target: 'db.backup of ~100 MB <= 3 s',
        reference: { name: 'file copy (slowest)', value: Math.max(...copyMs) / 1000, unit: 's' },
        pass: worst <= LIMIT_MS && n === big.orders,
        notes: [
          `slowest of ${RUNS}: backup ${backupMs.map((m) => formatNumber(m)).join(' / ')} ms, copy ${copyMs.map((m) => formatNumber(m)).join(' / ')} ms`,
          `database ${mib(bytes)} (${formatNumber(bytes / 1e6)} MB) with ${big.orders.toLocaleString('en-US')} orders; backup ${mib(backupBytes)}`,
          `throughput ${formatNumber(bytes / 2 ** 20 / (worst / 1000))} MiB/s`,
          n === big.orders
            ? `backup opens and holds all ${n.toLocaleString('en-US')} orders`
            : `BACKUP HOLDS ${n} ORDERS`,
        ],
      }),
    ];
  },
};
