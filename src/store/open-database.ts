/**
 * Chooses the dialect from the database URL: `sqlite:<path>` or
 * `postgres://...`. The rest of the code never asks which one it got.
 */
import type { Database } from './database.js';
import { PostgresDatabase } from './postgres/postgres-database.js';
import { SqliteDatabase } from './sqlite/sqlite-database.js';

export interface DatabaseSettings {
  databaseUrl: string;
  databasePoolSize: number;
  sqliteSynchronous: 'normal' | 'full';
  sqliteCacheMb: number;
  sqliteMmapMb: number;
}

export function openDatabase(s: DatabaseSettings): Database {
  if (s.databaseUrl.startsWith('sqlite:')) {
    return new SqliteDatabase({
      file: s.databaseUrl.slice('sqlite:'.length),
      synchronous: s.sqliteSynchronous,
      cacheMb: s.sqliteCacheMb,
      mmapMb: s.sqliteMmapMb,
    });
  }
  return new PostgresDatabase({ url: s.databaseUrl, poolSize: s.databasePoolSize });
}
