/**
 * One load of one key, shared by every caller that misses while it runs
 * (stampede protection), and the rules for what those callers get:
 *
 * - the load's value as soon as it arrives;
 * - at the soft timeout, the best stale value within grace if there is one
 *   (the load goes on in the background and its value is still stored);
 * - at the hard timeout, TimeoutError (or the stale value), and the flight
 *   is abandoned so the next miss starts a new load;
 * - when the load fails, the stale value within grace, else the load's error.
 *
 * Deadlines run from the start of the flight, on the cache's Clock.
 */
import type { Clock } from '../domain/clock.js';
import { TimeoutError } from '../domain/errors.js';
import type { KindPolicy } from './cache.js';

/** A value that may be served stale: loaded at `loadedAt`, usable until `staleUntil`. */
export interface Candidate {
  value: unknown;
  loadedAt: number;
  staleUntil: number;
}

/** What the callers of a flight get. `fromL2`: a fresh value found in Redis (no load). */
export interface Answer {
  value: unknown;
  loadedAt: number;
  stale: boolean;
  fromL2: boolean;
}

export class LoadFlight {
  readonly startedAt: number;
  /** Set when an invalidation hits this key or its tags: the result is returned but not stored. */
  poisoned = false;
  readonly answer: Promise<Answer>;
  private candidate: Candidate | undefined;
  private settled = false;
  private softPassed = false;
  private done = false;
  private resolve!: (a: Answer) => void;
  private reject!: (e: unknown) => void;
  private readonly cancelSoft: () => void;
  private readonly cancelHard: () => void;

  constructor(
    private readonly clock: Clock,
    readonly fullKey: string,
    readonly tags: readonly string[],
    policy: KindPolicy,
    candidate: Candidate | undefined,
    /** Called once when the flight ends (load settled or hard timeout): remove it from the map. */
    private readonly onEnd: (flight: LoadFlight, timedOut: boolean) => void,
  ) {
    this.startedAt = clock.now();
    this.candidate = candidate;
    this.answer = new Promise<Answer>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.cancelSoft = clock.setTimer(policy.softTimeoutMs, () => {
      this.softPassed = true;
      this.serveStale();
    });
    this.cancelHard = clock.setTimer(policy.hardTimeoutMs, () => {
      if (this.done) return;
      if (!this.serveStale()) {
        this.settle(() =>
          this.reject(new TimeoutError(`loading ${fullKey} took longer than ${policy.hardTimeoutMs} ms`)),
        );
      }
      this.end(true);
    });
  }

  /** True once the flight's callers have their answer (later joiners get the same one). */
  get answered(): boolean {
    return this.settled;
  }

  /** Offers a stale value found after the start (in L2); kept if newer than the one held. */
  offer(c: Candidate): void {
    if (this.candidate === undefined || c.loadedAt > this.candidate.loadedAt) this.candidate = c;
    if (this.softPassed) this.serveStale();
  }

  /** A fresh value (loaded, or found in L2). */
  succeed(a: Answer): void {
    this.settle(() => this.resolve(a));
    this.end(false);
  }

  /** The load failed: serve stale within grace, else pass the error on. */
  fail(err: unknown): void {
    if (!this.serveStale()) this.settle(() => this.reject(err));
    this.end(false);
  }

  private serveStale(): boolean {
    const c = this.candidate;
    if (this.settled || c === undefined || this.clock.now() >= c.staleUntil) return this.settled;
    this.settle(() => this.resolve({ value: c.value, loadedAt: c.loadedAt, stale: true, fromL2: false }));
    return true;
  }

  private settle(fn: () => void): void {
    if (this.settled) return;
    this.settled = true;
    fn();
  }

  private end(timedOut: boolean): void {
    if (this.done) return;
    this.done = true;
    this.cancelSoft();
    this.cancelHard();
    this.onEnd(this, timedOut);
  }
}
