/**
 * Per-key debounce/throttle for price streams. A venue may send thousands of
 * ticks a second; writing each would mean thousands of transactions. Ticks
 * are kept as the latest value per key (memory is bounded by the number of
 * keys, never by the tick rate) and flushed together:
 *
 * - a flush starts at most `delayMs` after the first tick that made a key dirty
 *   (plus at most half of it, below, when another flush has just started);
 * - a flush also takes the keys whose delay ends within the next half delay
 *   (their rate allowing), and flushes start at least half a delay apart: keys
 *   dirtied a few ms apart go out together instead of in flushes of their own,
 *   so write transactions are at most 2000 / delayMs per second;
 * - a key is flushed at most `maxRatePerKey` times a second; a key that ticks
 *   faster stays dirty and goes out in a later flush;
 * - the trailing value is always applied: the last tick of a burst is flushed,
 *   never dropped;
 * - flushes never overlap: ticks arriving during one wait for the next.
 */
import type { Clock } from '../domain/clock.js';
import { SampleWindow } from '../lib/sample-window.js';

export interface TickCoalescerOptions<V> {
  clock: Clock;
  /** Longest a tick waits before a flush starts. */
  delayMs: number;
  /** Most flushes a second that may include one key. */
  maxRatePerKey: number;
  /** Writes one batch (latest value per key); rejects to retry the same keys in the next flush. */
  flush(batch: ReadonlyMap<string, V>): Promise<number>;
  /** Called when a flush fails (the batch is kept and retried). */
  onError?(err: unknown): void;
}

export interface TickCoalescerStats {
  ticksReceived: number;
  /** Ticks replaced by a later tick of the same key before being flushed. */
  ticksCoalesced: number;
  flushes: number;
  failedFlushes: number;
  /** What the flush function reported (rows updated). */
  rowsUpdated: number;
  /** Keys waiting for a flush now. */
  pendingKeys: number;
  /** Time from the oldest unflushed tick of a key to the end of the flush that wrote it, ms (ticks only, not values offered again). */
  tickToFlushMs: { p50: number; p99: number; count: number };
}

const RETRY_BACKOFF_MS = 500;

interface Pending<V> {
  value: V;
  /** When the key became dirty: its oldest unflushed tick. */
  since: number;
  /** False while the value is only one offered again (not a tick): its flush is not a tick's latency. */
  received: boolean;
}

export class TickCoalescer<V> {
  private readonly pending = new Map<string, Pending<V>>();
  private readonly lastFlushed = new Map<string, number>();
  private readonly minIntervalMs: number;
  private readonly latency = new SampleWindow(4096);
  private cancelTimer: (() => void) | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  /** When the last flush started; the next starts at least half a delay later. */
  private lastStart = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private closed = false;
  /** After a failed flush, nothing is retried before this time. */
  private retryAfter = 0;
  private readonly counters = { ticksReceived: 0, ticksCoalesced: 0, flushes: 0, failedFlushes: 0, rows: 0 };

  constructor(private readonly opts: TickCoalescerOptions<V>) {
    if (!(opts.delayMs >= 0)) throw new RangeError('delayMs must be >= 0');
    if (!(opts.maxRatePerKey > 0)) throw new RangeError('maxRatePerKey must be > 0');
    this.minIntervalMs = 1000 / opts.maxRatePerKey;
  }

  /** Records the latest value of `key`. O(1); never writes. `received`: false for a value offered again, not a new tick. */
  offer(key: string, value: V, received = true): void {
    if (this.closed) return;
    if (received) this.counters.ticksReceived++;
    const p = this.pending.get(key);
    if (p !== undefined) {
      p.value = value;
      if (received && !p.received) {
        // The first real tick of a key that waited with a value offered again: its latency starts now.
        p.received = true;
        p.since = this.opts.clock.now();
      } else this.counters.ticksCoalesced++;
      return;
    }
    const now = this.opts.clock.now();
    this.pending.set(key, { value, since: now, received });
    if (this.inFlight === undefined) this.schedule(this.startAt(this.dueAt(key, now)));
  }

  /** Whether `key` has a value waiting for a flush. */
  has(key: string): boolean {
    return this.pending.has(key);
  }

  /** Flushes everything pending now, ignoring the rate limit (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.pending.size > 0) await this.run(true);
  }

  /** Stops scheduling; `drain()` first to keep the trailing values. */
  close(): void {
    this.closed = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  stats(): TickCoalescerStats {
    const c = this.counters;
    return {
      ticksReceived: c.ticksReceived,
      ticksCoalesced: c.ticksCoalesced,
      flushes: c.flushes,
      failedFlushes: c.failedFlushes,
      rowsUpdated: c.rows,
      pendingKeys: this.pending.size,
      tickToFlushMs: this.latency.summary(),
    };
  }

  /** When a key that became dirty at `since` may go out: after the delay and its rate interval. */
  private dueAt(key: string, since: number): number {
    return Math.max(since + this.opts.delayMs, this.rateAllows(key, since));
  }

  private rateAllows(key: string, since: number): number {
    const last = this.lastFlushed.get(key);
    return last === undefined ? since : last + this.minIntervalMs;
  }

  /** When a flush for keys due at `due` may start: half a delay after the last start, not while backing off. */
  private startAt(due: number): number {
    return Math.max(due, this.lastStart + this.opts.delayMs / 2, this.retryAfter);
  }

  /** Whether a flush starting at `now` takes the key: its rate allows it and its delay ends within half a delay. */
  private takes(key: string, p: Pending<V>, now: number): boolean {
    return this.rateAllows(key, p.since) <= now && p.since + this.opts.delayMs / 2 <= now;
  }

  private schedule(at: number): void {
    if (this.closed || at >= this.timerAt) return;
    this.cancelTimer?.();
    this.timerAt = at;
    const wait = Math.max(0, at - this.opts.clock.now());
    this.cancelTimer = this.opts.clock.setTimer(wait, () => {
      this.cancelTimer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      void this.run(false);
    });
  }

  private run(all: boolean): Promise<void> {
    const p = this.flushDue(all).finally(() => {
      this.inFlight = undefined;
      this.scheduleNext();
    });
    this.inFlight = p;
    return p;
  }

  private async flushDue(all: boolean): Promise<void> {
    const now = this.opts.clock.now();
    const batch = new Map<string, V>();
    const taken: [string, Pending<V>][] = [];
    for (const [key, p] of this.pending) {
      if (!all && !this.takes(key, p, now)) continue;
      batch.set(key, p.value);
      taken.push([key, p]);
    }
    if (batch.size === 0) return;
    this.lastStart = now;
    for (const [key] of taken) this.pending.delete(key);
    try {
      this.counters.rows += await this.opts.flush(batch);
      this.counters.flushes++;
      // The rate limit spaces the starts of a key's writes (when its value was taken), so a slow
      // flush does not also delay the next one.
      const done = this.opts.clock.now();
      for (const [key, p] of taken) {
        this.lastFlushed.set(key, now);
        if (p.received) this.latency.add(done - p.since);
      }
    } catch (err) {
      this.counters.failedFlushes++;
      // Put the batch back unless a newer tick arrived meanwhile (the newer value wins).
      for (const [key, p] of taken) if (!this.pending.has(key)) this.pending.set(key, p);
      this.retryAfter = this.opts.clock.now() + Math.max(this.opts.delayMs, RETRY_BACKOFF_MS);
      this.opts.onError?.(err);
    }
  }

  private scheduleNext(): void {
    let next = Number.POSITIVE_INFINITY;
    for (const [key, p] of this.pending) next = Math.min(next, this.dueAt(key, p.since));
    if (next < Number.POSITIVE_INFINITY) this.schedule(this.startAt(next));
  }
}
