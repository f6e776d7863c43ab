/**
 * Real services on a fresh database with the job system built from the same
 * config the service uses: `services.jobs` once the composition root wires
 * it, `createJobs` otherwise. Also the long and short jobs the suites submit
 * and a poller that waits for a job to reach a state.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Config } from '../../src/config/schema.js';
import { createJobs, type Job, type JobManager } from '../../src/jobs/index.js';
import { venueConfig } from '../../src/part-config.js';
import type { DatabaseTarget } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';

export interface JobsHarness extends TestContext {
  jobs: JobManager;
  config: Config;
  alice: number;
  bob: number;
  /** Closes only the job manager (a restart test builds another). */
  reopen(overrides?: Partial<Config>): Promise<JobManager>;
}

/** A BullMQ key prefix no other suite or run shares. */
export function uniquePrefix(label: string): string {
  return `tl-test-${label}-${randomBytes(4).toString('hex')}`;
}

export async function jobsHarness(
  target: DatabaseTarget,
  overrides: Partial<Config> = {},
): Promise<JobsHarness> {
  // LONG_JOB asks for 10^9 steps, over the default MONTECARLO_MAX_STEPS: these suites raise the cap.
  const ctx = await testServices(
    target,
    { maxConcurrentJobs: 1, monteCarloMaxSteps: 1_000_000_000, ...overrides },
    { realClock: true },
  );
  const s = ctx.services;
  const wired = (s as unknown as { jobs?: JobManager }).jobs;
  const build = (o: Partial<Config> = {}) =>
    createJobs({ db: s.db, clock: s.clock, venueConfig: venueConfig(s.config) }, { ...s.config, ...o });
  let jobs = wired ?? (await build());
  const alice = (await s.users.create('alice')).user.id;
  const bob = (await s.users.create('bob')).user.id;
  const managers = new Set<JobManager>([jobs]);
  return {
    ...ctx,
    get jobs() {
      return jobs;
    },
    config: s.config,
    alice,
    bob,
    async reopen(o = {}) {
      await jobs.close();
      managers.delete(jobs);
      jobs = await build(o);
      managers.add(jobs);
      return jobs;
    },
    async close() {
      for (const m of managers) if (m !== wired) await m.close();
      await ctx.close();
      if (s.config.redisUrl && s.config.jobQueuePrefix.startsWith('tl-test-'))
        await dropKeys(s.config.redisUrl, `${s.config.jobQueuePrefix}:*`);
    },
  };
}

/** Removes a test run's queue keys. */
async function dropKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    for await (const keys of redis.scanStream({ match: pattern, count: 500 })) {
      if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
}

/** A backtest that takes milliseconds: SMA(10/50) on the replay venue's S&P 500, 2000-2020. */
export const SPX_BACKTEST = {
  strategy: 'sma-cross',
  params: { fast: 10, slow: 50 },
  venue: 'replay',
  symbol: 'SPX',
  timeframe: '1d',
  from: '2000-01-01',
  to: '2020-12-31',
  feeRate: 0.001,
  initialCapital: 10_000,
};

const RETURNS = Array.from({ length: 200 }, (_, i) => ((i * 37) % 11) / 100 - 0.045);

/** A Monte Carlo job of about `steps` path-trades (1e8 is about a second on one thread). */
export function monteCarlo(steps: number, seed = 7) {
  const tradesPerPath = 1000;
  return {
    tradeReturns: RETURNS,
    method: 'bootstrap',
    tradesPerPath,
    paths: Math.max(1, Math.round(steps / tradesPerPath)),
    seed,
  };
}

/** Long enough to be seen running, cancelled or timed out: many seconds of work (needs MONTECARLO_MAX_STEPS >= 10^9). */
export const LONG_JOB = monteCarlo(1_000_000_000);
/** Short: a few milliseconds. */
export const SHORT_JOB = monteCarlo(200_000);

/** Polls job `id` until `done(job)`; fails after `timeoutMs` with the last state seen. */
export async function waitForJob(
  jobs: JobManager,
  id: number,
  done: (j: Job) => boolean,
  timeoutMs = 20_000,
): Promise<Job> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const j = await jobs.get(id);
    if (done(j)) return j;
    if (Date.now() > until)
      throw new Error(
        `job ${id} did not reach the expected state: ${JSON.stringify({ ...j, result: undefined })}`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const isFinished = (j: Job) => !['queued', 'running'].includes(j.status);
