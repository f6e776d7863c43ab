/**
 * Job counts and durations, read at scrape time from whatever the job
 * system reports. The job manager is connected through `JobStatsSource`, so
 * this module knows nothing of how jobs run.
 */
import type { Registry } from 'prom-client';
import type { JobStatsSnapshot, JobTypeDurations } from '../store/job-stats.js';
import { oncePerScrape, registerCollected, type Sample, SnapshotMetric } from './collected-metric.js';

/** What the job system reports (the jobs table's counts, read by `store/job-stats.ts`). */
export type JobStats = JobStatsSnapshot;

export type JobStatsSource = () => JobStats;

/**
 * Where the job families come from: the stats, or undefined when this
 * instance does not export them (in a fleet only the holder of the
 * `metrics` lease does, so that a sum over instances counts each row once).
 */
export type ExportedJobStats = () => JobStats | undefined;

/**
 * Registers the job families. All are gauges read from the jobs table, so
 * they can go down (rows deleted, the duration window slides):
 * `tradeloop_jobs{state}` (queued, running), `tradeloop_jobs_finished{outcome}`,
 * and per job type over the last hour `tradeloop_jobs_finished_last_hour{type}`,
 * `tradeloop_job_duration_p50_seconds{type}`, `tradeloop_job_duration_p99_seconds{type}`.
 * They replace `tradeloop_jobs_finished_total` (a counter) and
 * `tradeloop_job_duration_seconds` (a summary), which every instance exported.
 *
 * @example
 * registerJobMetrics(registry, () => (lease.held ? jobStats.snapshot() : undefined));
 */
export function registerJobMetrics(registry: Registry, source: ExportedJobStats): void {
  const snapshot = oncePerScrape(source);
  const family = (name: string, help: string, samples: (s: JobStats) => Sample[]) =>
    registerCollected(
      registry,
      new SnapshotMetric(name, help, 'gauge', () => {
        const s = snapshot();
        return s === undefined ? [] : samples(s);
      }),
    );
  family('tradeloop_jobs', 'Jobs waiting or running, by state (jobs table)', (s) => [
    { labels: { state: 'queued' }, value: s.queued },
    { labels: { state: 'running' }, value: s.running },
  ]);
  family('tradeloop_jobs_finished', 'Finished jobs in the jobs table, by outcome', (s) => [
    { labels: { outcome: 'succeeded' }, value: s.succeeded },
    { labels: { outcome: 'failed' }, value: s.failed },
    { labels: { outcome: 'cancelled' }, value: s.cancelled },
  ]);
  const perType = (pick: (d: JobTypeDurations) => number) => (s: JobStats) =>
    s.durations.map((d): Sample => ({ labels: { type: d.type }, value: pick(d) }));
  family(
    'tradeloop_jobs_finished_last_hour',
    'Jobs that finished in the last hour, by job type',
    perType((d) => d.count),
  );
  family(
    'tradeloop_job_duration_p50_seconds',
    'Median run time of the jobs finished in the last hour, by job type',
    perType((d) => d.p50Ms / 1000),
  );
  family(
    'tradeloop_job_duration_p99_seconds',
    '99th percentile run time of the jobs finished in the last hour, by job type',
    perType((d) => d.p99Ms / 1000),
  );
}
