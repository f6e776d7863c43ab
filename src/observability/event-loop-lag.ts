/**
 * Event-loop lag from perf_hooks' `monitorEventLoopDelay`, read as
 * percentiles of the current interval; the performance monitor closes an
 * interval every minute.
 */
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { Registry } from 'prom-client';
import { registerCollected, SnapshotMetric } from './collected-metric.js';

export interface LagSnapshot {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Delay samples behind the figures. */
  samples: number;
}

const NS_PER_MS = 1e6;

export class EventLoopLag {
  private readonly h: IntervalHistogram;
  private last: LagSnapshot = { p50Ms: 0, p99Ms: 0, maxMs: 0, samples: 0 };

  constructor(resolutionMs = 10) {
    this.h = monitorEventLoopDelay({ resolution: resolutionMs });
    this.h.enable();
  }

  /**
   * Lag over the current interval; when it has too few samples yet (just
   * after a minute closed), over the previous one.
   */
  snapshot(): LagSnapshot {
    const current = this.read();
    return current.samples >= 10 || this.last.samples === 0 ? current : this.last;
  }

  /** Closes the interval: returns its figures and starts a new one. */
  closeInterval(): LagSnapshot {
    this.last = this.read();
    this.h.reset();
    return this.last;
  }

  /**
   * Forgets everything measured so far: called once the service is ready,
   * so start-up work (migrations, compiling route schemas: the loop is busy
   * by design then) neither shows as lag nor raises the lag alert.
   */
  restart(): void {
    this.h.reset();
    this.last = { p50Ms: 0, p99Ms: 0, maxMs: 0, samples: 0 };
  }

  stop(): void {
    this.h.disable();
  }

  private read(): LagSnapshot {
    const h = this.h;
    if (h.count === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0, samples: 0 };
    return {
      p50Ms: h.percentile(50) / NS_PER_MS,
      p99Ms: h.percentile(99) / NS_PER_MS,
      maxMs: h.max / NS_PER_MS,
      samples: h.count,
    };
  }
}

const LAG_FAMILIES: [string, string, (s: LagSnapshot) => number][] = [
  ['tradeloop_event_loop_lag_p50_seconds', 'median', (s) => s.p50Ms],
  ['tradeloop_event_loop_lag_p99_seconds', '99th percentile', (s) => s.p99Ms],
  ['tradeloop_event_loop_lag_max_seconds', 'maximum', (s) => s.maxMs],
];

/**
 * `tradeloop_event_loop_lag_{p50,p99,max}_seconds`: one gauge per figure
 * (Prometheus reserves the `quantile` label for summaries, and this is an
 * interval's percentiles, not a summary's).
 */
export function registerEventLoopMetrics(registry: Registry, lag: EventLoopLag): void {
  for (const [name, what, pick] of LAG_FAMILIES) {
    registerCollected(
      registry,
      new SnapshotMetric(
        name,
        `Event-loop delay, ${what} over the current one-minute interval (perf_hooks monitorEventLoopDelay)`,
        'gauge',
        () => [{ labels: {}, value: pick(lag.snapshot()) / 1000 }],
      ),
    );
  }
}
