/**
 * Where timed statements are recorded: a duration histogram per query
 * family (exported as `tradeloop_db_query_duration_seconds{family}`), a
 * recent-latency window per family, and the slow-query log. `record` is on
 * every statement's path, so it is one map lookup by SQL text (cached
 * family) and a few array writes.
 */
import type { Registry } from 'prom-client';
import { SampleWindow } from '../lib/sample-window.js';
import { BucketHistogram, type HistogramSeries, registerCollected } from './collected-metric.js';
import { queryFamily } from './query-family.js';
import { type SlowQuery, SlowQueryLog } from './slow-queries.js';

interface Family {
  name: string;
  series: HistogramSeries;
  recent: SampleWindow;
}

export interface FamilyLatency {
  family: string;
  count: number;
  totalMs: number;
  p50Ms: number;
  p99Ms: number;
}

export interface QueryStatsOptions {
  /** Statements at least this slow go to the slow-query log. @default 10 */
  slowMs?: number;
  /** Epoch ms for the slow-query log's timestamps. @default Date.now */
  now?: () => number;
}

const SQL_CACHE_LIMIT = 2000;
const MAX_FAMILIES = 500;

export class QueryStats {
  readonly histogram = new BucketHistogram(
    'tradeloop_db_query_duration_seconds',
    'SQL statement duration by query family (verb and main table)',
  );
  readonly slow = new SlowQueryLog(50);
  readonly slowMs: number;
  private readonly bySql = new Map<string, Family>();
  private readonly families = new Map<string, Family>();
  private readonly now: () => number;

  constructor(opts: QueryStatsOptions = {}) {
    this.slowMs = opts.slowMs ?? 10;
    this.now = opts.now ?? Date.now;
  }

  /** Exports the family histogram through `registry` (once per registry). */
  register(registry: Registry): void {
    registerCollected(registry, this.histogram);
  }

  record(sql: string, parameterCount: number, ms: number): void {
    let f = this.bySql.get(sql);
    if (f === undefined) f = this.familyOf(sql);
    f.series.observe(ms);
    f.recent.add(ms);
    if (ms >= this.slowMs) this.slow.add(sql, f.name, parameterCount, ms, this.now());
  }

  /** Per family: statements run, total time, p50/p99 of the recent ones; busiest first. */
  familyLatencies(): FamilyLatency[] {
    return [...this.families.values()]
      .map((f) => ({
        family: f.name,
        count: f.series.count,
        totalMs: Math.round(f.series.sum * 1000) / 1000,
        p50Ms: f.recent.percentile(50),
        p99Ms: f.recent.percentile(99),
      }))
      .sort((a, b) => b.totalMs - a.totalMs);
  }

  slowQueries(): SlowQuery[] {
    return this.slow.list();
  }

  private familyOf(sql: string): Family {
    const own = queryFamily(sql);
    const name = this.families.has(own) || this.families.size < MAX_FAMILIES ? own : 'other';
    let f = this.families.get(name);
    if (f === undefined) {
      f = {
        name,
        series: this.histogram.seriesFor(name, () => ({ family: name })),
        recent: new SampleWindow(256),
      };
      this.families.set(name, f);
    }
    if (this.bySql.size >= SQL_CACHE_LIMIT) this.bySql.clear();
    this.bySql.set(sql, f);
    return f;
  }
}
