/**
 * Live copies through ccxt: the `LiveVenues` port of
 * `copytrading/live-venue-port.ts` for any ccxt exchange. Markets are loaded
 * once per venue on a public instance and shared with every user's trading
 * instance (no per-user market load); a market's lot rules come from ccxt's
 * precision and limits; orders carry the client order id in the parameter
 * the exchange profile names, and are found by it the same way. ccxt errors
 * become domain errors: a refusal is a ValidationError with the exchange's
 * words, anything else an UnavailableError (outcome unknown).
 */

import { createHash } from 'node:crypto';
import type { Exchange, Order } from 'ccxt';
import { type Exact, exact, parseExact, tryParseDecimal, ZERO } from '../../domain/decimal.js';
import { UnavailableError, ValidationError } from '../../domain/errors.js';
import { keyedExchange } from './credential-verifier.js';
import { ccxtClasses } from './error-mapping.js';
import { exchangeProfile } from './exchange-profiles.js';
import { getExchange } from './exchange-registry.js';

/** Structural copies of the port's types (venues does not import copytrading). */
interface Rules {
  step: Exact | null;
  minAmount: Exact | null;
  minNotional: Exact | null;
  quote: string;
  feeRate: Exact;
}
interface VenueOrder {
  id: string;
  status: 'open' | 'closed' | 'canceled' | 'rejected';
  filled: Exact;
  average: Exact | null;
  fee: Exact;
}
interface Keys {
  apiKey: string;
  secret: string;
  password?: string;
  privateKey?: string;
}

const TICK_SIZE = 4;
const DECIMAL_PLACES = 2;

/** A venue's float as an exact amount (12 places is finer than any lot or price step). */
function toExact(n: unknown): Exact | null {
  if (typeof n !== 'number' || !Number.isFinite(n)) return null;
  const r = tryParseDecimal(Math.abs(n).toFixed(12));
  if (!r.ok) return null;
  const x = parseExact(r.value);
  return n < 0 ? exact.neg(x) : x;
}

/** ccxt errors that mean the exchange refused the order (final), not that the outcome is unknown. */
const REFUSED = [
  'InsufficientFunds',
  'InvalidOrder',
  'BadRequest',
  'BadSymbol',
  'AuthenticationError',
  'PermissionDenied',
  'AccountSuspended',
];

function orderError(err: unknown, venue: string): Error {
  const message = `${venue}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
  const names = ccxtClasses(err);
  if (REFUSED.some((n) => names.has(n))) return new ValidationError(message);
  return new UnavailableError(message);
}

function venueOrder(o: Order, quote: string): VenueOrder {
  const filled = toExact(o.filled) ?? ZERO;
  const average = exact.sign(filled) > 0 ? (toExact(o.average) ?? toExact(o.price)) : null;
  // Fees in the quote asset (BingX reports them so; a fee in another asset is not converted).
  const all = (o as Order & { fees?: Order['fee'][] }).fees;
  const fees = all?.length ? all : o.fee ? [o.fee] : [];
  let fee = ZERO;
  for (const f of fees)
    if (f && (f.currency === undefined || f.currency === quote))
      fee = exact.add(fee, exact.abs(toExact(f.cost) ?? ZERO));
  const status =
    o.status === 'closed'
      ? 'closed'
      : o.status === 'canceled' || o.status === 'expired'
        ? 'canceled'
        : o.status === 'rejected'
          ? 'rejected'
          : 'open';
  return { id: String(o.id), status, filled, average, fee };
}

class CcxtLiveClient {
  constructor(
    private readonly ex: Exchange,
    private readonly venue: string,
  ) {}

  private quoteOf(symbol: string): string {
    return this.ex.markets?.[symbol]?.quote ?? symbol.split('/')[1] ?? '';
  }

  async createMarketOrder(
    symbol: string,
    side: 'buy' | 'sell',
    amount: string,
    clientOrderId: string,
  ): Promise<VenueOrder> {
    const how = exchangeProfile(this.venue).orderByClientId;
    const params = { [how?.createParam ?? 'clientOrderId']: clientOrderId };
    try {
      return venueOrder(
        await this.ex.createOrder(symbol, 'market', side, Number(amount), undefined, params),
        this.quoteOf(symbol),
      );
    } catch (err) {
      throw orderError(err, this.venue);
    }
  }

  async findByClientOrderId(symbol: string, clientOrderId: string): Promise<VenueOrder | null> {
    const how = exchangeProfile(this.venue).orderByClientId;
    try {
      // ccxt's fetchOrder takes the exchange's own id: the profile names the endpoint that takes ours.
      if (!how)
        return venueOrder(await this.ex.fetchOrder('', symbol, { clientOrderId }), this.quoteOf(symbol));
      const market = this.ex.market(symbol);
      const call = (this.ex as unknown as Record<string, (p: object) => Promise<{ data?: unknown }>>)[
        how.fetchMethod
      ]!;
      const r = await call.call(this.ex, { symbol: market.id, [how.fetchParam]: clientOrderId });
      return venueOrder(this.ex.parseOrder(r.data as Record<string, unknown>, market), this.quoteOf(symbol));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (ccxtClasses(err).has('OrderNotFound') || how?.notFound.test(message)) return null;
      throw orderError(err, this.venue);
    }
  }

  async freeBalance(asset: string): Promise<Exact> {
    try {
      const b = await this.ex.fetchBalance();
      return toExact((b[asset] as { free?: number } | undefined)?.free) ?? ZERO;
    } catch (err) {
      throw orderError(err, this.venue);
    }
  }

  close(): Promise<void> {
    return this.ex.close();
  }
}

export class CcxtLiveVenues {
  private readonly rulesByVenue = new Map<string, Map<string, Rules>>();
  private readonly loading = new Map<string, Promise<void>>();

  constructor(
    /** REST origins by exchange id (LIVE_VENUE_ORIGINS). */
    private readonly origins: Readonly<Record<string, string>>,
    /** LIVE_ORDER_TIMEOUT_MS: ccxt's request timeout on the order path. */
    private readonly timeoutMs: number,
  ) {}

  private shared(venue: string): Exchange {
    const origin = this.origins[venue];
    return getExchange(venue, origin ? { apiOrigin: origin } : {});
  }

  rules(venue: string, symbol: string): Rules | null | undefined {
    const m = this.rulesByVenue.get(venue);
    if (!m) return undefined;
    return m.get(symbol) ?? null;
  }

  load(venue: string): Promise<void> {
    let p = this.loading.get(venue);
    if (!p) {
      p = this.readRules(venue).catch((err: unknown) => {
        this.loading.delete(venue);
        throw orderError(err, venue);
      });
      this.loading.set(venue, p);
    }
    return p;
  }

  private async readRules(venue: string): Promise<void> {
    const ex = this.shared(venue);
    const markets = await ex.loadMarkets();
    const out = new Map<string, Rules>();
    for (const m of Object.values(markets)) {
      if (m?.spot !== true) continue;
      const p = toExact(m.precision?.amount);
      const step =
        p === null
          ? null
          : ex.precisionMode === TICK_SIZE
            ? p
            : ex.precisionMode === DECIMAL_PLACES
              ? { m: 1n, s: Number(p.m) }
              : null;
      out.set(m.symbol, {
        step,
        minAmount: toExact(m.limits?.amount?.min),
        minNotional: toExact(m.limits?.cost?.min),
        quote: m.quote,
        feeRate: toExact(m.taker) ?? { m: 1n, s: 3 },
      });
    }
    this.rulesByVenue.set(venue, out);
  }

  client(venue: string, keys: Keys): CcxtLiveClient {
    const ex = keyedExchange(venue, keys, this.origins, this.timeoutMs);
    const shared = this.shared(venue);
    if (shared.markets) ex.setMarkets(shared.markets, shared.currencies as never);
    return new CcxtLiveClient(ex, venue);
  }

  clientOrderId(venue: string, traderId: number, tradeId: string): string {
    const max = exchangeProfile(venue).orderByClientId?.maxLength ?? 32;
    const prefix = `tl${traderId}_`;
    const hash = createHash('sha256').update(`${traderId}:${tradeId}`).digest('hex');
    return (prefix + hash).slice(0, max);
  }
}
