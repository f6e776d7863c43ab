/**
 * Live copy orders on Hyperliquid spot through ccxt's `hyperliquid` class,
 * with Hyperliquid's answers read as it gives them (ccxt's unified order
 * leaves out what the bookkeeping needs):
 * - an order is ccxt's market order — an IOC limit `defaultSlippage` (5 %)
 *   past the price the copy was sized at — carrying the client order id as
 *   its `cloid` (16 bytes in hex, `hyperliquidClientOrderId`). The answer is
 *   `filled` {totalSz, avgPx, oid} (the rest of an IOC is cancelled) or an
 *   error, which ccxt throws;
 * - that answer has no fee: the order's own fills (info `userFillsByTime`,
 *   matched by `oid`) give it, in the token the account received — on a buy
 *   the base asset (counted in the quote at the fill's price; `received` is
 *   what arrived), on a sell the quote;
 * - an order is found by its cloid with info `orderStatus` (`unknownOid`
 *   when there is none: ccxt throws OrderNotFound); filled = origSz - sz,
 *   priced and charged from its fills as above.
 * Fills that do not add up to the filled size yet leave the outcome unknown
 * (UnavailableError): the executor asks again later.
 */
import { createHash } from 'node:crypto';
import type { Exchange, Market } from 'ccxt';
import { type Decimal, type Exact, exact, parseExact, tryParseDecimal, ZERO } from '../../domain/decimal.js';
import { UnavailableError } from '../../domain/errors.js';
import type { OpenedKeys as Keys, VenueOrder } from '../../domain/live-order.js';
import { ccxtClasses } from './error-mapping.js';
import { orderError, toExact } from './live-order-values.js';

const VENUE = 'hyperliquid';
/** How long before the send a fill may be stamped (clocks that disagree). */
const CLOCK_SLACK_MS = 60_000;

/** `0x` and 32 hex digits: the first 16 bytes of SHA-256 of (follow, leader trade). */
export function hyperliquidClientOrderId(traderId: number, tradeId: string): string {
  return `0x${createHash('sha256').update(`${traderId}:${tradeId}`).digest('hex').slice(0, 32)}`;
}

interface Fill {
  oid?: unknown;
  px?: unknown;
  sz?: unknown;
  fee?: unknown;
  feeToken?: unknown;
}

type Info = (request: object) => Promise<unknown>;

function amount(text: unknown, what: string, allowNegative = false): Exact {
  const r = tryParseDecimal(text, { allowNegative });
  if (!r.ok) throw new UnavailableError(`${VENUE}: unexpected ${what} ${JSON.stringify(text)?.slice(0, 40)}`);
  return parseExact(r.value);
}

/** An orderStatus status as the port's: `filled`, open ones, `...Rejected`, `...Canceled` and other cancels. */
function statusOf(s: string): VenueOrder['status'] {
  if (s === 'filled') return 'closed';
  if (s === 'open' || s === 'triggered') return 'open';
  if (s === 'rejected' || s.endsWith('Rejected')) return 'rejected';
  return 'canceled';
}

export class HyperliquidLiveClient {
  private readonly wallet: string;

  constructor(
    private readonly ex: Exchange,
    keys: Keys,
  ) {
    this.wallet = keys.walletAddress ?? '';
  }

  private get info(): Info {
    const ex = this.ex as unknown as Record<string, Info>;
    return (request) => ex['publicPostInfo']!.call(this.ex, request);
  }

  async createMarketOrder(
    symbol: string,
    side: 'buy' | 'sell',
    size: Decimal,
    clientOrderId: string,
    price: Decimal,
  ): Promise<VenueOrder> {
    const sentAt = Date.now();
    let info: { filled?: { totalSz?: unknown; oid?: unknown }; resting?: { oid?: unknown } };
    try {
      const o = await this.ex.createOrder(symbol, 'market', side, Number(size), Number(price), {
        clientOrderId,
      });
      info = (o.info ?? {}) as typeof info;
    } catch (err) {
      throw orderError(err, VENUE);
    }
    if (info.resting) return this.none(String(info.resting.oid), 'open');
    if (!info.filled)
      throw new UnavailableError(`${VENUE}: the order's answer is neither filled nor resting`);
    const filled = amount(info.filled.totalSz, 'totalSz');
    const status = exact.cmp(filled, parseExact(size)) >= 0 ? 'closed' : 'canceled';
    return this.priced(symbol, side, String(info.filled.oid), status, filled, sentAt - CLOCK_SLACK_MS);
  }

  async findByClientOrderId(symbol: string, clientOrderId: string): Promise<VenueOrder | null> {
    let answer: { order?: { status?: unknown; order?: Record<string, unknown> } };
    try {
      answer = (await this.info({
        type: 'orderStatus',
        user: this.wallet,
        oid: clientOrderId,
      })) as typeof answer;
    } catch (err) {
      if (ccxtClasses(err).has('OrderNotFound')) return null; // {"status":"unknownOid"}
      throw orderError(err, VENUE);
    }
    const o = answer.order?.order;
    const st = answer.order?.status;
    if (!o || typeof st !== 'string')
      throw new UnavailableError(`${VENUE}: orderStatus answered without an order`);
    const filled = exact.sub(amount(o['origSz'], 'origSz'), amount(o['sz'], 'sz'));
    const side = o['side'] === 'A' ? 'sell' : 'buy';
    const placed = typeof o['timestamp'] === 'number' ? o['timestamp'] : 0;
    return this.priced(symbol, side, String(o['oid']), statusOf(st), filled, placed - CLOCK_SLACK_MS);
  }

  async freeBalance(asset: string): Promise<Exact> {
    try {
      const b = await this.ex.fetchBalance({ type: 'spot' });
      return toExact((b[asset] as { free?: number } | undefined)?.free) ?? ZERO;
    } catch (err) {
      throw orderError(err, VENUE);
    }
  }

  close(): Promise<void> {
    return this.ex.close();
  }

  private none(id: string, status: VenueOrder['status']): VenueOrder {
    return { id, status, filled: ZERO, average: null, fee: ZERO };
  }

  /** The order with its fills' average price and fee; unknown (thrown) until its fills add up to `filled`. */
  private async priced(
    symbol: string,
    side: 'buy' | 'sell',
    oid: string,
    status: VenueOrder['status'],
    filled: Exact,
    since: number,
  ): Promise<VenueOrder> {
    if (exact.sign(filled) <= 0) return this.none(oid, status);
    const market = this.ex.market(symbol) as Market & { baseName?: string };
    let fills: Fill[];
    try {
      const all = await this.info({
        type: 'userFillsByTime',
        user: this.wallet,
        startTime: Math.max(0, since),
      });
      fills = (Array.isArray(all) ? all : []).filter((f: Fill) => String(f.oid) === oid);
    } catch (err) {
      throw orderError(err, VENUE);
    }
    let size = ZERO;
    let cost = ZERO;
    let fee = ZERO;
    let feeInBase = ZERO;
    for (const f of fills) {
      const sz = amount(f.sz, 'fill sz');
      const px = amount(f.px, 'fill px');
      const charged = amount(f.fee, 'fill fee', true);
      size = exact.add(size, sz);
      cost = exact.add(cost, exact.mul(sz, px));
      if (f.feeToken === market.baseName) {
        feeInBase = exact.add(feeInBase, charged);
        fee = exact.add(fee, exact.mul(charged, px));
      } else if (f.feeToken === market.quoteId) fee = exact.add(fee, charged);
      // A fee in a third token (none on spot pairs today) is not converted.
    }
    if (exact.cmp(size, filled) !== 0)
      throw new UnavailableError(
        `${VENUE}: the fills of order ${oid} add up to less than its filled size yet`,
      );
    const average = exact.div(cost, size, 12);
    const order: VenueOrder = { id: oid, status, filled, average, fee };
    if (side === 'buy' && exact.sign(feeInBase) !== 0) order.received = exact.sub(filled, feeInBase);
    return order;
  }
}
