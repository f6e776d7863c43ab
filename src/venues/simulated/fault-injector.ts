/**
 * Injected failures for the simulated venue: a seeded random error rate,
 * scheduled outage windows on the venue clock, and a manual outage switch.
 */
import type { Clock } from '../../domain/clock.js';
import { Rng } from '../../lib/random.js';

/** A span of clock time during which every call fails. */
export interface OutageWindow {
  /** Start, ms since the epoch (inclusive). */
  from: number;
  /** End, ms since the epoch (exclusive). */
  to: number;
}

export type FaultKind = 'outage' | 'error';

export class FaultInjector {
  private manualOutage = false;
  private readonly rng: Rng;

  constructor(
    private readonly clock: Clock,
    private errorRate: number,
    private readonly windows: readonly OutageWindow[],
    seed: number,
  ) {
    this.rng = new Rng(seed);
  }

  setOutage(on: boolean): void {
    this.manualOutage = on;
  }

  setErrorRate(rate: number): void {
    this.errorRate = rate;
  }

  /** Whether the venue is down right now. */
  inOutage(): boolean {
    if (this.manualOutage) return true;
    const now = this.clock.now();
    return this.windows.some((w) => now >= w.from && now < w.to);
  }

  /** Draws whether this call fails at random; consumes one draw only when a rate is set. */
  randomError(): boolean {
    return this.errorRate > 0 && this.rng.next() < this.errorRate;
  }
}
