/**
 * The copy engine's figures per source, kept in memory by the instance that
 * runs the watchers: watchers held, leader events, copies, skips by reason,
 * detection lag (trade -> seen) and decision latency (seen -> decided)
 * percentiles, failed reads. `/api/v1/performance/copy` and `/metrics` read them.
 */
import type { Clock } from '../domain/clock.js';
import { SampleWindow } from '../lib/sample-window.js';
import type { NewDecision, WatcherRow } from '../store/copy-repository.js';
import type { LeaderTrade } from '../venues/leader-source.js';

export interface SourceCopyStats {
  source: string;
  watchers: number;
  watchersHeld: number;
  events: number;
  copies: number;
  skips: Record<string, number>;
  failedReads: number;
  detectionLagMs: { p50: number; p99: number };
  decisionLatencyMs: { p50: number; p99: number };
  lastEventAt: number | null;
}

interface Acc {
  watchers: number;
  watchersHeld: number;
  events: number;
  copies: number;
  skips: Map<string, number>;
  failedReads: number;
  lag: SampleWindow;
  latency: SampleWindow;
  lastEventAt: number | null;
}

/** A source's figures before anything happened (a source with watchers in the database but none here). */
export function emptyCopyStats(source: string): SourceCopyStats {
  return {
    source,
    watchers: 0,
    watchersHeld: 0,
    events: 0,
    copies: 0,
    skips: {},
    failedReads: 0,
    detectionLagMs: { p50: 0, p99: 0 },
    decisionLatencyMs: { p50: 0, p99: 0 },
    lastEventAt: null,
  };
}

export class CopyStats {
  private readonly bySource = new Map<string, Acc>();

  constructor(private readonly clock: Clock) {}

  private acc(source: string): Acc {
    let a = this.bySource.get(source);
    if (!a) {
      a = {
        watchers: 0,
        watchersHeld: 0,
        events: 0,
        copies: 0,
        skips: new Map(),
        failedReads: 0,
        lag: new SampleWindow(2048),
        latency: new SampleWindow(2048),
        lastEventAt: null,
      };
      this.bySource.set(source, a);
    }
    return a;
  }

  setWatchers(all: readonly WatcherRow[], held: ReadonlySet<number>): void {
    for (const a of this.bySource.values()) {
      a.watchers = 0;
      a.watchersHeld = 0;
    }
    for (const w of all) {
      const a = this.acc(w.source);
      a.watchers++;
      if (held.has(w.id)) a.watchersHeld++;
    }
  }

  page(
    source: string,
    trades: readonly LeaderTrade[],
    decisions: readonly NewDecision[],
    detectedAt: number,
  ): void {
    const a = this.acc(source);
    a.events += trades.length;
    a.lastEventAt = this.clock.now();
    for (const t of trades) a.lag.add(Math.max(0, detectedAt - t.ts));
    for (const d of decisions) {
      a.latency.add(d.latencyMs);
      if (d.status === 'copied') a.copies++;
      else a.skips.set(d.reason ?? 'unknown', (a.skips.get(d.reason ?? 'unknown') ?? 0) + 1);
    }
  }

  failed(source: string): void {
    this.acc(source).failedReads++;
  }

  snapshot(): SourceCopyStats[] {
    return [...this.bySource].map(([source, a]) => ({
      source,
      watchers: a.watchers,
      watchersHeld: a.watchersHeld,
      events: a.events,
      copies: a.copies,
      skips: Object.fromEntries(a.skips),
      failedReads: a.failedReads,
      detectionLagMs: { p50: a.lag.percentile(50), p99: a.lag.percentile(99) },
      decisionLatencyMs: { p50: a.latency.percentile(50), p99: a.latency.percentile(99) },
      lastEventAt: a.lastEventAt,
    }));
  }
}
