/**
 * Metrics prom-client's registry renders but that we feed ourselves: values
 * read from a snapshot at scrape time (cache, venue, job counters that their
 * owners already keep) and a bucket histogram whose observe is a few array
 * writes (no label hashing), for hot paths such as every SQL statement.
 * The registry duck-types metrics (`name`, `help`, `type`, `get()`), so both
 * plug into it like its own classes.
 */
import type { Metric, Registry } from 'prom-client';

export type Labels = Record<string, string>;

export interface Sample {
  labels: Labels;
  value: number;
  /** For summaries and histograms: `<name>_sum`, `<name>_count`, `<name>_bucket`. */
  metricName?: string;
}

interface Collected {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary';
  get(): Promise<{ name: string; help: string; type: string; values: Sample[]; aggregator: 'sum' }>;
  reset(): void;
}

/** Registers a collected metric; prom-client types only name its own classes. */
export function registerCollected(registry: Registry, metric: Collected): void {
  registry.registerMetric(metric as unknown as Metric);
}

/** A counter, gauge or summary whose samples are read from `read()` at each scrape. */
export class SnapshotMetric implements Collected {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'summary',
    private readonly read: () => Sample[],
  ) {}

  async get() {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values: this.read(),
      aggregator: 'sum' as const,
    };
  }

  reset(): void {}
}

/** One labelled series of a BucketHistogram. Observe in milliseconds. */
export class HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Labels,
    private readonly boundsMs: readonly number[],
  ) {
    this.counts = new Float64Array(boundsMs.length);
  }

  observe(ms: number): void {
    this.sum += ms;
    this.count++;
    const b = this.boundsMs;
    for (let i = 0; i < b.length; i++) {
      if (ms <= b[i]!) {
        this.counts[i]!++;
        return;
      }
    }
  }
}

/** Latency buckets in milliseconds, exported in seconds as Prometheus expects. */
export const LATENCY_BUCKETS_MS = [
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000,
] as const;

/**
 * A histogram in seconds whose series are created once and then observed
 * directly: callers keep the `HistogramSeries` (or look it up by a key they
 * build), so the hot path never hashes label objects.
 */
export class BucketHistogram implements Collected {
  readonly type = 'histogram' as const;
  private readonly series = new Map<string, HistogramSeries>();
  private readonly le: string[];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly boundsMs: readonly number[] = LATENCY_BUCKETS_MS,
    /** Beyond this many series, new label sets share one `overflow` series. */
    private readonly maxSeries = 2000,
  ) {
    this.le = boundsMs.map((ms) => String(ms / 1000));
  }

  /** The series for `key`, created with `labels()` on first use. */
  seriesFor(key: string, labels: () => Labels): HistogramSeries {
    let s = this.series.get(key);
    if (s === undefined) {
      if (this.series.size >= this.maxSeries)
        return this.seriesFor('\0overflow', () => ({ overflow: 'true' }));
      s = new HistogramSeries(labels(), this.boundsMs);
      this.series.set(key, s);
    }
    return s;
  }

  async get() {
    const values: Sample[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.series.values()) {
      let acc = 0;
      for (let i = 0; i < this.le.length; i++) {
        acc += s.counts[i]!;
        values.push({ metricName: bucket, labels: { ...s.labels, le: this.le[i]! }, value: acc });
      }
      values.push({ metricName: bucket, labels: { ...s.labels, le: '+Inf' }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum / 1000 });
      values.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' as const };
  }

  reset(): void {
    this.series.clear();
  }
}

/**
 * Memoises `read` for one scrape: the registry asks every metric for its
 * values in the same tick, so families fed by one snapshot (seven cache
 * families from one `cache.metrics()`) compute it once.
 */
export function oncePerScrape<T>(read: () => T): () => T {
  let value: T | undefined;
  let held = false;
  return () => {
    if (!held) {
      value = read();
      held = true;
      queueMicrotask(() => {
        held = false;
        value = undefined;
      });
    }
    return value as T;
  };
}
