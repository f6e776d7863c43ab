/**
 * `GET /metrics` on the real app with every family populated: realistic
 * traffic first (traders CRUD and toggles, prices, candles, markets, 404s,
 * statements across the store's query families, a connected job source),
 * then scrapes through Fastify, interleaved with the same scrape of a bare
 * Fastify app serving a prom-client registry with only the default metrics.
 * Second figure: the query-timing decorator's cost on a fast statement (a
 * trader by primary key on SQLite), decorated vs undecorated in interleaved
 * rounds, as overhead in percent.
 */
import Fastify from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { buildApp } from '../src/app.js';
import { unwrapDatabase } from '../src/observability/timed-database.js';
import type { Database } from '../src/store/database.js';
import type { Benchmark } from './lib/context.js';
import { createTraders, openServices } from './lib/fixtures.js';
import { latencyResult } from './lib/latency.js';
import { result } from './lib/result.js';
import { formatNumber } from './lib/stats.js';

const SCRAPES = 300;
const TRADERS = 200;
const TARGET_MS = 20;
const QUERY_OPS = 100_000;
const QUERY_ROUNDS = 7;
const MAX_OVERHEAD_PCT = 10;

const nowUs = () => Number(process.hrtime.bigint()) / 1000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** ns per `db.first(q)` over QUERY_OPS calls. */
async function nsPerQuery(db: Database, q: { sql: string; parameters: readonly unknown[] }): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < QUERY_OPS; i++) await db.first(q);
  return Number(process.hrtime.bigint() - t0) / QUERY_OPS;
}

export const metricsScrape: Benchmark = {
  name: 'metrics-scrape',
  async run(ctx) {
    const s = await openServices(ctx.tempDir('metrics-scrape'));
    ctx.defer(() => s.close());
    // The services' own observability and timed database, as the server runs them; a lone
    // instance holds the `metrics` lease, so it exports the families read from the database too.
    await s.metricsLease.start();
    const obs = s.observability;
    const timed = s.db;
    obs.connectJobs(() => ({
      queued: 3,
      running: 2,
      succeeded: 120,
      failed: 4,
      cancelled: 1,
      durations: ['backtest', 'montecarlo', 'maintenance'].map((type, i) => ({
        type,
        count: 40 + i,
        sumMs: 9000 * (i + 1),
        p50Ms: 150,
        p99Ms: 900,
      })),
    }));
    const app = await buildApp(s);
    ctx.defer(() => app.close());

    // Realistic traffic through the app.
    const { user, token } = await s.users.create('bench');
    const ids = await createTraders(s, user.id, TRADERS);
    const headers = { authorization: `Bearer ${token}` };
    const get = (url: string) => app.inject({ url, headers });
    const symbols = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT'];
    for (let i = 0; i < 400; i++) {
      const id = ids[i % ids.length]!;
      await get(`/api/v1/traders/${id}`);
      if (i % 4 === 0)
        await app.inject({
          method: 'PATCH',
          url: `/api/v1/traders/${id}`,
          headers,
          payload: { enabled: i % 8 === 0 },
        });
      if (i % 10 === 0) await get('/api/v1/traders?limit=50');
      if (i % 10 === 1) await get('/api/v1/traders/performance');
      if (i % 5 === 2) await get(`/api/v1/prices?symbols=${symbols.join(',')}`);
      if (i % 20 === 3) await get(`/api/v1/ohlcv/${encodeURIComponent(symbols[i % 4]!)}?tf=1h&limit=50`);
      if (i % 20 === 4) await get('/api/v1/markets?limit=100');
      if (i % 25 === 5) await get('/api/v1/traders/99999999');
      if (i % 25 === 6) await app.inject({ url: `/nope/${i}` });
      if (i % 50 === 7) await get('/api/v1/performance/cache');
      if (i % 50 === 8) await app.inject({ url: '/healthz' });
    }
    // Statements across the store's query families, through the timing decorator.
    const k = s.db.kysely;
    const stmts = [
      k.selectFrom('traders').selectAll().where('id', '=', ids[0]!).compile(),
      k.selectFrom('users').selectAll().where('id', '=', user.id).compile(),
      k.selectFrom('orders').select('id').where('user_id', '=', user.id).limit(10).compile(),
      k.selectFrom('positions').select('id').limit(10).compile(),
      k.selectFrom('trading_pairs').select('id').limit(10).compile(),
    ];
    const update = k.updateTable('traders').set({ name: 'Trader 1' }).where('id', '=', ids[0]!).compile();
    for (let i = 0; i < 200; i++) {
      for (const q of stmts) await timed.all(q);
      await timed.run(update);
    }

    const check = await app.inject({ url: '/metrics' });
    const body = check.body;
    const families = [
      'tradeloop_http_request_duration_seconds_bucket',
      'tradeloop_cache_hits_total',
      'tradeloop_upstream_calls_total',
      'tradeloop_db_query_duration_seconds_bucket',
      'tradeloop_jobs',
      'tradeloop_jobs_finished',
      'tradeloop_event_loop_lag_p99_seconds',
      'process_resident_memory_bytes',
    ];
    const missing = families.filter((f) => !body.includes(`\n${f}{`) && !body.includes(`\n${f} `));
    const lines = body.split('\n').filter((l) => l && !l.startsWith('#')).length;

    const bareRegistry = new Registry();
    collectDefaultMetrics({ register: bareRegistry });
    const bare = Fastify({ logger: false });
    bare.get('/metrics', async (_req, reply) =>
      reply.type(bareRegistry.contentType).send(await bareRegistry.metrics()),
    );
    ctx.defer(() => bare.close());
    const bareLines = (await bare.inject({ url: '/metrics' })).body
      .split('\n')
      .filter((l) => l && !l.startsWith('#')).length;

    const subject: number[] = [];
    const reference: number[] = [];
    for (let i = -20; i < SCRAPES; i++) {
      let t0 = nowUs();
      await app.inject({ url: '/metrics' });
      const a = nowUs() - t0;
      t0 = nowUs();
      await bare.inject({ url: '/metrics' });
      const b = nowUs() - t0;
      if (i < 0) continue; // warm-up
      subject.push(a);
      reference.push(b);
    }
    ctx.log(`scrape: ${lines} samples (bare registry: ${bareLines}), ${Math.round(body.length / 1024)} KiB`);

    // Query-timing overhead on a fast statement (SQLite primary-key read).
    const q = k.selectFrom('traders').selectAll().where('id', '=', ids[1]!).compile();
    const plain: number[] = [];
    const decorated: number[] = [];
    const plainDb = unwrapDatabase(s.db);
    for (let r = -1; r < QUERY_ROUNDS; r++) {
      const p = await nsPerQuery(plainDb, q);
      const d = await nsPerQuery(timed, q);
      if (r < 0) continue;
      plain.push(p);
      decorated.push(d);
    }
    const plainNs = median(plain);
    const decoratedNs = median(decorated);
    const overheadPct = ((decoratedNs - plainNs) / plainNs) * 100;
    ctx.log(`query timing: ${formatNumber(plainNs)} ns plain, ${formatNumber(decoratedNs)} ns timed`);

    return [
      latencyResult({
        name: 'metrics-scrape',
        stat: 'p99',
        limitUs: TARGET_MS * 1000,
        target: `p99 <= ${TARGET_MS} ms`,
        samples: subject,
        reference: { name: 'bare prom-client registry (default metrics only)', samples: reference },
        millis: true,
        checks: [
          { ok: check.statusCode === 200, note: `GET /metrics answered ${check.statusCode}` },
          {
            ok: missing.length === 0,
            note: `all families populated${missing.length ? ` (missing: ${missing.join(', ')})` : ''}`,
          },
        ],
        notes: [
          `${lines} samples in ${Math.round(body.length / 1024)} KiB vs ${bareLines} samples for the bare registry`,
          `after ${TRADERS} traders and ~1,000 requests over 12 routes, 1,200 timed statements`,
          'through fastify.inject (no socket)',
        ],
      }),
      result({
        name: 'query-timing-overhead',
        value: Math.round(overheadPct * 10) / 10,
        unit: '%',
        target: `<= ${MAX_OVERHEAD_PCT} % on a primary-key read`,
        reference: { name: 'undecorated db.first', value: Math.round(plainNs), unit: 'ns' },
        pass: overheadPct <= MAX_OVERHEAD_PCT,
        notes: [
          `median of ${QUERY_ROUNDS} interleaved rounds of ${formatNumber(QUERY_OPS)} reads: ${formatNumber(plainNs)} ns plain, ${formatNumber(decoratedNs)} ns timed (+${formatNumber(decoratedNs - plainNs)} ns)`,
          'every statement timed (no sampling)',
        ],
      }),
    ];
  },
};
