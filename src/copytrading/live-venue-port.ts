/**
 * What live copies need from a venue, as a port (implemented for ccxt in
 * `venues/ccxt/ccxt-live-venues.ts`): a market's order rules, a client that
 * trades with one user's keys, and the client order id the venue accepts.
 *
 * A client's calls throw ValidationError when the venue refused the order
 * (final: insufficient funds, a rule broken) and UnavailableError or
 * TimeoutError when the outcome is unknown (the order may or may not exist:
 * it is then looked up by its client order id, never simply sent again).
 */
import type { Decimal, Exact } from '../domain/decimal.js';
import type { LiveMarketRules, OpenedKeys, VenueOrder } from '../domain/live-order.js';

/** What a copy order was sent with (all from its outbox row). */
export interface SentOrder {
  side: 'buy' | 'sell';
  amount: Decimal;
  price: Decimal;
  plannedAt: number;
}

export interface LiveTradingClient {
  createMarketOrder(
    symbol: string,
    side: 'buy' | 'sell',
    amount: Decimal,
    clientOrderId: string,
    /** The price the copy was sized at: venues whose market orders are IOC limits bound their slippage from it. */
    price: Decimal,
    /** When the copy was planned (the outbox row's creation): the same on every re-send. */
    plannedAt: number,
  ): Promise<VenueOrder>;
  /**
   * The order sent with `clientOrderId`, or null when the venue has none.
   * `sent` is what it was sent with: a venue whose order id is a hash of
   * the signed order (Polymarket) rebuilds the order from it to find it.
   */
  findByClientOrderId(symbol: string, clientOrderId: string, sent: SentOrder): Promise<VenueOrder | null>;
  freeBalance(asset: string): Promise<Exact>;
  close(): Promise<void>;
}

export interface LiveVenues {
  /** Rules of `symbol` on `venue`: null when the venue does not list it, undefined until its markets are loaded. */
  rules(venue: string, symbol: string): LiveMarketRules | null | undefined;
  /** Loads (once) the markets of `venue`; rejects when the venue cannot answer. */
  load(venue: string): Promise<void>;
  client(venue: string, keys: OpenedKeys): LiveTradingClient;
  /** The id a copy of leader trade `tradeId` for follow `traderId` is sent with: the same every time, valid for `venue`. */
  clientOrderId(venue: string, traderId: number, tradeId: string): string;
}
