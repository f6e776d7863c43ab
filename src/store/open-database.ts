/**
 * Chooses the dialect from the database URL: `sqlite:<path>` or
 * `postgres://...`. The rest of the code never asks which one it got.
 */
import type { Database } from './database.js';
import type { AvailabilityReporter } from './driver-errors.js';
import { SqliteDatabase } from './sqlite/sqlite-database.js';

export interface DatabaseSettings {
  databaseUrl: string;
  databasePoolSize: number;
  databaseConnectTimeoutMs: number;
  databaseStatementTimeoutMs: number;
  databaseIdleInTransactionTimeoutMs: number;
  sqliteBusyTimeoutMs: number;
  sqliteSynchronous: 'normal' | 'full';
  sqliteCacheMb: number;
  sqliteMmapMb: number;
}

/**
 * PostgreSQL's driver is loaded only when asked for: an SQLite process never pays for it.
 * `availability` hears when the database stops and starts answering (the service's outage log).
 */
export async function openDatabase(
  s: DatabaseSettings,
  availability?: AvailabilityReporter,
): Promise<Database> {
  const watched = availability ? { availability } : {};
  if (s.databaseUrl.startsWith('sqlite:')) {
    return SqliteDatabase.open({
      file: s.databaseUrl.slice('sqlite:'.length),
      synchronous: s.sqliteSynchronous,
      cacheMb: s.sqliteCacheMb,
      mmapMb: s.sqliteMmapMb,
      busyTimeoutMs: s.sqliteBusyTimeoutMs,
      ...watched,
    });
  }
  const { PostgresDatabase } = await import('./postgres/postgres-database.js');
  return new PostgresDatabase({
    url: s.databaseUrl,
    poolSize: s.databasePoolSize,
    connectTimeoutMs: s.databaseConnectTimeoutMs,
    statementTimeoutMs: s.databaseStatementTimeoutMs,
    idleInTransactionTimeoutMs: s.databaseIdleInTransactionTimeoutMs,
    ...watched,
  });
}
