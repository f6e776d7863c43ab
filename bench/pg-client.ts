/**
 * Which PostgreSQL driver the store uses, decided by measurement (issue 17:
 * "try the postgres client against pg and let the benchmark decide"). The
 * toggle's statement — a prepared single-row UPDATE — over 10 connections,
 * back to back for 5 s, each driver in a child process of its own, in the
 * order pg, postgres.js, postgres.js, pg (background load drifts hit both):
 * - `pg-client-cpu`: the client's CPU time per statement with pg, against
 *   postgres.js. Per-request client work is where the service's time goes on
 *   PostgreSQL (issue 17's profile), so the cheaper driver wins: pass means pg
 *   costs no more; a miss says to switch the store's driver.
 * The rates and p99s of both are in the notes. PostgreSQL only.
 */
import type { BenchContext, Benchmark } from './lib/context.js';
import { figureName, postgresBase, postgresSchema } from './lib/dialects.js';
import { createTraders, openServices } from './lib/fixtures.js';
import { inChild } from './lib/http-load.js';
import type { UpdateLoadResult, UpdateLoadSpec } from './lib/pg-update-child.js';
import { result } from './lib/result.js';
import { formatNumber } from './lib/stats.js';

const TRADERS = 1_000;
const CONNECTIONS = 10;
const DURATION_SEC = 5;
const WARMUP_SEC = 1;

type Client = NonNullable<UpdateLoadSpec['client']>;

export const pgClient: Benchmark = {
  name: 'pg-client',
  async run(ctx: BenchContext) {
    if (!postgresBase()) {
      ctx.log('skipped: set TEST_DATABASE_URL=postgres://... to compare the PostgreSQL drivers');
      return [];
    }
    const url = await postgresSchema(ctx, 'pg_client');
    const s = await openServices(ctx.tempDir('pg-client'), { databaseUrl: url });
    let ids: number[];
    try {
      const { user } = await s.users.create('bench');
      ids = await createTraders(s, user.id, TRADERS);
    } finally {
      await s.close();
    }
    const load = (client: Client, durationSec: number) =>
      inChild(new URL('./lib/pg-update-child.ts', import.meta.url), {
        url,
        ids,
        connections: CONNECTIONS,
        durationSec,
        client,
      } satisfies UpdateLoadSpec) as Promise<UpdateLoadResult>;

    for (const c of ['pg', 'postgres'] as const) await load(c, WARMUP_SEC);
    const runs: Record<Client, UpdateLoadResult[]> = { pg: [], postgres: [] };
    for (const c of ['pg', 'postgres', 'postgres', 'pg'] as const) {
      ctx.log(`${c === 'pg' ? 'pg' : 'postgres.js'}, ${CONNECTIONS} connections, ${DURATION_SEC} s`);
      runs[c].push(await load(c, DURATION_SEC));
    }
    const summary = (rs: UpdateLoadResult[]) => {
      const ok = rs.reduce((a, r) => a + r.ok, 0);
      const cpuUs = rs.reduce((a, r) => a + r.clientCpuUsPerStatement * r.ok, 0) / Math.max(1, ok);
      return {
        cpuUs,
        rate: ok / rs.reduce((a, r) => a + r.durationSec, 0),
        p99: Math.max(...rs.map((r) => r.latencyP99Ms)),
        errors: rs.reduce((a, r) => a + r.errors, 0),
      };
    };
    const pg = summary(runs.pg);
    const pjs = summary(runs.postgres);
    const describe = (name: string, x: ReturnType<typeof summary>) =>
      `${name}: ${x.cpuUs.toFixed(1)} µs client CPU per statement, ${formatNumber(x.rate)} statements/s, p99 ${x.p99} ms, ${x.errors} errors`;
    return [
      result({
        name: figureName('pg-client-cpu', 'postgres'),
        dialect: 'postgres',
        value: pg.cpuUs,
        unit: 'µs CPU/statement',
        target: 'pg (the store driver) <= postgres.js, else switch',
        reference: {
          name: 'postgres.js, same statement and load',
          value: pjs.cpuUs,
          unit: 'µs CPU/statement',
        },
        pass: pg.errors === 0 && pjs.errors === 0 && pg.cpuUs <= pjs.cpuUs,
        notes: [
          describe('pg 8 (named prepared statement)', pg),
          describe('postgres.js 3 (tagged template, prepared)', pjs),
          `prepared single-row UPDATE of traders, ${CONNECTIONS} connections per driver, ${TRADERS} traders in turn, runs pg, postgres.js, postgres.js, pg of ${DURATION_SEC} s, each driver in its own process`,
        ],
      }),
    ];
  },
};
