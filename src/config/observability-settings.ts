/**
 * Settings of query timing, slow queries, scheduled maintenance and alerts.
 */
import { int, num, oneOf, setting } from './setting.js';

export const observabilitySettings = {
  queryTiming: setting({
    env: 'QUERY_TIMING',
    form: 'on or off',
    default: 'on' as 'on' | 'off',
    parse: oneOf('on', 'off'),
    doc: 'Time every SQL statement per query family (for /metrics and /api/v1/performance/database).',
  }),
  workerMetricsPort: setting({
    env: 'WORKER_METRICS_PORT',
    form: 'an integer from 0 to 65535',
    default: 9465,
    parse: int(0, 65_535),
    doc: '`tradeloop worker` serves Prometheus `/metrics` (process metrics and the jobs it ran) on this port, on HOST; 0 = off.',
  }),
  slowQueryMs: setting({
    env: 'SLOW_QUERY_MS',
    form: 'an integer from 0 to 600000',
    default: 10,
    parse: int(0, 600_000),
    doc: 'Statements at least this slow are kept (SQL, parameter count, plan on request) in the slow-query list.',
  }),
  maintenanceIntervalMs: setting({
    env: 'MAINTENANCE_INTERVAL_MS',
    form: 'an integer from 0 to 604800000',
    default: 6 * 3_600_000,
    parse: int(0, 604_800_000),
    doc: 'How often database maintenance runs (SQLite ANALYZE / PRAGMA optimize / incremental vacuum, PostgreSQL ANALYZE); 0 = never.',
  }),
  alertCacheHitRate: setting({
    env: 'ALERT_CACHE_HIT_RATE',
    form: 'a number from 0 to 1',
    default: 0.5,
    parse: num(0, 1),
    doc: 'Alert when a cache kind’s hit rate falls under this share (over at least ALERT_CACHE_MIN_REQUESTS reads).',
  }),
  alertCacheMinRequests: setting({
    env: 'ALERT_CACHE_MIN_REQUESTS',
    form: 'an integer from 1 to 1000000000',
    default: 100,
    parse: int(1, 1_000_000_000),
    doc: 'Reads a cache kind needs before its hit rate is judged.',
  }),
  alertRouteP99Ms: setting({
    env: 'ALERT_ROUTE_P99_MS',
    form: 'an integer from 0 to 600000',
    default: 500,
    parse: int(0, 600_000),
    doc: 'Alert when a route’s p99 latency (over its recent requests) is above this budget.',
  }),
  alertEventLoopLagMs: setting({
    env: 'ALERT_EVENT_LOOP_LAG_MS',
    form: 'an integer from 0 to 600000',
    default: 200,
    parse: int(0, 600_000),
    doc: 'Alert when the event-loop lag p99 is above this.',
  }),
  alertJobBacklog: setting({
    env: 'ALERT_JOB_BACKLOG',
    form: 'an integer from 0 to 1000000000',
    default: 1000,
    parse: int(0, 1_000_000_000),
    doc: 'Alert when more jobs than this wait in the queue.',
  }),
};
