/**
 * Alert rules over the live figures: a cache kind's hit rate under its floor
 * (judged only once it has had enough reads since the last judgement), a
 * route's p99 over budget, event-loop lag over its ceiling, a job backlog
 * over its ceiling. An alert keeps the time it started until it clears.
 */
import type { KindMetrics } from '../cache/cache.js';
import type { Clock } from '../domain/clock.js';
import type { RouteLatency } from './http-metrics.js';

export interface AlertThresholds {
  cacheHitRate: number;
  cacheMinRequests: number;
  routeP99Ms: number;
  /** A route is judged once its recent window holds this many requests. @default 20 */
  routeMinRequests?: number;
  eventLoopLagMs: number;
  jobBacklog: number;
}

export interface AlertSources {
  cache(): KindMetrics[];
  routes(): RouteLatency[];
  eventLoopLagP99Ms(): number;
  /** Jobs waiting, or null when no job system is connected. */
  jobBacklog(): number | null;
  /** Copy watchers the watchdog finds stalled (their source silent or failing past its threshold). */
  copyStalled?(): { source: string; address: string; quietMs: number; error: string | null }[];
  /** The watchdog's threshold, ms. */
  copyWatchdogMs?: number;
}

export interface Alert {
  id: string;
  metric:
    | 'cache_hit_rate'
    | 'route_p99_ms'
    | 'event_loop_lag_p99_ms'
    | 'job_queue_backlog'
    | 'copy_watcher_stalled';
  labels: Record<string, string>;
  value: number;
  threshold: number;
  /** `below` for floors (hit rate), `above` for ceilings. */
  breach: 'below' | 'above';
  /** Epoch ms when the condition started to hold. */
  since: number;
  message: string;
}

type Firing = Omit<Alert, 'since'>;

export class AlertEvaluator {
  private readonly active = new Map<string, Alert>();
  /** Per cache kind, hits and misses at the last judgement. */
  private readonly cacheBase = new Map<string, { hits: number; misses: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly t: AlertThresholds,
    private readonly src: AlertSources,
  ) {}

  /** Re-evaluates every rule; returns the alerts now active, oldest first. */
  evaluate(): Alert[] {
    const now = this.clock.now();
    const firing = new Map<string, Firing>();
    const held = new Set<string>();
    this.cacheRule(firing, held);
    this.routeRule(firing);
    const lag = this.src.eventLoopLagP99Ms();
    if (lag > this.t.eventLoopLagMs) {
      fire(firing, {
        id: 'event-loop-lag',
        metric: 'event_loop_lag_p99_ms',
        labels: {},
        value: round(lag),
        threshold: this.t.eventLoopLagMs,
        breach: 'above',
        message: `Event-loop lag p99 ${round(lag)} ms is above ${this.t.eventLoopLagMs} ms`,
      });
    }
    const backlog = this.src.jobBacklog();
    if (backlog !== null && backlog > this.t.jobBacklog) {
      fire(firing, {
        id: 'job-backlog',
        metric: 'job_queue_backlog',
        labels: {},
        value: backlog,
        threshold: this.t.jobBacklog,
        breach: 'above',
        message: `${backlog} jobs are waiting (more than ${this.t.jobBacklog})`,
      });
    }
    for (const w of this.src.copyStalled?.() ?? []) {
      const seconds = Math.round(w.quietMs / 1000);
      fire(firing, {
        id: `copy-stalled:${w.source}:${w.address}`,
        metric: 'copy_watcher_stalled',
        labels: { source: w.source, address: w.address },
        value: seconds,
        threshold: Math.round((this.src.copyWatchdogMs ?? 0) / 1000),
        breach: 'above',
        message: `Copying ${w.source} leader ${w.address} has stalled: its source has not answered for ${seconds} s${w.error ? ` (${w.error})` : ''}`,
      });
    }
    for (const id of this.active.keys()) if (!firing.has(id) && !held.has(id)) this.active.delete(id);
    for (const [id, f] of firing) this.active.set(id, { ...f, since: this.active.get(id)?.since ?? now });
    return this.list();
  }

  /** Active alerts as of the last evaluation. */
  list(): Alert[] {
    return [...this.active.values()].sort((a, b) => a.since - b.since);
  }

  /** A kind is judged over the reads since its last judgement, once there are enough of them. */
  private cacheRule(firing: Map<string, Firing>, held: Set<string>): void {
    for (const m of this.src.cache()) {
      const id = `cache-hit-rate:${m.kind}`;
      const base = this.cacheBase.get(m.kind) ?? { hits: 0, misses: 0 };
      const hits = m.hits - base.hits;
      const reads = hits + (m.misses - base.misses);
      if (reads < this.t.cacheMinRequests) {
        held.add(id); // not enough new traffic: the previous verdict stands
        continue;
      }
      this.cacheBase.set(m.kind, { hits: m.hits, misses: m.misses });
      const rate = hits / reads;
      if (rate < this.t.cacheHitRate) {
        fire(firing, {
          id,
          metric: 'cache_hit_rate',
          labels: { kind: m.kind },
          value: round(rate),
          threshold: this.t.cacheHitRate,
          breach: 'below',
          message: `Cache kind ${m.kind} hit rate ${Math.round(rate * 100)} % over ${reads} reads is under ${Math.round(this.t.cacheHitRate * 100)} %`,
        });
      }
    }
  }

  private routeRule(firing: Map<string, Firing>): void {
    const min = this.t.routeMinRequests ?? 20;
    for (const r of this.src.routes()) {
      if (r.count < min || r.p99Ms <= this.t.routeP99Ms) continue;
      fire(firing, {
        id: `route-p99:${r.method} ${r.route}`,
        metric: 'route_p99_ms',
        labels: { method: r.method, route: r.route },
        value: round(r.p99Ms),
        threshold: this.t.routeP99Ms,
        breach: 'above',
        message: `${r.method} ${r.route} p99 ${round(r.p99Ms)} ms is over its ${this.t.routeP99Ms} ms budget`,
      });
    }
  }
}

function fire(firing: Map<string, Firing>, f: Firing): void {
  firing.set(f.id, f);
}

const round = (x: number) => Math.round(x * 1000) / 1000;
