/**
 * The venue subscription of a streaming price feed: exactly the markets that
 * have open positions, followed as positions open and close
 * (`marketsChanged()`, at once for this instance's own) and re-read every
 * `resyncMs` (positions opened on other instances of the fleet). A re-read
 * that has not answered in `stallMs` is given up and a fresh one made; an
 * answer for an older generation (superseded, or after `stop()`) subscribes
 * nothing, so an instance that lost the price-stream lease stops streaming.
 */
import type { Clock } from '../domain/clock.js';
import { withDeadline } from '../lib/deadline.js';
import type { PositionRepository } from '../store/position-repository.js';
import type { TickBatchHandler, Unsubscribe } from '../venues/types.js';
import type { Venue } from '../venues/venue.js';

/** Least time between two reads of the markets with open positions while streaming, ms. */
const FOLLOW_EVERY_MS = 250;
/**
 * A resubscription still in flight after this long is given up: the next
 * change or resync starts a fresh one (and the late one's answer is ignored),
 * so one read that never settles cannot freeze the streamed set. ms.
 */
export const FOLLOW_STALL_MS = 10_000;

export interface OpenMarketsStreamOptions {
  repo: Pick<PositionRepository, 'openMarkets'>;
  venue: Pick<Venue, 'subscribeTicks'>;
  venueId: string;
  clock: Clock;
  /** @default 2000 */
  resyncMs?: number;
  /** @default FOLLOW_STALL_MS */
  stallMs?: number;
  /** Called before a subscription: makes sure the listing that maps ticks to markets is loaded. */
  ensureListing(): Promise<void>;
  onTicks: TickBatchHandler;
  onError?(err: unknown): void;
}

export class OpenMarketsStream {
  private streaming = false;
  private venueStream: Unsubscribe | undefined;
  private streamedKey = '';
  private streamedCount = 0;
  /** The resubscription in flight (only the latest generation's counts), and when it began. */
  private following: Promise<void> | undefined;
  private followingSince = 0;
  /** Bumped by every resubscription and by a stop: an answer for an older generation is ignored. */
  private followGen = 0;
  private abandoned = 0;
  private followAgain = false;
  private lastFollowAt = Number.NEGATIVE_INFINITY;
  private followTimer: NodeJS.Timeout | undefined;
  private cancelResync: () => void = () => {};
  /** Bumped by every start: only the latest start arms the resync timer. */
  private runs = 0;

  constructor(private readonly o: OpenMarketsStreamOptions) {}

  private get stallMs(): number {
    return this.o.stallMs ?? FOLLOW_STALL_MS;
  }

  /** Subscribes the open markets now (its failure is the caller's: a lease gives the role back), then keeps following. */
  async start(): Promise<void> {
    this.streaming = true;
    const run = ++this.runs;
    await this.beginFollow(false);
    // Not if stopped meanwhile (or stopped and started again: that start arms its own).
    if (this.streaming && run === this.runs) this.armResync();
  }

  private armResync(): void {
    this.cancelResync = this.o.clock.setTimer(this.o.resyncMs ?? 2_000, () => {
      this.marketsChanged();
      this.armResync();
    });
  }

  stop(): void {
    this.streaming = false;
    this.followGen++;
    this.cancelResync();
    clearTimeout(this.followTimer);
    this.followTimer = undefined;
    this.venueStream?.();
    this.venueStream = undefined;
    this.streamedKey = '';
    this.streamedCount = 0;
  }

  /** Resolves when the resubscription in flight settles, or after `stallMs` (its answer is ignored by then). */
  settled(): Promise<void> {
    if (!this.following) return Promise.resolve();
    const outcome = this.following.catch(() => undefined);
    return withDeadline(outcome, this.stallMs, () => undefined);
  }

  get streamedMarkets(): number {
    return this.streamedCount;
  }

  /** Resubscriptions given up after `stallMs` without an answer. */
  get followsAbandoned(): number {
    return this.abandoned;
  }

  /**
   * Positions opened or closed: stream exactly the markets that now have open
   * positions. Calls during a resubscription are folded into one more.
   */
  marketsChanged(): void {
    if (!this.streaming) return;
    if (this.following) {
      if (performance.now() - this.followingSince < this.stallMs) {
        this.followAgain = true;
        return;
      }
      this.abandoned++;
      this.o.onError?.(
        new Error(`price stream: resubscription gave no answer in ${this.stallMs} ms; starting another`),
      );
    }
    // A burst of openings (a leader's trade copied to many follows, page after page) re-reads the
    // open markets at most every FOLLOW_EVERY_MS: one real-time timer for the rest of the burst.
    const wait = this.lastFollowAt + FOLLOW_EVERY_MS - performance.now();
    if (wait > 0) {
      this.followTimer ??= setTimeout(() => {
        this.followTimer = undefined;
        this.marketsChanged();
      }, wait).unref();
      return;
    }
    void this.beginFollow(true);
  }

  /**
   * Starts a resubscription and makes it the one in flight; a later one (or a
   * stop) supersedes it. Resolves or rejects with its outcome; when `report`,
   * a failure goes to `onError` instead and the promise resolves.
   */
  private beginFollow(report: boolean): Promise<void> {
    const gen = ++this.followGen;
    this.lastFollowAt = performance.now();
    this.followingSince = this.lastFollowAt;
    const run = this.follow(gen);
    const tracked: Promise<void> = run
      .catch((err: unknown) => {
        if (report) this.o.onError?.(err);
      })
      .finally(() => {
        if (this.following !== tracked) return;
        this.following = undefined;
        if (this.followAgain) {
          this.followAgain = false;
          this.marketsChanged();
        }
      });
    this.following = tracked;
    return report ? tracked : run;
  }

  private async follow(gen: number): Promise<void> {
    const { venue } = this.o;
    const current = () => gen === this.followGen && this.streaming;
    const symbols = (await this.o.repo.openMarkets(this.o.venueId)).map((m) => m.symbol).sort();
    const key = symbols.join('\n');
    if (!current() || key === this.streamedKey || !venue.subscribeTicks) return;
    // The listing is read only once there is something to price (an idle service never loads it).
    if (symbols.length > 0) {
      await this.o.ensureListing();
      // Stopped or superseded meanwhile: subscribing now would stream for nobody, or an older set.
      if (!current()) return;
    }
    this.venueStream?.();
    this.venueStream = symbols.length > 0 ? venue.subscribeTicks(symbols, this.o.onTicks) : undefined;
    this.streamedKey = key;
    this.streamedCount = symbols.length;
  }
}
