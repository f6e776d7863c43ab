/**
 * Cache warming: every `every` ms (on the cache's Clock), refresh the most
 * read entries that would go stale before the next round, so hot keys are
 * reloaded in the background instead of by a reader.
 *
 * Request counts live on the L1 entries themselves (one increment on a hit,
 * no extra lookup), so the counter is bounded by the L1 and dies with the
 * entry; each round halves every count, so "most read" means recently. A
 * round is one pass over L1 keeping the top N in a small sorted array:
 * O(entries x log N).
 *
 * Only entries present in L1 are refreshed, with the tags they were stored
 * with: a refresh can never re-create an entry that an invalidation dropped.
 */
import type { Clock } from '../domain/clock.js';
import { ValidationError } from '../domain/errors.js';
import type { CacheKind } from './cache.js';
import type { L1Entry } from './l1-store.js';

export interface WarmingOptions {
  /** Milliseconds between rounds. */
  every: number;
  /** At most this many entries refreshed per round. */
  top: number;
  /** Loads the current value of `kind`/`key` (what a reader's loader would do). */
  refresh(kind: CacheKind, key: string): Promise<unknown>;
  /** Only these kinds are warmed. @default every kind */
  kinds?: readonly CacheKind[];
}

export interface Warming {
  stop(): void;
  /** Rounds run so far. */
  readonly rounds: number;
  /** Refreshes started so far. */
  readonly refreshes: number;
}

/** What the warmer needs from the cache. */
export interface WarmTarget {
  clock: Clock;
  entries(): Iterable<L1Entry>;
  /** Reloads `entry` with `load` through the cache's single-flight path, unless a load of it is running. */
  refresh(entry: L1Entry, load: () => Promise<unknown>): boolean;
}

interface Ranked {
  entry: L1Entry;
  reads: number;
}

/** The `n` entries with most reads among those `accept`ed, most read first; halves every entry's count. */
export function topAndDecay(
  entries: Iterable<L1Entry>,
  n: number,
  accept: (e: L1Entry) => boolean,
): L1Entry[] {
  const best: Ranked[] = []; // ascending by reads
  for (const entry of entries) {
    const reads = entry.reads;
    entry.reads = reads >>> 1;
    if (reads === 0 || !accept(entry)) continue;
    if (best.length === n && reads <= best[0]!.reads) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (best[mid]!.reads < reads) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, { entry, reads });
    if (best.length > n) best.shift();
  }
  return best.reverse().map((r) => r.entry);
}

export class Warmer implements Warming {
  rounds = 0;
  refreshes = 0;
  private cancel: (() => void) | undefined;
  private readonly kinds: ReadonlySet<CacheKind> | undefined;

  constructor(
    private readonly target: WarmTarget,
    private readonly opts: WarmingOptions,
  ) {
    if (!Number.isSafeInteger(opts.every) || opts.every < 1)
      throw new ValidationError(`warming: every must be a whole number of ms >= 1 (got ${opts.every})`);
    if (!Number.isSafeInteger(opts.top) || opts.top < 1)
      throw new ValidationError(`warming: top must be a whole number >= 1 (got ${opts.top})`);
    this.kinds = opts.kinds ? new Set(opts.kinds) : undefined;
    this.schedule();
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  private schedule(): void {
    this.cancel = this.target.clock.setTimer(this.opts.every, () => {
      this.round();
      if (this.cancel !== undefined) this.schedule();
    });
  }

  private round(): void {
    this.rounds++;
    const now = this.target.clock.now();
    const horizon = now + this.opts.every;
    const due = (e: L1Entry) =>
      e.freshUntil <= horizon && now < e.staleUntil && (this.kinds === undefined || this.kinds.has(e.kind));
    for (const entry of topAndDecay(this.target.entries(), this.opts.top, due)) {
      const { kind, key } = entry;
      if (this.target.refresh(entry, () => this.opts.refresh(kind, key))) this.refreshes++;
    }
  }
}
