/**
 * Child process: the bare PostgreSQL reference for toggles under load.
 * `connections` plain pg clients, each running the named (server-side
 * prepared) UPDATE of one trader after another, back to back, for
 * `durationSec`: the rate and latency PostgreSQL itself allows at that
 * concurrency, in a process of its own like the app it is compared with.
 */
import pg from 'pg';
import type { LoadResult } from './http-load.js';
import { quantile } from './stats.js';

export interface UpdateLoadSpec {
  url: string;
  ids: number[];
  connections: number;
  durationSec: number;
}

const UPDATE_SQL = 'UPDATE traders SET enabled = $1, version = version + 1, updated_at = $2 WHERE id = $3';

async function run(spec: UpdateLoadSpec): Promise<LoadResult> {
  const clients = await Promise.all(
    Array.from({ length: spec.connections }, async () => {
      const c = new pg.Client({ connectionString: spec.url });
      await c.connect();
      return c;
    }),
  );
  const latencies: number[] = [];
  let n = 0;
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + spec.durationSec * 1000;
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < end) {
        const i = n++;
        const pass = Math.floor(i / spec.ids.length);
        const s = performance.now();
        try {
          await c.query({
            name: 'bare_toggle',
            text: UPDATE_SQL,
            values: [pass % 2 === 0 ? 0 : 1, Date.now(), spec.ids[i % spec.ids.length]],
          });
          latencies.push(performance.now() - s);
        } catch {
          errors++;
        }
      }
    }),
  );
  const durationSec = (performance.now() - t0) / 1000;
  await Promise.all(clients.map((c) => c.end()));
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
