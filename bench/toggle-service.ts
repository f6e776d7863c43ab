/**
 * Toggling a followed trader through the service layer (validation, guarded
 * UPDATE ... RETURNING, cache invalidation), committed before it returns,
 * against a bare prepared UPDATE on the same table: on SQLite the services'
 * own writer connection, on PostgreSQL a plain client with a named
 * (server-side prepared) statement. Both sides run one call at a time.
 */
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { BenchContext, Benchmark } from './lib/context.js';
import { type BenchDialect, bareClient, figureName, perDialect, servicesOn } from './lib/dialects.js';
import { createTraders, rawSqlite } from './lib/fixtures.js';
import { type BenchResult, result } from './lib/result.js';
import { sampleInterleaved } from './lib/sampler.js';
import { describe, summarize } from './lib/stats.js';

const TRADERS = 1_000;
const TARGET_P99_US = 1_000;
/** PostgreSQL: a commit waits for the WAL flush, so the service is held to its bare UPDATE's p99. */
const PG_MAX_P99_RATIO = 1.5;
const UPDATE_SQL = 'UPDATE traders SET enabled = $1, version = version + 1, updated_at = $2 WHERE id = $3';

export const toggleService: Benchmark = perDialect('toggle-service', measure);

async function measure(ctx: BenchContext, dialect: BenchDialect): Promise<BenchResult> {
  const { s, url, dataDir } = await servicesOn(ctx, dialect, 'toggle-service');
  const { user } = await s.users.create('bench');
  const ids = await createTraders(s, user.id, TRADERS);
  const enabled = ids.map(() => true);
  let next = 0;
  const flip = (): [number, boolean] => {
    const k = next++ % ids.length;
    enabled[k] = !enabled[k];
    return [k, enabled[k]!];
  };

  let bare: (on: boolean, id: number) => unknown;
  if (dialect === 'sqlite') {
    const stmt = rawSqlite(s).prepare(UPDATE_SQL.replaceAll(/\$\d/g, '?'));
    bare = (on, id) => stmt.run(on ? 1 : 0, Date.now(), id);
  } else {
    const c = await bareClient(ctx, url);
    bare = (on, id) =>
      c.query({ name: 'bare_toggle', text: UPDATE_SQL, values: [on ? 1 : 0, Date.now(), id] });
  }
  const [service = [], reference = []] = await sampleInterleaved(
    [
      () => {
        const [k, on] = flip();
        return s.traders.update(user.id, ids[k]!, { enabled: on });
      },
      () => {
        const [k, on] = flip();
        return bare(on, ids[k]!);
      },
    ],
    { warmup: 2_000, samples: 20_000, maxMs: 30_000, chunk: 1_000 },
  );

  // Durability check: another connection sees every toggle (each was committed).
  let rows: { id: number; enabled: number }[];
  if (dialect === 'sqlite') {
    const other = new BetterSqlite3(path.join(dataDir, 'tradeloop.db'), { readonly: true });
    rows = other.prepare('SELECT id, enabled FROM traders ORDER BY id').all() as typeof rows;
    other.close();
  } else {
    const other = await bareClient(ctx, url);
    rows = (await other.query('SELECT id::int AS id, enabled FROM traders ORDER BY id')).rows;
  }
  const mismatches = rows.filter((r, i) => r.id !== ids[i] || (r.enabled === 1) !== enabled[i]).length;

  const sv = summarize(service);
  const rf = summarize(reference);
  const pg = dialect === 'postgres';
  return result({
    name: figureName('toggle-service', dialect),
    dialect,
    ...(pg ? {} : { judgedBy: 'value' as const }),
    value: sv.p99,
    unit: 'µs',
    target: pg ? `p99 <= ${PG_MAX_P99_RATIO}x bare p99` : 'p99 <= 1 ms',
    reference: { name: 'bare prepared UPDATE p99', value: rf.p99, unit: 'µs' },
    pass: (pg ? sv.p99 <= PG_MAX_P99_RATIO * rf.p99 : sv.p99 <= TARGET_P99_US) && mismatches === 0,
    notes: [
      `service: ${describe(sv, 'µs')}`,
      `bare UPDATE: ${describe(rf, 'µs')}`,
      dialect === 'sqlite'
        ? `${TRADERS} traders toggled in turn, SQLite WAL synchronous=${s.config.sqliteSynchronous}, every call auto-committed`
        : `${TRADERS} traders toggled in turn on PostgreSQL (pool of ${s.config.databasePoolSize}), every call committed`,
      mismatches === 0
        ? 'a second connection sees every toggle committed'
        : `DURABILITY CHECK FAILED: ${mismatches} traders differ on a second connection`,
    ],
  });
}
