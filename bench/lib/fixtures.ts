/**
 * Building the real services on a temp data directory, with the settings a
 * benchmark needs (no logging, ephemeral port, a rate limit it cannot hit),
 * and seeding users and traders through the services themselves.
 */

import type BetterSqlite3 from 'better-sqlite3';
import { loadConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { buildServices, type Services } from '../../src/container.js';
import { unwrapDatabase } from '../../src/observability/timed-database.js';
import type { SqliteDatabase } from '../../src/store/sqlite/sqlite-database.js';

export function benchConfig(dataDir: string, overrides: Partial<Config> = {}): Config {
  return loadConfig(
    {},
    { dataDir, port: 0, host: '127.0.0.1', rateLimitMax: 100_000_000, logLevel: 'silent', ...overrides },
  );
}

export function openServices(dataDir: string, overrides: Partial<Config> = {}): Promise<Services> {
  return buildServices(benchConfig(dataDir, overrides));
}

/** The writer connection behind the services' SQLite store, for bare references. */
export function rawSqlite(s: Services): BetterSqlite3.Database {
  if (s.db.dialect !== 'sqlite') throw new Error('benchmarks run on the embedded SQLite store');
  return (unwrapDatabase(s.db) as SqliteDatabase).rawWriter;
}

/** Creates `count` enabled traders for `userId` through TraderService; returns their ids. */
export async function createTraders(s: Services, userId: number, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = await s.traders.create(userId, {
      name: `Trader ${i + 1}`,
      source: 'manual',
      address: `wallet-${String(i + 1).padStart(5, '0')}-${(i * 2654435761) % 4294967296}`,
      allocation: '1000',
      followOptions: { takeProfitPct: '25', stopLossPct: '10', copyRatio: '0.5' },
    });
    ids.push(t.id);
  }
  return ids;
}
