/**
 * `GET /healthz` latency on the real server while two CPU-heavy backtests
 * run (MAX_CONCURRENT_JOBS=2, so both cores are busy in worker threads),
 * against the same server with no job running, measured in the same run in
 * alternating phases (idle, busy, busy, idle). One client (fetch, keep-alive)
 * sends requests one after another from this process; each sample is one
 * request's round trip. Targets: p99 <= 10 ms and <= 3x the idle p99.
 */
import { startServer } from '../src/main.js';
import { finished, HEAVY_BACKTEST, jobsOf, pollJob } from './jobs-fixtures.js';
import type { Benchmark } from './lib/context.js';
import { benchConfig } from './lib/fixtures.js';
import { latencyResult } from './lib/latency.js';
import { summarize } from './lib/stats.js';

const REQUESTS_PER_PHASE = 1500;
const LIMIT_MS = 10;
const MAX_RATIO = 3;

export const jobsHealthz: Benchmark = {
  name: 'jobs-healthz',
  async run(ctx) {
    const server = await startServer(
      benchConfig(ctx.tempDir('jobs-healthz'), { maxConcurrentJobs: 2, jobExecutor: 'embedded' }),
      { quiet: true },
    );
    ctx.defer(() => server.stop());
    const { jobs, close } = await jobsOf(server.services);
    ctx.defer(close);
    const { user } = await server.services.users.create('bench');

    const sample = async (n: number, out: number[]) => {
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const r = await fetch(`${server.url}/healthz`);
        await r.text();
        out.push((performance.now() - t0) * 1000);
        if (r.status !== 200) throw new Error(`/healthz answered ${r.status}`);
      }
    };

    // Two backtests always in flight while `busy` is set.
    let busy = false;
    let ran = 0;
    const durations: number[] = [];
    const loop = async () => {
      while (busy) {
        const t0 = performance.now();
        const job = await jobs.submit({ type: 'backtest', params: HEAVY_BACKTEST, userId: user.id });
        const done = await pollJob(jobs, job.id, finished, 20);
        if (done.status !== 'succeeded') throw new Error(`backtest ${done.status}: ${done.error?.message}`);
        durations.push(performance.now() - t0);
        ran++;
      }
    };
    const withJobs = async (fn: () => Promise<void>) => {
      busy = true;
      const loops = [loop(), loop()];
      // Let both reach their worker threads before measuring.
      await new Promise((r) => setTimeout(r, 300));
      try {
        await fn();
      } finally {
        busy = false;
        await Promise.all(loops);
      }
    };

    ctx.log('warming up (threads, venues, JIT)');
    await withJobs(() => sample(300, []));
    await sample(300, []);
    const idle: number[] = [];
    const loaded: number[] = [];
    for (const phase of ['idle', 'busy', 'busy', 'idle'] as const) {
      ctx.log(`${phase}: ${REQUESTS_PER_PHASE} requests`);
      if (phase === 'idle') await sample(REQUESTS_PER_PHASE, idle);
      else await withJobs(() => sample(REQUESTS_PER_PHASE, loaded));
    }
    const p99 = summarize(loaded).p99 / 1000;
    const ref = summarize(idle).p99 / 1000;
    const meanJob = durations.reduce((a, b) => a + b, 0) / Math.max(1, durations.length);
    return [
      latencyResult({
        name: 'jobs-healthz-p99',
        stat: 'p99',
        limitUs: LIMIT_MS * 1000,
        target: `p99 <= ${LIMIT_MS} ms and <= ${MAX_RATIO}x the idle p99, while two backtests run`,
        samples: loaded,
        reference: { name: 'same server, no job running', samples: idle },
        millis: true,
        checks: [
          {
            ok: p99 <= MAX_RATIO * ref,
            note: `${(p99 / ref).toFixed(2)}x the idle p99 (limit ${MAX_RATIO}x)`,
          },
          {
            ok: ran >= 4,
            note: `${ran} backtests ran during the busy phases (mean ${meanJob.toFixed(0)} ms each)`,
          },
        ],
        notes: [
          `each backtest: SMA(10/50) over ${HEAVY_BACKTEST.from}..${HEAVY_BACKTEST.to} of the simulated venue's 1m bars (candles built and simulated in the worker thread); MAX_CONCURRENT_JOBS=2`,
          'one fetch client (keep-alive) in the server process, sequential requests; phases idle, busy, busy, idle',
        ],
      }),
    ];
  },
};
