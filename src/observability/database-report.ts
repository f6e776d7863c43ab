/**
 * What the database can say about itself, for /api/v1/performance/database
 * and /indexes: connections, table sizes and index usage. Each answer names
 * the dialect and how the figure was obtained, since the two differ.
 */
import type { Database } from '../store/database.js';
import { pgPool } from './query-plan.js';

export interface TableSize {
  table: string;
  bytes: number;
}

export interface IndexUsage {
  name: string;
  table: string;
  /** Index scans since statistics were reset; null where the database keeps no count (SQLite). */
  scans: number | null;
  bytes: number | null;
}

interface PgPoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

/** Connections: pg pool counters (none before the pool exists), or SQLite's writer/reader pair and group commits. */
export type PoolStats =
  | { dialect: 'postgres'; max?: number | null; total?: number; idle?: number; waiting?: number }
  | {
      dialect: 'sqlite';
      connections: { writer: number; reader: number };
      groupCommit: { batches: number; writes: number; largest: number } | null;
    };

export function poolStats(db: Database): PoolStats {
  if (db.dialect === 'postgres') {
    const p = pgPool(db) as unknown as PgPoolStats | undefined;
    if (p === undefined) return { dialect: 'postgres' };
    return {
      dialect: 'postgres',
      max: p.options?.max ?? null,
      total: p.totalCount,
      idle: p.idleCount,
      waiting: p.waitingCount,
    };
  }
  const group = (db as { groupCommitStats?: Extract<PoolStats, { dialect: 'sqlite' }>['groupCommit'] })
    .groupCommitStats;
  return { dialect: 'sqlite', connections: { writer: 1, reader: 1 }, groupCommit: group ?? null };
}

/** Bytes per table (with its indexes): SQLite `dbstat`, else the whole file; PostgreSQL `pg_total_relation_size`. */
export async function tableSizes(db: Database): Promise<{ source: string; tables: TableSize[] }> {
  if (db.dialect === 'postgres') {
    const rows = await db.all<{ table: string; bytes: number }>({
      sql: `select relname as "table", pg_total_relation_size(relid)::bigint as bytes
              from pg_stat_user_tables where schemaname = current_schema() order by 2 desc`,
      parameters: [],
    });
    return {
      source: 'pg_total_relation_size',
      tables: rows.map((r) => ({ table: r.table, bytes: Number(r.bytes) })),
    };
  }
  try {
    const rows = await db.all<{ name: string; bytes: number }>({
      sql: `select coalesce(m.tbl_name, s.name) as name, sum(s.pgsize) as bytes
              from dbstat s left join sqlite_schema m on m.name = s.name
             group by 1 order by 2 desc`,
      parameters: [],
    });
    return { source: 'dbstat', tables: rows.map((r) => ({ table: r.name, bytes: r.bytes })) };
  } catch {
    const r = await db.first<{ bytes: number }>({
      sql: 'select page_count * page_size as bytes from pragma_page_count(), pragma_page_size()',
      parameters: [],
    });
    return {
      source: 'page_count (dbstat unavailable: whole file only)',
      tables: [{ table: '*', bytes: r?.bytes ?? 0 }],
    };
  }
}

export interface IndexReport {
  dialect: string;
  usageCounts: boolean;
  note?: string;
  indexes: IndexUsage[];
}

export async function indexUsage(db: Database): Promise<IndexReport> {
  if (db.dialect === 'postgres') {
    const rows = await db.all<{ name: string; table: string; scans: number; bytes: number }>({
      sql: `select indexrelname as name, relname as "table", idx_scan::bigint as scans,
                   pg_relation_size(indexrelid)::bigint as bytes
              from pg_stat_user_indexes where schemaname = current_schema() order by idx_scan, indexrelname`,
      parameters: [],
    });
    return {
      dialect: 'postgres',
      usageCounts: true,
      note: 'idx_scan from pg_stat_user_indexes since the last statistics reset; 0 scans = a candidate to drop',
      indexes: rows.map((r) => ({ ...r, scans: Number(r.scans), bytes: Number(r.bytes) })),
    };
  }
  const rows = await db.all<{ name: string; table: string }>({
    sql: `select name, tbl_name as "table" from sqlite_schema where type = 'index' order by tbl_name, name`,
    parameters: [],
  });
  return {
    dialect: 'sqlite',
    usageCounts: false,
    note: 'SQLite keeps no index usage counts: indexes are listed, and slow-query plans show which one a statement uses',
    indexes: rows.map((r) => ({ ...r, scans: null, bytes: null })),
  };
}
