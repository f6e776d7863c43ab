/**
 * Job counts and durations, read at scrape time from whatever the job
 * system reports. The job manager is connected through `JobStatsSource`, so
 * this module knows nothing of how jobs run.
 */
import type { Registry } from 'prom-client';
import { oncePerScrape, registerCollected, type Sample, SnapshotMetric } from './collected-metric.js';

export interface JobTypeDurations {
  type: string;
  /** Finished jobs of this type (succeeded or failed). */
  count: number;
  sumMs: number;
  p50Ms: number;
  p99Ms: number;
}

/** What the job system reports; counts of finished jobs are totals since start (or all time). */
export interface JobStats {
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled?: number;
  durations?: JobTypeDurations[];
}

export type JobStatsSource = () => JobStats;

/** Before a source is connected, every family reads as zero (so dashboards see the families). */
export const NO_JOBS: JobStats = {
  queued: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  cancelled: 0,
  durations: [],
};

/**
 * Registers `tradeloop_jobs{state}`, `tradeloop_jobs_finished_total{outcome}`
 * and `tradeloop_job_duration_seconds{type}` (a summary).
 *
 * @example
 * registerJobMetrics(registry, () => jobManager.stats());
 */
export function registerJobMetrics(registry: Registry, source: JobStatsSource): void {
  const snapshot = oncePerScrape(source);
  registerCollected(
    registry,
    new SnapshotMetric('tradeloop_jobs', 'Jobs waiting or running, by state', 'gauge', () => {
      const s = snapshot();
      return [
        { labels: { state: 'queued' }, value: s.queued },
        { labels: { state: 'running' }, value: s.running },
      ];
    }),
  );
  registerCollected(
    registry,
    new SnapshotMetric('tradeloop_jobs_finished_total', 'Jobs finished, by outcome', 'counter', () => {
      const s = snapshot();
      return [
        { labels: { outcome: 'succeeded' }, value: s.succeeded },
        { labels: { outcome: 'failed' }, value: s.failed },
        { labels: { outcome: 'cancelled' }, value: s.cancelled ?? 0 },
      ];
    }),
  );
  registerCollected(
    registry,
    new SnapshotMetric('tradeloop_job_duration_seconds', 'Job run time by job type', 'summary', () =>
      (snapshot().durations ?? []).flatMap((d): Sample[] => [
        { labels: { type: d.type, quantile: '0.5' }, value: d.p50Ms / 1000 },
        { labels: { type: d.type, quantile: '0.99' }, value: d.p99Ms / 1000 },
        { metricName: 'tradeloop_job_duration_seconds_sum', labels: { type: d.type }, value: d.sumMs / 1000 },
        { metricName: 'tradeloop_job_duration_seconds_count', labels: { type: d.type }, value: d.count },
      ]),
    ),
  );
}
