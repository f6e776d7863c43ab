/**
 * The latest price of each streamed market, as the price feed receives it:
 * fresher than any cached read (the `price` kind may be up to its TTL old)
 * and free (no upstream call, no rate limit). A price read asks here first;
 * a symbol that has not ticked within `freshMs` is read as before, through
 * the cache. Per instance: on a fleet, the holder of the price stream has it.
 * Bounded by the venue's listing (only ticks of listed markets are noted).
 */
import type { Clock } from '../domain/clock.js';

export interface ObservedPrice {
  price: number;
  /** When the venue observed it, ms since the epoch. */
  ts: number;
  /** When this instance received it. */
  receivedAt: number;
}

export class ObservedPrices {
  private readonly latest = new Map<string, ObservedPrice>();

  constructor(
    private readonly clock: Clock,
    /** How long a streamed price answers reads after it arrived, ms. */
    private readonly freshMs: number,
  ) {}

  note(symbol: string, price: number, ts: number): void {
    const seen = this.latest.get(symbol);
    // A tick older than the one kept (out of order, or a polled read behind the stream) changes nothing.
    if (seen !== undefined && seen.ts > ts) return;
    this.latest.set(symbol, { price, ts, receivedAt: this.clock.now() });
  }

  /** The symbol's streamed price if it arrived within `freshMs`, else undefined. */
  fresh(symbol: string, now: number): ObservedPrice | undefined {
    const seen = this.latest.get(symbol);
    return seen !== undefined && now - seen.receivedAt < this.freshMs ? seen : undefined;
  }
}
