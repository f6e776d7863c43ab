/**
 * Upstream traffic per venue, read from the market-data layer's traffic
 * report at scrape time.
 */
import type { Registry } from 'prom-client';
import type { VenueTrafficReport } from '../marketdata/venue-traffic.js';
import { oncePerScrape, registerCollected, type Sample, SnapshotMetric } from './collected-metric.js';

type Reader = (r: VenueTrafficReport) => number;

const FAMILIES: [string, string, 'counter' | 'gauge', Reader][] = [
  ['tradeloop_marketdata_requests_total', 'Market-data requests served', 'counter', (r) => r.requests],
  ['tradeloop_upstream_calls_total', 'Calls made to the venue', 'counter', (r) => r.upstreamCalls],
  ['tradeloop_upstream_stale_served_total', 'Requests served stale', 'counter', (r) => r.staleServed],
  ['tradeloop_upstream_errors_total', 'Requests that failed', 'counter', (r) => r.errors],
  ['tradeloop_upstream_batches_total', 'Batched upstream calls', 'counter', (r) => r.batches.count],
  ['tradeloop_upstream_queued', 'Requests waiting for the rate limit', 'gauge', (r) => r.queued],
  [
    'tradeloop_upstream_calls_saved_ratio',
    'Share of requests that needed no upstream call',
    'gauge',
    (r) => (r.callsSavedPct === null ? 0 : r.callsSavedPct / 100),
  ],
];

/** Registers the venue families; `read` is usually `() => [marketData.trafficReport()]`. */
export function registerVenueMetrics(registry: Registry, read: () => VenueTrafficReport[]): void {
  const snapshot = oncePerScrape(read);
  for (const [name, help, type, value] of FAMILIES) {
    registerCollected(
      registry,
      new SnapshotMetric(name, `${help}, per venue`, type, () =>
        snapshot().map((r): Sample => ({ labels: { venue: r.venue }, value: value(r) })),
      ),
    );
  }
}
