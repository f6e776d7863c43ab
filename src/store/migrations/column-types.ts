/**
 * Column types that differ by dialect, as data every migration shares:
 * integer keys and epoch-ms times (bigint on PostgreSQL), exact amounts
 * (TEXT decimals on SQLite, NUMERIC on PostgreSQL), and an auto-numbered id.
 * A migration's columns must never change once released; if a future one
 * needs other types, it gets its own table here rather than editing these.
 */
import type { Dialect } from '../database.js';

export interface ColumnTypes {
  id: 'integer' | 'bigint';
  ref: 'integer' | 'bigint';
  amount: 'text' | 'numeric';
  time: 'integer' | 'bigint';
  /** Market data and scores (never ledger amounts). */
  float: 'real' | 'double precision';
}

const TYPES: Record<Dialect, ColumnTypes> = {
  sqlite: { id: 'integer', ref: 'integer', amount: 'text', time: 'integer', float: 'real' },
  postgres: { id: 'bigint', ref: 'bigint', amount: 'numeric', time: 'bigint', float: 'double precision' },
};

export function columnTypes(dialect: Dialect): ColumnTypes {
  return TYPES[dialect];
}

/** The auto-numbered primary key: INTEGER PRIMARY KEY (rowid) on SQLite, an identity column on PostgreSQL. */
export function autoId(dialect: Dialect) {
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's column builder, as migrations use it
  return (c: any) => (dialect === 'sqlite' ? c.primaryKey() : c.primaryKey().generatedByDefaultAsIdentity());
}
