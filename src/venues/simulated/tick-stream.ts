/**
 * Tick streams of the simulated venue. Every `intervalMs` of clock time each
 * subscription receives one batch: a tick for each of its markets, or for the
 * next `ticksPerInterval` of them in rotation. Batching is what lets one
 * process sustain thousands of ticks a second; stopping cancels the timer.
 */
import type { Clock } from '../../domain/clock.js';
import type { Ticker } from '../../domain/market.js';
import type { TickBatchHandler, Unsubscribe } from '../types.js';
import type { Instrument } from './universe.js';

export interface TickStreamOptions {
  intervalMs: number;
  /** Ticks per batch; every subscribed market each interval when absent. */
  ticksPerInterval?: number;
}

/** Counters the streamer reports to its venue. */
export interface TickStreamSink {
  ticksEmitted(count: number): void;
  subscriptionsChanged(delta: number): void;
  handlerFailed(err: unknown): void;
}

export class TickStreamer {
  private readonly stops = new Set<Unsubscribe>();

  constructor(
    private readonly clock: Clock,
    private readonly opts: TickStreamOptions,
    private readonly makeTick: (inst: Instrument, now: number) => Ticker,
    private readonly sink: TickStreamSink,
  ) {
    if (!(opts.intervalMs > 0)) throw new RangeError('stream intervalMs must be positive');
  }

  subscribe(instruments: readonly Instrument[], onTicks: TickBatchHandler): Unsubscribe {
    let active = true;
    let cursor = 0;
    let cancelTimer: () => void = () => {};
    const perBatch = Math.min(instruments.length, this.opts.ticksPerInterval ?? instruments.length);
    const fire = () => {
      if (!active) return;
      const now = this.clock.now();
      const batch: Ticker[] = new Array(perBatch);
      for (let j = 0; j < perBatch; j++) {
        batch[j] = this.makeTick(instruments[(cursor + j) % instruments.length]!, now);
      }
      cursor = (cursor + perBatch) % Math.max(1, instruments.length);
      this.sink.ticksEmitted(perBatch);
      try {
        onTicks(batch);
      } catch (err) {
        // One failing subscriber must not stop its own stream or anyone else's.
        this.sink.handlerFailed(err);
      }
      if (active) cancelTimer = this.clock.setTimer(this.opts.intervalMs, fire);
    };
    const stop: Unsubscribe = () => {
      if (!active) return;
      active = false;
      cancelTimer();
      this.stops.delete(stop);
      this.sink.subscriptionsChanged(-1);
    };
    this.stops.add(stop);
    this.sink.subscriptionsChanged(1);
    if (perBatch > 0) cancelTimer = this.clock.setTimer(this.opts.intervalMs, fire);
    return stop;
  }

  /** Stops every subscription. */
  stopAll(): void {
    for (const stop of [...this.stops]) stop();
  }
}
