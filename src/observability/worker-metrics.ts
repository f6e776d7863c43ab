/**
 * What `tradeloop worker` exports on WORKER_METRICS_PORT: prom-client's
 * process metrics and the jobs this process ran (counts by type and outcome,
 * run-time histograms). All process-local: each worker reports only its own
 * work, so sums over workers are right. Counts of the jobs table's rows are
 * exported by the API instance holding the `metrics` lease, never here.
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface WorkerMetrics {
  readonly registry: Registry;
  /** Records a job run here that reached a final status after `ms` of run time. */
  settled(type: string, outcome: string, ms: number): void;
}

/** Run-time buckets in seconds: backtests take from tens of milliseconds to many minutes. */
const JOB_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/** @example const m = createWorkerMetrics(); createJobs({ ..., onSettled: m.settled }, config, { role: 'worker' }); */
export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const runs = new Counter({
    name: 'tradeloop_worker_jobs_total',
    help: 'Jobs this worker process ran to a final status, by type and outcome',
    labelNames: ['type', 'outcome'],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: 'tradeloop_worker_job_duration_seconds',
    help: 'Run time of the jobs this worker process ran, by type',
    labelNames: ['type'],
    buckets: JOB_SECONDS,
    registers: [registry],
  });
  return {
    registry,
    settled(type, outcome, ms) {
      runs.inc({ type, outcome });
      seconds.observe({ type }, ms / 1000);
    },
  };
}
