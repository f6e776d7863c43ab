/**
 * `npm run bench [-- <filter>]`: runs every benchmark whose name contains
 * the filter (all of them without one), one after another, in a temp
 * directory removed afterwards; writes bench/results/<name>.json per figure
 * and bench/results/latest.md, and prints the table. A missed target is a
 * recorded result (pass: false), not a crash: the exit code is non-zero only
 * when a benchmark could not run.
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
import { copyFanout } from './copy-fanout.js';
import { copySustained } from './copy-sustained.js';
import { dashboard } from './dashboard.js';
import { fleetFailover } from './fleet-failover.js';
import { fleetPush } from './fleet-push.js';
import { jobMemory } from './job-memory.js';
import { jobsHealthz } from './jobs-healthz.js';
import { jobsSubmit } from './jobs-submit.js';
import { jobsSubmitRedisOutage } from './jobs-submit-redis-outage.js';
import { buildBigDb } from './lib/big-db.js';
import { type Benchmark, RunContext } from './lib/context.js';
import { consoleTable, markdownTable, readResults, writeResults } from './lib/report.js';
import { type BenchResult, failure } from './lib/result.js';
import { liveCopy } from './live-copy.js';
import { marketdataCallsSaved } from './marketdata-calls-saved.js';
import { metricsScrape } from './metrics-scrape.js';
import { montecarlo } from './montecarlo.js';
import { montecarloWorkers } from './montecarlo-workers.js';
import { orderById } from './order-by-id.js';
import { ordersJoinFiltered } from './orders-join-filtered.js';
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
  copySustained,
  liveCopy,
  copyBacktest,
  aiPipeline,
];

const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

async function main(): Promise<number> {
  const filter = process.argv[2] ?? '';
  const selected = BENCHMARKS.filter((b) => b.name.includes(filter));
  if (selected.length === 0) {
    process.stderr.write(
      `no benchmark name contains "${filter}"; known: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`,
    );
    return 2;
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-bench-'));
  const removeRoot = () => fs.rmSync(root, { recursive: true, force: true });
  process.once('exit', removeRoot);
  const ctx = new RunContext(root, buildBigDb);
  // Interrupted: stop child servers and close databases before the temp directory goes.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void ctx.cleanup().finally(() => process.exit(130)));
  }

  const results: BenchResult[] = [];
  let crashed = 0;
  const started = performance.now();
  try {
    for (const b of selected) {
      process.stdout.write(`▶ ${b.name}\n`);
      const t0 = performance.now();
      try {
        const rs = await b.run(ctx.forBenchmark(b.name));
        results.push(...rs);
        for (const r of rs)
          process.stdout.write(
            `  ${r.pass ? 'pass' : 'MISS'} ${r.name}: ${r.value} ${r.unit} — ${r.notes}\n`,
          );
      } catch (err) {
        const r = failure(b.name, err);
        results.push(r);
        crashed++;
        process.stdout.write(`  FAIL ${b.name}: ${r.notes}\n`);
      } finally {
        await ctx.cleanup();
      }
      process.stdout.write(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    }
  } finally {
    removeRoot();
  }
  writeResults(RESULTS_DIR, results);
  fs.writeFileSync(
    path.join(RESULTS_DIR, 'latest.md'),
    markdownTable(
      readResults(RESULTS_DIR),
      BENCHMARKS.map((b) => b.name),
    ),
  );
  process.stdout.write(`\n${consoleTable(results)}\n\n`);
  process.stdout.write(
    `${results.length} figures in ${((performance.now() - started) / 1000).toFixed(0)} s; `,
  );
  process.stdout.write(
    `${results.filter((r) => !r.pass).length} missed. Written to ${path.relative(process.cwd(), RESULTS_DIR)}/\n`,
  );
  return crashed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
