/**
 * Live copies through ccxt: the `LiveVenues` port of
 * `copytrading/live-venue-port.ts` for any ccxt exchange. Markets are loaded
 * once per venue on a public instance and shared with every user's trading
 * instance (no per-user market load); a market's lot rules come from ccxt's
 * precision and limits; orders carry the client order id in the parameter
 * the exchange profile names, and are found by it the same way (Hyperliquid,
 * whose answers the generic client cannot read, has its own client:
 * `hyperliquid-live-client.ts`). ccxt errors become domain errors
 * (`live-order-values.ts`).
 */

import { createHash } from 'node:crypto';
import type { Exchange, Order } from 'ccxt';
import { type Exact, exact, ZERO } from '../../domain/decimal.js';
import type { OpenedKeys as Keys, LiveMarketRules as Rules, VenueOrder } from '../../domain/live-order.js';
import { keyedExchange } from './credential-verifier.js';
import { ccxtClasses } from './error-mapping.js';
import { exchangeProfile } from './exchange-profiles.js';
import { getExchange } from './exchange-registry.js';
import { HyperliquidLiveClient, hyperliquidClientOrderId } from './hyperliquid-live-client.js';
import { orderError, toExact } from './live-order-values.js';

const TICK_SIZE = 4;
const DECIMAL_PLACES = 2;

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
    _price: string,
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

  client(venue: string, keys: Keys): CcxtLiveClient | HyperliquidLiveClient {
    const ex = keyedExchange(venue, keys, this.origins, this.timeoutMs);
    const shared = this.shared(venue);
    if (shared.markets) ex.setMarkets(shared.markets, shared.currencies as never);
    return venue === 'hyperliquid' ? new HyperliquidLiveClient(ex, keys) : new CcxtLiveClient(ex, venue);
  }

  clientOrderId(venue: string, traderId: number, tradeId: string): string {
    if (venue === 'hyperliquid') return hyperliquidClientOrderId(traderId, tradeId);
    const max = exchangeProfile(venue).orderByClientId?.maxLength ?? 32;
    const prefix = `tl${traderId}_`;
    const hash = createHash('sha256').update(`${traderId}:${tradeId}`).digest('hex');
    return (prefix + hash).slice(0, max);
  }
}
