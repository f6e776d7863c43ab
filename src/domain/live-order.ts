/**
 * What a live copy order is on any venue: a market's order rules, an order
 * as the venue reports it, and one user's opened keys. The copy engine's
 * port (`copytrading/live-venue-port.ts`) and the venue clients that
 * implement it (`venues/`) share these shapes.
 */
import type { Exact } from './decimal.js';
import type { LotRules } from './lot-rules.js';

/** A market's rules and what sizing needs to know of it. */
export interface LiveMarketRules extends LotRules {
  /** The asset prices are quoted in (the balance buys spend). */
  quote: string;
  /** Taker fee as a share of notional. */
  feeRate: Exact;
}

/** An order as the venue reports it. */
export interface VenueOrder {
  id: string;
  /** `open` (accepted, not done), `closed` (filled), `canceled` (perhaps partly filled), `rejected`. */
  status: 'open' | 'closed' | 'canceled' | 'rejected';
  filled: Exact;
  /** Average fill price; null when nothing filled. */
  average: Exact | null;
  /** Fee in the quote asset (a fee the venue took in the base asset counted at its fill's price). */
  fee: Exact;
  /**
   * Base asset that reached the account, when the venue took its fee out of
   * it (a buy on Hyperliquid spot); the holding grows by this, not `filled`.
   */
  received?: Exact;
}

/** One user's keys, opened (only on the order path). */
export interface OpenedKeys {
  apiKey?: string;
  secret?: string;
  password?: string;
  privateKey?: string;
  /** The account a wallet's `privateKey` (or an API wallet's) trades for (Hyperliquid). */
  walletAddress?: string;
}
