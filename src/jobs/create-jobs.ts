/**
 * Builds the job system from configuration: the executor (embedded worker
 * threads, or BullMQ when REDIS_URL is set and JOB_EXECUTOR is auto or
 * bullmq), the worker pool when this process runs jobs, and the manager.
 *
 * @example
 * // in buildServices (src/container.ts):
 * const jobs = await createJobs({ db, clock, venueConfig: venueConfig(config) }, config);
 * // `tradeloop worker`:
 * const jobs = await createJobs(deps, config, { role: 'worker' });
 */
import type { Config } from '../config/schema.js';
import type { Clock } from '../domain/clock.js';
import { ValidationError } from '../domain/errors.js';
import type { Database } from '../store/database.js';
import { JobRepository } from '../store/job-repository.js';
import type { LeaderSourceConfig } from '../venues/leader-source-config.js';
import type { VenueConfig } from '../venues/registry.js';
import { EmbeddedExecutor } from './embedded-executor.js';
import type { DependencyReports, JobExecutor } from './executor.js';
import { JobManager } from './job-manager.js';
import { JobRunner, type JobRunnerOptions } from './job-runner.js';
import type { RecordedAnswerSource } from './model-replay-submission.js';
import { ResearchVenues } from './research-venues.js';
import { resolveConcurrency, WorkerPool } from './worker-pool.js';

export type JobsConfig = Pick<
  Config,
  | 'maxConcurrentJobs'
  | 'jobTimeoutMs'
  | 'jobSubmitTimeoutMs'
  | 'jobExecutor'
  | 'jobApiWorker'
  | 'jobStallMs'
  | 'jobQueuePrefix'
  | 'jobQuotaPerUser'
  | 'monteCarloMaxSteps'
  | 'jobResultMaxBytes'
  | 'jobResultTtlDays'
  | 'redisUrl'
  | 'venue'
  | 'venueSeed'
  | 'simLeaders'
  | 'simLeaderIntervalMs'
  | 'polymarketDataApi'
  | 'solanaRpcUrl'
  | 'hyperliquidApiUrl'
>;

/** The leader sources a copy backtest may replay, as the copy engine builds them. */
export function researchSources(config: JobsConfig): LeaderSourceConfig[] {
  const out: LeaderSourceConfig[] = [
    { kind: 'polymarket', origin: config.polymarketDataApi },
    { kind: 'solana', rpcUrl: config.solanaRpcUrl },
    { kind: 'hyperliquid', origin: config.hyperliquidApiUrl },
  ];
  if (config.simLeaders > 0)
    out.push({
      kind: 'simulated',
      venueSeed: config.venueSeed,
      seed: config.venueSeed,
      leaderCount: config.simLeaders,
      meanIntervalMs: config.simLeaderIntervalMs,
    });
  return out;
}

export interface JobDeps {
  db: Database;
  clock: Clock;
  /** The service's own venue (`venueConfig(config)` in container.ts); backtests may also use replay and simulated. */
  venueConfig: VenueConfig;
  /** Errors no caller waits for (a progress write failed, Redis hiccup). */
  onError?: (err: unknown) => void;
  /** Where the queue's dependency (Redis) answering or failing is reported. */
  reports?: DependencyReports;
  /** Each job run here that reached a final status (the worker's own metrics). */
  onSettled?: JobRunnerOptions['onSettled'];
  /** The pipeline's recorded decider answers, which a backtest's `modelReplay` replays (the API's jobs). */
  recordedAnswers?: RecordedAnswerSource;
}

export interface CreateJobsOptions {
  /** `api` (default): queue, and run jobs unless BullMQ with JOB_API_WORKER=off. `worker`: a BullMQ consumer. */
  role?: 'api' | 'worker';
  /** BullMQ queue name (tests use one per run). */
  queueName?: string;
  /** Wall-time between progress samples. @default 250 */
  progressEveryMs?: number;
}

/** The executor the configuration selects. */
export function executorKind(config: JobsConfig): 'embedded' | 'bullmq' {
  if (config.jobExecutor === 'bullmq' && !config.redisUrl) {
    throw new ValidationError('JOB_EXECUTOR=bullmq needs REDIS_URL', {
      details: [{ path: 'REDIS_URL', message: 'must be set when JOB_EXECUTOR=bullmq' }],
    });
  }
  if (config.jobExecutor === 'embedded') return 'embedded';
  return config.redisUrl ? 'bullmq' : 'embedded';
}

export async function createJobs(
  deps: JobDeps,
  config: JobsConfig,
  opts: CreateJobsOptions = {},
): Promise<JobManager> {
  const kind = executorKind(config);
  if (opts.role === 'worker' && kind !== 'bullmq') {
    throw new ValidationError('tradeloop worker needs a BullMQ queue: set REDIS_URL', {
      details: [
        { path: 'REDIS_URL', message: 'must be set (and JOB_EXECUTOR auto or bullmq) to run workers' },
      ],
    });
  }
  const repo = new JobRepository(deps.db, { resultMaxBytes: config.jobResultMaxBytes });
  const venues = new ResearchVenues(
    { name: config.venue, config: deps.venueConfig },
    config.venueSeed,
    researchSources(config),
  );
  const concurrency = resolveConcurrency(config.maxConcurrentJobs);
  const consume = kind === 'embedded' || opts.role === 'worker' || config.jobApiWorker === 'on';
  const pool = consume ? new WorkerPool(concurrency) : undefined;
  const runner =
    pool &&
    new JobRunner({
      repo,
      pool,
      venues,
      clock: deps.clock,
      ...(opts.progressEveryMs === undefined ? {} : { progressEveryMs: opts.progressEveryMs }),
      ...(deps.onError ? { onError: deps.onError } : {}),
      ...(deps.onSettled ? { onSettled: deps.onSettled } : {}),
    });
  let executor: JobExecutor;
  if (kind === 'embedded') {
    executor = new EmbeddedExecutor(runner!, repo, deps.clock, concurrency, deps.onError);
  } else {
    // BullMQ (and its Redis client) load only when jobs go through Redis.
    const { BullmqExecutor } = await import('./bullmq-executor.js');
    executor = new BullmqExecutor({
      redisUrl: config.redisUrl,
      prefix: config.jobQueuePrefix,
      ...(opts.queueName ? { queueName: opts.queueName } : {}),
      repo,
      clock: deps.clock,
      ...(runner ? { runner } : {}),
      concurrency,
      stallMs: config.jobStallMs,
      ...(deps.onError ? { onError: deps.onError } : {}),
      ...(deps.reports ? { reports: deps.reports } : {}),
    });
  }
  await executor.start();
  return new JobManager({
    repo,
    executor,
    clock: deps.clock,
    timeoutMs: config.jobTimeoutMs,
    submitTimeoutMs: config.jobSubmitTimeoutMs,
    venues: venues.names,
    defaultVenue: config.venue,
    checkAddress: venues.checkAddress,
    quotaPerUser: config.jobQuotaPerUser,
    monteCarloMaxSteps: config.monteCarloMaxSteps,
    resultTtlDays: config.jobResultTtlDays,
    symbols: (name) => venues.symbols(name, deps.clock),
    ...(deps.recordedAnswers ? { recordedAnswers: deps.recordedAnswers } : {}),
    onClose: async () => pool?.close(),
  });
}
