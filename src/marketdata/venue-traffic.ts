/**
 * What the market-data layer did for one venue: requests served, upstream
 * calls made, the share of calls saved, batch sizes, time waited for the rate
 * limit, stale serves and errors. Bounded memory.
 */
import { SampleWindow } from '../lib/sample-window.js';

export interface VenueTrafficReport {
  venue: string;
  requests: number;
  upstreamCalls: number;
  /** Share of requests that needed no upstream call, in percent; null before the first request. */
  callsSavedPct: number | null;
  staleServed: number;
  errors: number;
  batches: { count: number; avgSize: number; maxSize: number };
  queueWaitMs: { p50: number; p99: number; count: number };
  queued: number;
}

export class VenueTraffic {
  requests = 0;
  upstreamCalls = 0;
  staleServed = 0;
  errors = 0;
  private batchCount = 0;
  private batchKeys = 0;
  private batchMax = 0;
  readonly queueWait = new SampleWindow(2048);

  constructor(readonly venue: string) {}

  batch(size: number): void {
    this.batchCount++;
    this.batchKeys += size;
    if (size > this.batchMax) this.batchMax = size;
  }

  report(queued: number): VenueTrafficReport {
    return {
      venue: this.venue,
      requests: this.requests,
      upstreamCalls: this.upstreamCalls,
      callsSavedPct:
        this.requests === 0
          ? null
          : Math.max(0, Math.round((1 - this.upstreamCalls / this.requests) * 10_000) / 100),
      staleServed: this.staleServed,
      errors: this.errors,
      batches: {
        count: this.batchCount,
        avgSize: this.batchCount === 0 ? 0 : Math.round((this.batchKeys / this.batchCount) * 100) / 100,
        maxSize: this.batchMax,
      },
      queueWaitMs: this.queueWait.summary(),
      queued,
    };
  }
}
