/**
 * Child process: the bare PostgreSQL reference for toggles under load.
 * `connections` plain clients, each running the prepared UPDATE of one
 * trader after another, back to back, for `durationSec`: the rate and
 * latency PostgreSQL itself allows at that concurrency, in a process of its
 * own like the app it is compared with. `client` picks the driver: `pg` (the
 * store's: named, server-side prepared statements) or `postgres` (postgres.js,
 * its tagged template, prepared too); the result carries the client's own
 * CPU time per statement, where the two drivers differ.
 */
import pg from 'pg';
import postgres from 'postgres';
import type { LoadResult } from './http-load.js';
import { quantile } from './stats.js';

export interface UpdateLoadSpec {
  url: string;
  ids: number[];
  connections: number;
  durationSec: number;
  /** @default 'pg' */
  client?: 'pg' | 'postgres';
}

export interface UpdateLoadResult extends LoadResult {
  /** This process's CPU time (user + system) per completed statement, µs. */
  clientCpuUsPerStatement: number;
}

const UPDATE_SQL = 'UPDATE traders SET enabled = $1, version = version + 1, updated_at = $2 WHERE id = $3';

type Update = (enabled: number, at: number, id: number) => Promise<unknown>;

/** One UPDATE function per connection, and how to close them all. */
async function connect(spec: UpdateLoadSpec): Promise<{ updates: Update[]; close(): Promise<void> }> {
  if (spec.client === 'postgres') {
    const sql = postgres(spec.url, { max: spec.connections, prepare: true, onnotice: () => {} });
    // Open every connection before timing (one statement per connection at once).
    await Promise.all(Array.from({ length: spec.connections }, () => sql`select 1`));
    const update: Update = (enabled, at, id) =>
      sql`UPDATE traders SET enabled = ${enabled}, version = version + 1, updated_at = ${at} WHERE id = ${id}`;
    return { updates: Array.from({ length: spec.connections }, () => update), close: () => sql.end() };
  }
  const clients = await Promise.all(
    Array.from({ length: spec.connections }, async () => {
      const c = new pg.Client({ connectionString: spec.url });
      await c.connect();
      return c;
    }),
  );
  return {
    updates: clients.map(
      (c): Update =>
        (enabled, at, id) =>
          c.query({ name: 'bare_toggle', text: UPDATE_SQL, values: [enabled, at, id] }),
    ),
    close: async () => {
      await Promise.all(clients.map((c) => c.end()));
    },
  };
}

async function run(spec: UpdateLoadSpec): Promise<UpdateLoadResult> {
  const { updates, close } = await connect(spec);
  const latencies: number[] = [];
  let n = 0;
  let errors = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + spec.durationSec * 1000;
  await Promise.all(
    updates.map(async (update) => {
      while (performance.now() < end) {
        const i = n++;
        const pass = Math.floor(i / spec.ids.length);
        const s = performance.now();
        try {
          await update(pass % 2 === 0 ? 0 : 1, Date.now(), spec.ids[i % spec.ids.length]!);
          latencies.push(performance.now() - s);
        } catch {
          errors++;
        }
      }
    }),
  );
  const durationSec = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await close();
  const sorted = Float64Array.from(latencies).sort();
  return {
    okPerSec: latencies.length / durationSec,
    requests: n,
    ok: latencies.length,
    non2xx: 0,
    errors,
    timeouts: 0,
    durationSec,
    latencyP50Ms: Number(quantile(sorted, 0.5).toFixed(2)),
    latencyP99Ms: Number(quantile(sorted, 0.99).toFixed(2)),
    bytesPerSec: 0,
    clientCpuUsPerStatement: (cpu.user + cpu.system) / Math.max(1, latencies.length),
  };
}

process.once('message', (spec: UpdateLoadSpec) => {
  run(spec).then(
    (result) => process.send?.({ ok: true, result }, () => process.exit(0)),
    (err: unknown) =>
      process.send?.({ ok: false, error: String(err instanceof Error ? err.stack : err) }, () =>
        process.exit(1),
      ),
  );
});
