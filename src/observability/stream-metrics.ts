/**
 * The live price feed into positions and the close notifier, read from their
 * own counters at scrape time: ticks received and coalesced, flushes (write
 * transactions), rows repriced, positions closed by TP/SL, pending markets,
 * the markets streamed and resubscriptions given up.
 */
import type { Registry } from 'prom-client';
import { oncePerScrape, registerCollected, SnapshotMetric } from './collected-metric.js';

export interface StreamStats {
  ticksReceived: number;
  ticksCoalesced: number;
  ticksDropped: number;
  flushes: number;
  failedFlushes: number;
  rowsUpdated: number;
  pendingKeys: number;
  positionsClosed: number;
  streamedMarkets: number;
  followsAbandoned: number;
}

const FAMILIES: [string, string, 'counter' | 'gauge', (s: StreamStats) => number][] = [
  [
    'tradeloop_price_ticks_received_total',
    'Price ticks received from the venue stream',
    'counter',
    (s) => s.ticksReceived,
  ],
  [
    'tradeloop_price_ticks_coalesced_total',
    'Ticks replaced by a later tick before being written',
    'counter',
    (s) => s.ticksCoalesced,
  ],
  [
    'tradeloop_price_ticks_dropped_total',
    'Ticks for unknown markets or not valid prices',
    'counter',
    (s) => s.ticksDropped,
  ],
  [
    'tradeloop_price_flushes_total',
    'Price flushes (one write transaction each)',
    'counter',
    (s) => s.flushes,
  ],
  [
    'tradeloop_price_flush_failures_total',
    'Price flushes that failed and were retried',
    'counter',
    (s) => s.failedFlushes,
  ],
  [
    'tradeloop_price_rows_updated_total',
    'Position rows repriced by flushes',
    'counter',
    (s) => s.rowsUpdated,
  ],
  [
    'tradeloop_price_pending_markets',
    'Markets with a tick waiting for a flush',
    'gauge',
    (s) => s.pendingKeys,
  ],
  [
    'tradeloop_price_streamed_markets',
    'Markets this instance streams for open positions (0 unless it holds the price stream)',
    'gauge',
    (s) => s.streamedMarkets,
  ],
  [
    'tradeloop_price_follows_abandoned_total',
    'Resubscriptions to the open markets given up after 10 s without an answer',
    'counter',
    (s) => s.followsAbandoned,
  ],
  [
    'tradeloop_positions_closed_by_tpsl_total',
    'Positions closed by take-profit or stop-loss',
    'counter',
    (s) => s.positionsClosed,
  ],
];

export function registerStreamMetrics(registry: Registry, read: () => StreamStats): void {
  const snapshot = oncePerScrape(read);
  for (const [name, help, type, value] of FAMILIES) {
    registerCollected(
      registry,
      new SnapshotMetric(name, help, type, () => [{ labels: {}, value: value(snapshot()) }]),
    );
  }
}
