/**
 * HTTP request durations per route pattern, method and status: the
 * Prometheus histogram, a recent-latency window per route (for p99 alerts)
 * and the current minute's count and latencies (for the performance
 * monitor). One map lookup and a few array writes per request.
 */
import type { Registry } from 'prom-client';
import { SampleWindow } from '../lib/sample-window.js';
import { BucketHistogram, type HistogramSeries, registerCollected } from './collected-metric.js';

/** Route label for requests no route matched (404s): never the raw URL. */
export const UNMATCHED_ROUTE = '(unmatched)';

export interface RouteLatency {
  method: string;
  route: string;
  count: number;
  p50Ms: number;
  p99Ms: number;
}

export class HttpMetrics {
  private readonly histogram = new BucketHistogram(
    'tradeloop_http_request_duration_seconds',
    'HTTP request duration by method, route pattern and status code',
  );
  /** Keyed by method, route and status; the series holds its labels. */
  private readonly series = new Map<string, HistogramSeries>();
  private readonly recent = new Map<string, { method: string; route: string; window: SampleWindow }>();
  private readonly minute = new SampleWindow(4096);
  private minuteCount = 0;

  constructor(registry: Registry) {
    registerCollected(registry, this.histogram);
  }

  /** Records one finished request. `route` must be the pattern (`/api/v1/traders/:id`). */
  observe(method: string, route: string | undefined, status: number, ms: number): void {
    const r = route ?? UNMATCHED_ROUTE;
    const key = `${method} ${r} ${status}`;
    let s = this.series.get(key);
    if (s === undefined) {
      s = this.histogram.seriesFor(key, () => ({ method, route: r, status_code: String(status) }));
      this.series.set(key, s);
    }
    s.observe(ms);
    const routeKey = `${method} ${r}`;
    let rec = this.recent.get(routeKey);
    if (rec === undefined) {
      rec = { method, route: r, window: new SampleWindow(512) };
      this.recent.set(routeKey, rec);
    }
    rec.window.add(ms);
    this.minute.add(ms);
    this.minuteCount++;
  }

  /** p50/p99 of each route's most recent requests (up to 512 each). */
  routes(): RouteLatency[] {
    return [...this.recent.values()].map(({ method, route, window }) => {
      const { p50, p99, count } = window.summary();
      return { method, route, count, p50Ms: p50, p99Ms: p99 };
    });
  }

  /** Requests and latency since the previous call, then starts a new interval. */
  drainInterval(): { requests: number; p50Ms: number; p99Ms: number } {
    const out = {
      requests: this.minuteCount,
      p50Ms: this.minute.percentile(50),
      p99Ms: this.minute.percentile(99),
    };
    this.minute.clear();
    this.minuteCount = 0;
    return out;
  }
}
