/**
 * What the job benchmarks share: the job manager of a running service
 * (`services.jobs` once the composition root wires it, else built from the
 * same config), the jobs they submit, and a tight poll for a job's state.
 */

import type { Services } from '../src/container.js';
import { createJobs, type Job, type JobManager } from '../src/jobs/index.js';
import { venueConfig } from '../src/part-config.js';

/** The service's job manager; `close` only closes one built here. */
export async function jobsOf(s: Services): Promise<{ jobs: JobManager; close(): Promise<void> }> {
  const wired = (s as unknown as { jobs?: JobManager }).jobs;
  if (wired) return { jobs: wired, close: async () => {} };
  const jobs = await createJobs({ db: s.db, clock: s.clock, venueConfig: venueConfig(s.config) }, s.config);
  return { jobs, close: () => jobs.close() };
}

/** A CPU-heavy backtest of about a second: SMA(10/50) over a year of the simulated venue's 1-minute bars. */
export const HEAVY_BACKTEST = {
  strategy: 'sma-cross',
  params: { fast: 10, slow: 50 },
  venue: 'simulated',
  symbol: 'BTC/USDT',
  timeframe: '1m',
  from: '2023-01-01',
  to: '2023-12-31',
  feeRate: 0.001,
  initialCapital: 10_000,
};

/** A Monte Carlo job of a few milliseconds. */
export const TINY_MONTECARLO = {
  tradeReturns: [0.02, -0.01, 0.015, -0.02, 0.01],
  method: 'bootstrap',
  tradesPerPath: 100,
  paths: 1000,
  seed: 1,
};

/** Polls job `id` (about every `everyMs`) until `done`; returns it with the wall time waited. */
export async function pollJob(
  jobs: JobManager,
  id: number,
  done: (j: Job) => boolean,
  everyMs = 1,
  timeoutMs = 120_000,
): Promise<Job> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const j = await jobs.get(id);
    if (done(j)) return j;
    if (performance.now() > until) throw new Error(`job ${id} stuck in ${j.status}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const finished = (j: Job) => !['queued', 'running'].includes(j.status);
