/**
 * PATCH /api/v1/traders/:id {"enabled": ...} on the real service (auth, rate
 * limit, validation, service, commit, response schema), compiled and run in
 * its own process as `npm start` runs it, under autocannon (10 connections),
 * against a reference in a process of its own under the same load:
 * - SQLite: a bare Fastify route returning a JSON body of the same size;
 * - PostgreSQL: the bare prepared UPDATE of one trader over 10 plain
 *   connections, back to back (what the database itself allows).
 * Requests go to 1,000 different traders in turn. Rates are 2xx responses
 * (or UPDATEs) per second.
 */
import type { ChildServer } from './lib/child-server.js';
import { SERVICE_NODE_FLAGS, startChild } from './lib/child-server.js';
import type { BenchContext, Benchmark } from './lib/context.js';
import { type BenchDialect, figureName, perDialect, postgresSchema } from './lib/dialects.js';
import { createTraders, openServices } from './lib/fixtures.js';
import { inChild, type LoadResult, type LoadSpec, runLoad } from './lib/http-load.js';
import { combine, describeLoad } from './lib/load-runs.js';
import type { UpdateLoadSpec } from './lib/pg-update-child.js';
import { type BenchResult, result } from './lib/result.js';
import { formatNumber } from './lib/stats.js';

const TRADERS = 1_000;
const CONNECTIONS = 10;
const DURATION_SEC = 5;
const WARMUP_SEC = 1;
/** SQLite: share of a bare Fastify route in its own process. */
const MIN_RATIO_SQLITE = 0.6;
/** PostgreSQL: share of the bare prepared UPDATE at the same concurrency, and p99 at most 1.5x its p99. */
const MIN_RATIO_PG = 0.7;
const MAX_P99_FACTOR_PG = 1.5;

export const toggleHttp: Benchmark = perDialect('toggle-http', measure);

/** Seeds a user and its traders on a fresh database, closes it, and starts the service on it. */
async function startApp(ctx: BenchContext, dialect: BenchDialect) {
  const dataDir = ctx.tempDir(`toggle-http-${dialect}`);
  const databaseUrl =
    dialect === 'postgres' ? await postgresSchema(ctx, 'toggle_http') : `sqlite:${dataDir}/tradeloop.db`;
  const s = await openServices(dataDir, { databaseUrl });
  let seeded: { token: string; ids: number[] };
  try {
    const { user, token } = await s.users.create('bench');
    seeded = { token, ids: await createTraders(s, user.id, TRADERS) };
  } finally {
    await s.close();
  }
  const { cli, dir } = await ctx.compiledCli();
  const env = {
    PATH: process.env['PATH'] ?? '',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '100000000',
  };
  // BENCH_CPU_PROFILE=<dir>: the service writes a .cpuprofile there when it stops.
  const profile = process.env['BENCH_CPU_PROFILE'];
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const app = await startChild([...SERVICE_NODE_FLAGS, ...flags, cli, 'serve'], { cwd: dir, env });
  ctx.defer(() => app.stop());
  return { app, databaseUrl, ...seeded };
}

const BARE_FASTIFY = `
import Fastify from 'fastify';
const payload = JSON.parse(process.env.BARE_PAYLOAD);
const app = Fastify({ logger: false });
app.patch('/api/v1/traders/:id', async () => payload);
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write('listening on http://127.0.0.1:' + app.server.address().port + '\\n');
process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
`;

async function measure(ctx: BenchContext, dialect: BenchDialect): Promise<BenchResult> {
  const { app, databaseUrl, token, ids } = await startApp(ctx, dialect);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  // One real toggle, to check the route and copy its response for the reference.
  const probe = await fetch(`${app.url}/api/v1/traders/${ids[0]}`, {
    method: 'PATCH',
    headers,
    body: JSON.stringify({ enabled: false }),
  });
  const probeText = await probe.text();
  if (probe.status !== 200) throw new Error(`probe PATCH answered ${probe.status}: ${probeText}`);

  const httpSpec = (url: string, durationSec: number): LoadSpec => ({
    url,
    method: 'PATCH',
    connections: CONNECTIONS,
    durationSec,
    headers,
    paths: ids.map((id) => `/api/v1/traders/${id}`),
    // Traders start enabled: the first pass disables them all, the next enables them, and so on.
    bodies: ['{"enabled":false}', '{"enabled":true}'],
  });
  let bareRun: (durationSec: number) => Promise<LoadResult>;
  let bareName: string;
  if (dialect === 'sqlite') {
    const bare: ChildServer = await startChild(['--input-type=module', '-e', BARE_FASTIFY], {
      cwd: (await ctx.compiledCli()).dir,
      env: { PATH: process.env['PATH'] ?? '', BARE_PAYLOAD: probeText },
    });
    ctx.defer(() => bare.stop());
    bareRun = (d) => runLoad(httpSpec(bare.url, d));
    bareName = 'bare Fastify route, own process';
  } else {
    const spec = (durationSec: number): UpdateLoadSpec => ({
      url: databaseUrl,
      ids,
      connections: CONNECTIONS,
      durationSec,
    });
    bareRun = (d) => inChild(new URL('./lib/pg-update-child.ts', import.meta.url), { ...spec(d) });
    bareName = `bare prepared UPDATE, ${CONNECTIONS} connections`;
  }

  ctx.log(`${dialect}: warming up both sides`);
  await runLoad(httpSpec(app.url, WARMUP_SEC));
  await bareRun(WARMUP_SEC);
  // Bare, app, app, bare: a change in background load during the run hits both sides alike.
  const runs: { app: LoadResult[]; bare: LoadResult[] } = { app: [], bare: [] };
  for (const side of ['bare', 'app', 'app', 'bare'] as const) {
    ctx.log(
      `${dialect}: ${side === 'app' ? 'service' : bareName}, ${CONNECTIONS} connections, ${DURATION_SEC} s`,
    );
    runs[side].push(
      side === 'app' ? await runLoad(httpSpec(app.url, DURATION_SEC)) : await bareRun(DURATION_SEC),
    );
  }
  const a = combine(runs.app);
  const b = combine(runs.bare);
  const clean = a.non2xx === 0 && a.errors === 0 && a.ok > 0;
  const ratio = a.okPerSec / b.okPerSec;
  const pg = dialect === 'postgres';
  const minRatio = pg ? MIN_RATIO_PG : MIN_RATIO_SQLITE;
  const p99Ok = !pg || a.latencyP99Ms <= MAX_P99_FACTOR_PG * b.latencyP99Ms;
  return result({
    name: figureName('toggle-http', dialect),
    dialect,
    value: a.okPerSec,
    unit: 'req/s',
    target: pg
      ? `>= ${minRatio * 100}% of bare UPDATE, p99 <= ${MAX_P99_FACTOR_PG}x its p99`
      : `>= ${minRatio * 100}% of bare Fastify`,
    reference: { name: bareName, value: b.okPerSec, unit: pg ? 'UPDATE/s' : 'req/s' },
    pass: clean && ratio >= minRatio && p99Ok,
    notes: [
      `service: ${describeLoad(a)}`,
      `${bareName}: ${describeLoad(b)}`,
      ...(pg
        ? [
            `p99 ${a.latencyP99Ms} ms vs bare ${b.latencyP99Ms} ms = ${formatNumber(a.latencyP99Ms / b.latencyP99Ms)}x (limit ${MAX_P99_FACTOR_PG}x)`,
          ]
        : []),
      `response ${probeText.length} bytes; ${TRADERS} traders, each request a different id`,
      `service compiled and run in its own process (npm start flags), reference in its own process, autocannon in a third; runs bare, app, app, bare of ${DURATION_SEC} s each after ${WARMUP_SEC} s warm-ups`,
      clean ? 'every service response was 2xx' : 'SERVICE ANSWERED NON-2xx OR ERRORED',
    ],
  });
}
