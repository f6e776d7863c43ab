/**
 * `npm run bench [-- <filter>[,<filter>...]]`: runs every benchmark whose name
 * contains a filter (all of them without one), one after another, in a temp
 * directory removed afterwards. Each benchmark runs BENCH_ROUNDS rounds
 * (default 3) and each figure is its median round with the spread beside it
 * (lib/rounds.ts). Writes bench/results/<name>.json per figure and prints the
 * table; bench/results/latest.md is rewritten only by a complete run (no
 * filter), from that run alone. A missed target is a recorded result
 * (pass: false), not a crash: the exit code is non-zero only when a
 * benchmark could not run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { aiPipeline } from './ai-pipeline.js';
import { backtest } from './backtest.js';
import { backup } from './backup.js';
import { bulkImport } from './bulk-import.js';
import { cacheHit } from './cache-hit.js';
import { cacheInvalidation } from './cache-invalidation.js';
import { cacheStampede } from './cache-stampede.js';
import { copyBacktest } from './copy-backtest.js';
import { copyFanout, copyFanoutHistory } from './copy-fanout.js';
import { copySustained } from './copy-sustained.js';
import { dashboard } from './dashboard.js';
import { fleetFailover } from './fleet-failover.js';
import { fleetPush } from './fleet-push.js';
import { jobMemory } from './job-memory.js';
import { jobsHealthz } from './jobs-healthz.js';
import { jobsSubmit } from './jobs-submit.js';
import { jobsSubmitRedisOutage } from './jobs-submit-redis-outage.js';
import { buildBigDb } from './lib/big-db.js';
import { buildCli } from './lib/child-server.js';
import { type Benchmark, RunContext } from './lib/context.js';
import { createSchema } from './lib/dialects.js';
import { consoleTable, markdownTable, readResults, writeResults } from './lib/report.js';
import { type BenchResult, failure } from './lib/result.js';
import { byFigure, describeSpread, medianRound, roundsFromEnv } from './lib/rounds.js';
import { liveCopy } from './live-copy.js';
import { marketdataCallsSaved } from './marketdata-calls-saved.js';
import { metricsScrape } from './metrics-scrape.js';
import { montecarlo } from './montecarlo.js';
import { montecarloWorkers } from './montecarlo-workers.js';
import { orderById } from './order-by-id.js';
import { ordersJoinFiltered } from './orders-join-filtered.js';
import { pgClient } from './pg-client.js';
import { positionsHttp } from './positions-http.js';
import { priceStream } from './price-stream.js';
import { pricesHttp } from './prices-http.js';
import { recentOrders } from './recent-orders.js';
import { rss } from './rss.js';
import { toggleHttp } from './toggle-http.js';
import { toggleService } from './toggle-service.js';
import { tradersPerformance } from './traders-performance.js';
import { wsFanout } from './ws-fanout.js';

const BENCHMARKS: Benchmark[] = [
  toggleService,
  toggleHttp,
  pgClient,
  bulkImport,
  orderById,
  recentOrders,
  ordersJoinFiltered,
  tradersPerformance,
  backup,
  rss,
  cacheHit,
  cacheStampede,
  cacheInvalidation,
  marketdataCallsSaved,
  pricesHttp,
  positionsHttp,
  priceStream,
  wsFanout,
  fleetPush,
  fleetFailover,
  backtest,
  montecarlo,
  montecarloWorkers,
  jobMemory,
  jobsHealthz,
  jobsSubmit,
  jobsSubmitRedisOutage,
  metricsScrape,
  dashboard,
  copyFanout,
  copyFanoutHistory,
  copySustained,
  liveCopy,
  copyBacktest,
  aiPipeline,
];

const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<number> {
  if (process.argv[2] === '--table') {
    // The table of every figure recorded in bench/results/, whatever run it came from (for the README).
    process.stdout.write(
      markdownTable(
        readResults(RESULTS_DIR),
        BENCHMARKS.map((b) => b.name),
      ),
    );
    return 0;
  }
  const filter = process.argv[2] ?? '';
  // Several filters separated by commas select every benchmark matching any of them.
  const filters = filter.split(',');
  const selected = BENCHMARKS.filter((b) => filters.some((f) => b.name.includes(f)));
  if (selected.length === 0) {
    process.stderr.write(
      `no benchmark name contains "${filter}"; known: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`,
    );
    return 2;
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-bench-'));
  const removeRoot = () => fs.rmSync(root, { recursive: true, force: true });
  process.once('exit', removeRoot);
  const schemas: (() => Promise<void>)[] = [];
  const buildBig = async (dir: string, log: (m: string) => void, dialect: 'sqlite' | 'postgres') => {
    if (dialect === 'sqlite') return buildBigDb(dir, log);
    const { url, drop } = await createSchema('big');
    schemas.push(drop);
    return buildBigDb(dir, log, url);
  };
  const ctx = new RunContext(root, buildBig, (dir) => buildCli(PROJECT_ROOT, dir));
  // Interrupted: stop child servers and close databases before the temp directory goes.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void ctx.cleanup().finally(() => process.exit(130)));
  }

  const rounds = roundsFromEnv();
  const results: BenchResult[] = [];
  let crashed = 0;
  const started = performance.now();
  try {
    for (const b of selected) {
      const perRound: BenchResult[][] = [];
      for (let round = 1; round <= rounds; round++) {
        process.stdout.write(`▶ ${b.name} (round ${round} of ${rounds})\n`);
        perRound.push(await runRound(b, ctx));
      }
      for (const group of byFigure(perRound)) {
        const r = medianRound(group);
        results.push(r);
        if (!Number.isFinite(r.value)) crashed++;
        if (r.rounds && r.rounds.n > 1)
          process.stdout.write(
            `  = ${r.pass ? 'pass' : 'MISS'} ${r.name}: median ${r.value} ${r.unit} (${describeSpread(r.rounds, r.unit)})\n`,
          );
      }
    }
  } finally {
    removeRoot();
    for (const drop of schemas) await drop().catch(() => {});
  }
  writeResults(RESULTS_DIR, results);
  if (filter === '') {
    fs.writeFileSync(
      path.join(RESULTS_DIR, 'latest.md'),
      markdownTable(
        results,
        BENCHMARKS.map((b) => b.name),
      ),
    );
  } else {
    process.stdout.write(
      '\nbench/results/latest.md left as it was: only a complete run (no filter) writes it\n',
    );
  }
  process.stdout.write(`\n${consoleTable(results)}\n\n`);
  process.stdout.write(
    `${results.length} figures in ${((performance.now() - started) / 1000).toFixed(0)} s; `,
  );
  process.stdout.write(
    `${results.filter((r) => !r.pass).length} missed. Written to ${path.relative(process.cwd(), RESULTS_DIR)}/\n`,
  );
  return crashed === 0 ? 0 : 1;
}

/** One round of one benchmark; a crash is recorded as a failed figure. */
async function runRound(b: Benchmark, ctx: RunContext): Promise<BenchResult[]> {
  const t0 = performance.now();
  try {
    const rs = await b.run(ctx.forBenchmark(b.name));
    for (const r of rs)
      process.stdout.write(`  ${r.pass ? 'pass' : 'MISS'} ${r.name}: ${r.value} ${r.unit} — ${r.notes}\n`);
    return rs;
  } catch (err) {
    const r = failure(b.name, err);
    process.stdout.write(`  FAIL ${b.name}: ${r.notes}\n`);
    return [r];
  } finally {
    await ctx.cleanup();
    process.stdout.write(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
