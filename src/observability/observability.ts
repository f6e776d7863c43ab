/**
 * Builds the observability module from the services: one prom-client
 * registry (default process metrics plus every family), the HTTP recorder,
 * event-loop lag, the performance monitor, alerts and scheduled
 * maintenance. Query timing is created before the database is wrapped
 * (see `timeDatabase`) and handed in here.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Cache } from '../cache/cache.js';
import type { Clock } from '../domain/clock.js';
import type { VenueTrafficReport } from '../marketdata/venue-traffic.js';
import type { Database } from '../store/database.js';
import { NO_JOB_STATS } from '../store/job-stats.js';
import { AlertEvaluator } from './alerts.js';
import { registerCacheMetrics } from './cache-metrics.js';
import { type CopyMetricsSource, registerCopyMetrics } from './copy-metrics.js';
import { EventLoopLag, registerEventLoopMetrics } from './event-loop-lag.js';
import { HttpMetrics } from './http-metrics.js';
import { type JobStatsSource, registerJobMetrics } from './job-metrics.js';
import { MaintenanceScheduler } from './maintenance.js';
import { PerformanceMonitor } from './performance-monitor.js';
import { QueryStats } from './query-stats.js';
import { CpuMeter } from './system-report.js';
import { unwrapDatabase } from './timed-database.js';
import { registerVenueMetrics } from './venue-metrics.js';

export interface ObservabilitySettings {
  dataDir: string;
  slowQueryMs: number;
  maintenanceIntervalMs: number;
  alertCacheHitRate: number;
  alertCacheMinRequests: number;
  alertRouteP99Ms: number;
  alertEventLoopLagMs: number;
  alertJobBacklog: number;
  /** Copy watchers silent this long raise an alert. */
  copyWatchdogMs: number;
}

export interface ObservabilityDeps {
  config: ObservabilitySettings;
  clock: Clock;
  /** The database (timed or not); plans, sizes and maintenance use the dialect underneath. */
  db: Database;
  cache: Pick<Cache, 'metrics'>;
  marketData: { trafficReport(): VenueTrafficReport };
  /** The statements' timings; a fresh one (fed by nothing) when query timing is off. */
  queries?: QueryStats;
  /** Monitor interval. @default 60_000 */
  monitorIntervalMs?: number;
}

export interface Observability {
  readonly registry: Registry;
  readonly http: HttpMetrics;
  readonly queries: QueryStats;
  readonly eventLoop: EventLoopLag;
  readonly cpu: CpuMeter;
  readonly monitor: PerformanceMonitor;
  readonly alerts: AlertEvaluator;
  readonly maintenance: MaintenanceScheduler;
  /** The dialect database (untimed). */
  readonly db: Database;
  readonly dataDir: string;
  /** Connects the job system: counts and durations for /metrics, backlog for the monitor and alerts. */
  connectJobs(source: JobStatsSource): void;
  /**
   * Families read from database rows (the job families) are exported only
   * while `exporting()` is true: in a fleet, while this instance holds the
   * `metrics` lease. @default always
   */
  exportDatabaseFamiliesWhen(exporting: () => boolean): void;
  /** Connects the copy engine: its families in /metrics and the watchdog's alerts. */
  connectCopy(source: CopyMetricsSource): void;
  /** Starts the monitor's sampling and the maintenance schedule. */
  start(): void;
  stop(): Promise<void>;
}

export function createObservability(d: ObservabilityDeps): Observability {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const http = new HttpMetrics(registry);
  const queries = d.queries ?? new QueryStats({ slowMs: d.config.slowQueryMs, now: () => d.clock.now() });
  queries.register(registry);
  const eventLoop = new EventLoopLag();
  registerEventLoopMetrics(registry, eventLoop);
  registerCacheMetrics(registry, () => d.cache.metrics());
  registerVenueMetrics(registry, () => [d.marketData.trafficReport()]);
  let jobs: JobStatsSource | undefined;
  let copy: CopyMetricsSource | undefined;
  let exportsDatabase = () => true;
  registerJobMetrics(registry, () => (exportsDatabase() ? (jobs ?? (() => NO_JOB_STATS))() : undefined));

  const t = d.config;
  const alerts = new AlertEvaluator(
    d.clock,
    {
      cacheHitRate: t.alertCacheHitRate,
      cacheMinRequests: t.alertCacheMinRequests,
      routeP99Ms: t.alertRouteP99Ms,
      eventLoopLagMs: t.alertEventLoopLagMs,
      jobBacklog: t.alertJobBacklog,
    },
    {
      cache: () => d.cache.metrics(),
      routes: () => http.routes(),
      eventLoopLagP99Ms: () => eventLoop.snapshot().p99Ms,
      jobBacklog: () => (jobs ? jobs().queued : null),
      copyStalled: () => copy?.stalled() ?? [],
      copyWatchdogMs: t.copyWatchdogMs,
    },
  );

  let cacheBase = { hits: 0, reads: 0 };
  const monitor = new PerformanceMonitor({
    clock: d.clock,
    ...(d.monitorIntervalMs ? { intervalMs: d.monitorIntervalMs } : {}),
    measure() {
      const req = http.drainInterval();
      let hits = 0;
      let reads = 0;
      for (const m of d.cache.metrics()) {
        hits += m.hits;
        reads += m.hits + m.misses;
      }
      const dReads = reads - cacheBase.reads;
      const cacheHitRate = dReads > 0 ? (hits - cacheBase.hits) / dReads : null;
      cacheBase = { hits, reads };
      return {
        requests: req.requests,
        p50Ms: req.p50Ms,
        p99Ms: req.p99Ms,
        eventLoopLagP99Ms: eventLoop.closeInterval().p99Ms,
        rssBytes: process.memoryUsage.rss(),
        cacheHitRate,
        queueBacklog: jobs ? jobs().queued : null,
      };
    },
    onSample: () => void alerts.evaluate(),
  });

  const db = unwrapDatabase(d.db);
  const maintenance = new MaintenanceScheduler({ db, clock: d.clock, intervalMs: t.maintenanceIntervalMs });
  return {
    registry,
    http,
    queries,
    eventLoop,
    cpu: new CpuMeter(),
    monitor,
    alerts,
    maintenance,
    db,
    dataDir: t.dataDir,
    connectJobs(source) {
      jobs = source;
    },
    exportDatabaseFamiliesWhen(exporting) {
      exportsDatabase = exporting;
    },
    connectCopy(source) {
      copy = source;
      registerCopyMetrics(registry, source, () => exportsDatabase());
    },
    start() {
      monitor.start();
      maintenance.start();
    },
    async stop() {
      monitor.stop();
      await maintenance.stop();
      eventLoop.stop();
    },
  };
}
