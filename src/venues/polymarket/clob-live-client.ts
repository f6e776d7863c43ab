/**
 * Live copy orders on the Polymarket CLOB with one user's wallet key, through
 * @polymarket/clob-client-v2: the API key is derived (or created) with an
 * L1 (EIP-712 signed) request on first use, every trading call carries the
 * L2 HMAC headers, and orders are posted as FAK (fill-and-kill: what the book
 * fills at the limit or better, the rest cancelled — Polymarket's market
 * order). The order is the deterministic one of `clob-order-signing.ts`, its
 * hash the id it is looked up by (`GET /data/order/{hash}`); its fill price
 * and fee come from its trades (`GET /data/trades?id=`). Amounts on the CLOB
 * are outcome tokens (shares) and USDC in 6-decimal base units.
 */
import { ApiError, AssetType, Chain, ClobClient, OrderType } from '@polymarket/clob-client-v2';
import { privateKeyToAccount } from 'viem/accounts';
import { type Decimal, type Exact, exact, parseExact, tryParseDecimal, ZERO } from '../../domain/decimal.js';
import { UnavailableError, ValidationError } from '../../domain/errors.js';
import type { VenueOrder } from '../../domain/live-order.js';
import { withDeadline } from '../../lib/deadline.js';
import { type OrderTerms, signOrder } from './clob-order-signing.js';

const VENUE = 'polymarket';

/** What the client needs of a market's outcome token. */
export interface OutcomeToken {
  tokenId: string;
  tick: Exact;
  negRisk: boolean;
}

export interface SentOrder {
  side: 'buy' | 'sell';
  amount: Decimal;
  price: Decimal;
  plannedAt: number;
}

export interface ClobLiveClientOptions {
  host: string;
  privateKey: string;
  token(symbol: string): OutcomeToken | undefined;
  /** LIVE_ORDER_TIMEOUT_MS: the longest a CLOB call may take before its outcome is unknown. */
  timeoutMs: number;
  /** How far past the sizing price a FAK may fill, as a share of it. @default 0.05 */
  slippage?: Exact;
}

const FIVE_PERCENT: Exact = { m: 5n, s: 2 };
const ONE: Exact = { m: 1n, s: 0 };
const BASE_UNITS: Exact = { m: 1_000_000n, s: 0 };

function amount(text: unknown, what: string): Exact {
  const r = tryParseDecimal(typeof text === 'number' ? String(text) : text);
  if (!r.ok) throw new UnavailableError(`${VENUE}: unexpected ${what} ${JSON.stringify(text)?.slice(0, 40)}`);
  return parseExact(r.value);
}

/** `x` rounded to a multiple of `tick`, down or up. */
function toTick(x: Exact, tick: Exact, up: boolean): Exact {
  const q = exact.div(x, tick, 0);
  let n = exact.mul(q, tick);
  if (up && exact.cmp(n, x) < 0) n = exact.add(n, tick);
  if (!up && exact.cmp(n, x) > 0) n = exact.sub(n, tick);
  return n;
}

/** A CLOB failure as the port's errors: a 4xx is a refusal in the CLOB's words, anything else unknown. */
export function clobOrderError(err: unknown): Error {
  if (err instanceof ValidationError || err instanceof UnavailableError) return err;
  const message = `${VENUE}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
  const status = err instanceof ApiError ? err.status : undefined;
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429)
    return new ValidationError(message);
  return new UnavailableError(message);
}

/** The CLOB's order statuses as the port's. */
function statusOf(s: string, filled: Exact): VenueOrder['status'] {
  const u = s.toUpperCase();
  if (u === 'MATCHED') return 'closed';
  if (u === 'LIVE' || u === 'DELAYED') return 'open';
  if (u === 'INVALID' || (u === 'UNMATCHED' && exact.isZero(filled))) return 'rejected';
  return 'canceled';
}

export class ClobLiveClient {
  private readonly account;
  private clob: ClobClient;
  private authed: Promise<void> | undefined;

  constructor(private readonly o: ClobLiveClientOptions) {
    this.account = privateKeyToAccount(o.privateKey as `0x${string}`);
    this.clob = this.clientWith(undefined);
  }

  private clientWith(creds: { key: string; secret: string; passphrase: string } | undefined): ClobClient {
    const account = this.account;
    // The client signs with anything that has `signTypedData` and an `account.address` (a viem wallet's shape).
    const signer = {
      account,
      signTypedData: (a: Parameters<typeof account.signTypedData>[0]) => account.signTypedData(a),
    };
    return new ClobClient({
      host: this.o.host,
      chain: Chain.POLYGON,
      signer: signer as never,
      ...(creds ? { creds } : {}),
      throwOnError: true,
    });
  }

  /** The client with this wallet's API key: derived when it has one, created otherwise (L1 requests). */
  private trading(): Promise<ClobClient> {
    this.authed ??= (async () => {
      const raw = await this.clob.deriveApiKey().catch(() => this.clob.createApiKey());
      if (!raw.key) throw new UnavailableError(`${VENUE}: no API key derived or created`);
      this.clob = this.clientWith(raw);
    })().catch((err: unknown) => {
      this.authed = undefined;
      throw clobOrderError(err);
    });
    return this.authed.then(() => this.clob);
  }

  private async call<T>(what: string, fn: (c: ClobClient) => Promise<T>): Promise<T> {
    try {
      return await withDeadline(this.trading().then(fn), this.o.timeoutMs, () => {
        throw new UnavailableError(`${VENUE}: ${what} got no answer within ${this.o.timeoutMs} ms`);
      });
    } catch (err) {
      throw clobOrderError(err);
    }
  }

  /** The order a copy is: its outcome token, the size, a limit `slippage` past the sizing price (within the CLOB's bounds). */
  private terms(symbol: string, cid: string, s: SentOrder): OrderTerms {
    const t = this.o.token(symbol);
    if (!t) throw new ValidationError(`${VENUE}: ${symbol} is not a market the CLOB lists`);
    const price = parseExact(s.price);
    const move = exact.mul(price, this.o.slippage ?? FIVE_PERCENT);
    const buy = s.side === 'buy';
    let limit = toTick(buy ? exact.add(price, move) : exact.sub(price, move), t.tick, buy);
    const highest = exact.sub(ONE, t.tick);
    if (exact.cmp(limit, highest) > 0) limit = highest;
    if (exact.cmp(limit, t.tick) < 0) limit = t.tick;
    return {
      salt: cid,
      tokenId: t.tokenId,
      side: s.side,
      size: parseExact(s.amount),
      limit,
      timestamp: s.plannedAt,
      negRisk: t.negRisk,
    };
  }

  async createMarketOrder(
    symbol: string,
    side: 'buy' | 'sell',
    size: Decimal,
    clientOrderId: string,
    price: Decimal,
    plannedAt: number,
  ): Promise<VenueOrder> {
    const terms = this.terms(symbol, clientOrderId, { side, amount: size, price, plannedAt });
    const { order, hash } = await signOrder(this.account, terms);
    const r = await this.call('POST /order', (c) => c.postOrder(order, OrderType.FAK));
    if (!r.success) throw new ValidationError(`${VENUE}: ${r.errorMsg || 'order not accepted'}`);
    const found = await this.lookup(r.orderID || hash);
    if (!found) throw new UnavailableError(`${VENUE}: order ${hash} accepted but not found yet`);
    return found;
  }

  async findByClientOrderId(
    symbol: string,
    clientOrderId: string,
    sent: SentOrder,
  ): Promise<VenueOrder | null> {
    const { hash } = await signOrder(this.account, this.terms(symbol, clientOrderId, sent));
    return this.lookup(hash);
  }

  /** The order with this hash, priced and charged from its trades; null when the CLOB has none. */
  private async lookup(hash: string): Promise<VenueOrder | null> {
    let o: { status?: unknown; size_matched?: unknown; associate_trades?: unknown } | null;
    try {
      o = await this.call('GET /data/order', (c) => c.getOrder(hash));
    } catch (err) {
      if (err instanceof ValidationError && /\b404\b|not found/i.test(err.message)) return null;
      throw err;
    }
    if (!o || typeof o !== 'object' || typeof o.status !== 'string') return null;
    const filled = amount(o.size_matched ?? '0', 'size_matched');
    const status = statusOf(o.status, filled);
    if (exact.isZero(filled)) return { id: hash, status, filled, average: null, fee: ZERO };
    const ids = Array.isArray(o.associate_trades) ? o.associate_trades.map(String) : [];
    const trades = (
      await Promise.all(ids.map((id) => this.call('GET /data/trades', (c) => c.getTrades({ id }, true))))
    ).flat();
    let size = ZERO;
    let cost = ZERO;
    let fee = ZERO;
    for (const t of trades) {
      const sz = amount(t.size, 'trade size');
      const px = amount(t.price, 'trade price');
      const notional = exact.mul(sz, px);
      size = exact.add(size, sz);
      cost = exact.add(cost, notional);
      fee = exact.add(
        fee,
        exact.div(
          exact.mul(notional, amount(t.fee_rate_bps ?? '0', 'fee_rate_bps')),
          { m: 10_000n, s: 0 },
          12,
        ),
      );
    }
    if (exact.cmp(size, filled) !== 0)
      throw new UnavailableError(
        `${VENUE}: the trades of order ${hash} add up to less than its matched size yet`,
      );
    return { id: hash, status, filled, average: exact.div(cost, size, 12), fee };
  }

  async freeBalance(asset: string): Promise<Exact> {
    if (asset !== 'USDC') return ZERO;
    const b = await this.call('GET /balance-allowance', (c) =>
      c.getBalanceAllowance({ asset_type: AssetType.COLLATERAL }),
    );
    return exact.div(amount(b.balance, 'balance'), BASE_UNITS, 6);
  }

  async close(): Promise<void> {}
}
