/**
 * A Clock for backtests whose time is set by the bar being processed (the
 * bar's close). Setting it costs one comparison when no timer is waiting, so
 * the engine can read "now" on every bar of a million-bar backtest.
 */
import type { Clock } from '../domain/clock.js';

export class BarClock implements Clock {
  private t = 0;
  private readonly timers: { at: number; fn: () => void; live: boolean }[] = [];
  private nextAt = Number.POSITIVE_INFINITY;

  constructor(start = 0) {
    this.t = start;
  }

  /** When the earliest waiting timer is due; +Infinity when none waits. */
  get nextTimerAt(): number {
    return this.nextAt;
  }

  now(): number {
    return this.t;
  }

  /** Moves to `t` (never backwards), firing timers due by then in time order. */
  set(t: number): void {
    if (t < this.t) return;
    if (t >= this.nextAt) this.fire(t);
    this.t = t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(ms, resolve));
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer = { at: this.t + Math.max(0, ms), fn, live: true };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.at - b.at);
    this.nextAt = this.timers[0]!.at;
    return () => {
      timer.live = false;
    };
  }

  private fire(t: number): void {
    while (this.timers.length > 0 && this.timers[0]!.at <= t) {
      const timer = this.timers.shift()!;
      this.t = timer.at;
      if (timer.live) timer.fn();
    }
    this.nextAt = this.timers[0]?.at ?? Number.POSITIVE_INFINITY;
  }
}
