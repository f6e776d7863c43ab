/**
 * The copy engine's families, read from its counters at scrape time: watchers
 * (known and held by this instance), leader events, decisions by status and
 * reason, failed reads, detection lag and decision latency p50/p99, and the
 * watchers the watchdog finds stalled.
 */
import type { Registry } from 'prom-client';
import type { SourceCopyStats } from '../copytrading/copy-stats.js';
import { oncePerScrape, registerCollected, type Sample, SnapshotMetric } from './collected-metric.js';

export interface CopyMetricsSource {
  stats(): SourceCopyStats[];
  /** Watchers the watchdog considers stalled, per source. */
  stalled(): { source: string; address: string; quietMs: number; error: string | null }[];
}

type Family = [string, string, 'counter' | 'gauge', (s: SourceCopyStats[]) => Sample[]];

const perSource = (pick: (s: SourceCopyStats) => number) => (all: SourceCopyStats[]) =>
  all.map((s) => ({ labels: { source: s.source }, value: pick(s) }));

const FAMILIES: Family[] = [
  [
    'tradeloop_copy_watchers_held',
    'Watchers this instance holds the lease of',
    'gauge',
    perSource((s) => s.watchersHeld),
  ],
  [
    'tradeloop_copy_leader_events_total',
    'Leader trades read by this instance',
    'counter',
    perSource((s) => s.events),
  ],
  [
    'tradeloop_copy_decisions_total',
    'Copy decisions made by this instance, by status and skip reason',
    'counter',
    (all) =>
      all.flatMap((s) => [
        { labels: { source: s.source, status: 'copied', reason: '' }, value: s.copies },
        ...Object.entries(s.skips).map(([reason, n]) => ({
          labels: { source: s.source, status: 'skipped', reason },
          value: n,
        })),
      ]),
  ],
  [
    'tradeloop_copy_failed_reads_total',
    'Source reads that failed',
    'counter',
    perSource((s) => s.failedReads),
  ],
  [
    'tradeloop_copy_detection_lag_p99_seconds',
    'p99 of leader trade -> seen by its watcher',
    'gauge',
    perSource((s) => s.detectionLagMs.p99 / 1000),
  ],
  [
    'tradeloop_copy_decision_latency_p99_seconds',
    'p99 of seen -> decided',
    'gauge',
    perSource((s) => s.decisionLatencyMs.p99 / 1000),
  ],
];

/**
 * Registers the copy families. `tradeloop_copy_watchers` and
 * `tradeloop_copy_watchers_stalled` count watcher rows of the database, the
 * same on every instance: they have samples only while `exportsDatabase()`
 * (the `metrics` lease holder), so a sum over the fleet counts each once.
 * The others count this instance's own work.
 */
export function registerCopyMetrics(
  registry: Registry,
  source: CopyMetricsSource,
  exportsDatabase: () => boolean = () => true,
): void {
  const snapshot = oncePerScrape(() => source.stats());
  for (const [name, help, type, samples] of FAMILIES) {
    registerCollected(registry, new SnapshotMetric(name, help, type, () => samples(snapshot())));
  }
  registerCollected(
    registry,
    new SnapshotMetric('tradeloop_copy_watchers', 'Leaders watched (one watcher each)', 'gauge', () =>
      exportsDatabase() ? perSource((s) => s.watchers)(snapshot()) : [],
    ),
  );
  registerCollected(
    registry,
    new SnapshotMetric(
      'tradeloop_copy_watchers_stalled',
      'Watchers the watchdog finds stalled',
      'gauge',
      () => {
        if (!exportsDatabase()) return [];
        const counts = new Map<string, number>();
        for (const w of source.stalled()) counts.set(w.source, (counts.get(w.source) ?? 0) + 1);
        return [...counts].map(([s, n]) => ({ labels: { source: s }, value: n }));
      },
    ),
  );
}
