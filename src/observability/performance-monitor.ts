/**
 * The performance monitor: one sample a minute (requests, latency, event-loop
 * lag, RSS, cache hit rate, job backlog) kept for 24 h in a fixed ring of
 * 1,440 samples, so its memory never grows. Sampling runs on the Clock.
 */
import type { Clock } from '../domain/clock.js';

export interface MonitorSample {
  /** Epoch ms at the end of the interval. */
  at: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  eventLoopLagP99Ms: number;
  rssBytes: number;
  /** Cache hits / reads across kinds during the interval; null without reads. */
  cacheHitRate: number | null;
  /** Jobs waiting; null when no job system is connected. */
  queueBacklog: number | null;
}

export interface MonitorOptions {
  clock: Clock;
  /** Measures one interval (and starts the next). */
  measure(): Omit<MonitorSample, 'at'>;
  /** Called after each sample (alerts are evaluated here). */
  onSample?(s: MonitorSample): void;
  /** @default 60_000 */
  intervalMs?: number;
  /** @default 1440 (24 h of minutes) */
  capacity?: number;
}

export class PerformanceMonitor {
  readonly intervalMs: number;
  readonly capacity: number;
  private readonly ring: (MonitorSample | undefined)[];
  private next = 0;
  private size = 0;
  private cancel: (() => void) | undefined;

  constructor(private readonly o: MonitorOptions) {
    this.intervalMs = o.intervalMs ?? 60_000;
    this.capacity = o.capacity ?? 1440;
    this.ring = new Array(this.capacity);
  }

  start(): void {
    if (this.cancel) return;
    const tick = () => {
      this.sample();
      this.cancel = this.o.clock.setTimer(this.intervalMs, tick);
    };
    this.cancel = this.o.clock.setTimer(this.intervalMs, tick);
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  /** Takes a sample now. */
  sample(): MonitorSample {
    const s = { at: this.o.clock.now(), ...this.o.measure() };
    this.ring[this.next] = s;
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
    this.o.onSample?.(s);
    return s;
  }

  /** Oldest first; with `since`, only samples taken after it. */
  samples(since = Number.NEGATIVE_INFINITY): MonitorSample[] {
    const out: MonitorSample[] = [];
    const start = (this.next - this.size + this.capacity) % this.capacity;
    for (let i = 0; i < this.size; i++) {
      const s = this.ring[(start + i) % this.capacity]!;
      if (s.at > since) out.push(s);
    }
    return out;
  }
}
