/**
 * One account of the Hyperliquid loopback exchange: spot balances by token,
 * the orders it placed (by `oid`, and by `cloid` when it sent one), and its
 * fills, with exact decimal bookkeeping. An order of the `order` action
 * (hyperliquid.gitbook.io, Exchange endpoint, "Place an order": `{a, b, p,
 * s, r, t: {limit: {tif}}, c?}`) is checked as Hyperliquid checks it (size
 * within the token's `szDecimals`, price within 5 significant figures and
 * 8 - szDecimals decimals, at least $10 of value, the balance it spends)
 * and answered with a status: `{filled: {totalSz, avgPx, oid, cloid?}}`,
 * `{resting: {oid, cloid?}}` or `{error}` (an error places nothing). An IOC
 * (ccxt's market order) fills at the pair's price when its limit crosses it,
 * `fillShare` of it, and the rest is cancelled; a GTC limit that does not
 * cross rests. Fees: `feeRate` of each fill, taken from what the account
 * receives — the base token on a buy, the quote on a sell — rounded to that
 * token's `weiDecimals`, as a fill reports them (`fee`, `feeToken`).
 */
import {
  type Decimal,
  type Exact,
  exact,
  formatExact,
  parseExact,
  ZERO,
} from '../../../src/domain/decimal.js';

export interface FakeToken {
  name: string;
  szDecimals: number;
  weiDecimals: number;
  fullName: string | null;
}

export interface FakeSpotPair {
  /** `PURR/USDC` for the first pair, `@<index>` for the others, as Hyperliquid names them. */
  name: string;
  /** [base, quote] token indices. */
  tokens: [number, number];
  price: Decimal;
}

export interface WireOrder {
  a: number;
  b: boolean;
  p: string;
  s: string;
  r: boolean;
  t: { limit?: { tif?: string }; trigger?: unknown };
  c?: string;
}

export interface PlacedOrder {
  oid: number;
  cloid: string | null;
  coin: string;
  side: 'B' | 'A';
  limitPx: string;
  origSz: Exact;
  sz: Exact;
  tif: string;
  timestamp: number;
  status: 'open' | 'filled' | 'canceled';
  statusTimestamp: number;
}

export interface FakeFill {
  coin: string;
  px: string;
  sz: string;
  side: 'B' | 'A';
  time: number;
  startPosition: string;
  dir: string;
  closedPnl: string;
  hash: string;
  oid: number;
  crossed: boolean;
  fee: string;
  builderFee?: string;
  tid: number;
  feeToken: string;
  twapId: null;
}

export type OrderStatusAnswer =
  | { filled: { totalSz: string; avgPx: string; oid: number; cloid?: string } }
  | { resting: { oid: number; cloid?: string } }
  | { error: string };

const dec = (s: string): Exact => parseExact(s as Decimal);
/** Hyperliquid's number text: decimals as strings, `.0` on whole numbers. */
export const hlText = (x: Exact): string => {
  const t = formatExact(x);
  return t.includes('.') ? t : `${t}.0`;
};
const DECIMAL = /^\d+(\.\d+)?$/;
const CLOID = /^0x[0-9a-f]{32}$/;

export class HyperliquidLoopbackAccount {
  readonly balances = new Map<string, Exact>();
  readonly orders = new Map<number, PlacedOrder>();
  readonly fills: FakeFill[] = [];
  /** Below 1, an IOC fills only this share of its size (the rest is cancelled). */
  fillShare = 1;
  private readonly feeRate: Exact;

  constructor(
    readonly wallet: string,
    private readonly market: {
      tokens: readonly FakeToken[];
      pairs: readonly FakeSpotPair[];
      nextOid(): number;
      nextTid(): number;
      now(): number;
    },
    opts: { balances?: Record<string, string>; feeRate?: string },
  ) {
    for (const [token, amount] of Object.entries(opts.balances ?? { USDC: '10000' }))
      this.balances.set(token, dec(amount));
    this.feeRate = dec(opts.feeRate ?? '0.0007');
  }

  /** Orders sent with `cloid` (more than one only if a client sent the same id twice). */
  byCloid(cloid: string): PlacedOrder[] {
    return [...this.orders.values()].filter((o) => o.cloid === cloid);
  }

  balance(token: string): Exact {
    return this.balances.get(token) ?? ZERO;
  }

  place(w: WireOrder): OrderStatusAnswer {
    const pair = this.market.pairs[w.a - 10_000];
    const asset = `asset=${w.a}`;
    if (!pair || w.t.trigger) return { error: `Invalid asset or order type. ${asset}` };
    const [base, quote] = pair.tokens.map((i) => this.market.tokens[i]!) as [FakeToken, FakeToken];
    if (w.c !== undefined && !CLOID.test(w.c)) return { error: 'Invalid cloid.' };
    if (!DECIMAL.test(w.s) || !DECIMAL.test(w.p) || decimalsOf(w.s) > base.szDecimals)
      return { error: `Order has invalid size. ${asset}` };
    if (decimalsOf(w.p) > 8 - base.szDecimals || (significant(w.p) > 5 && decimalsOf(w.p) > 0))
      return { error: `Price must be divisible by tick size. ${asset}` };
    const size = dec(w.s);
    const limit = dec(w.p);
    const price = dec(pair.price);
    if (exact.sign(size) <= 0) return { error: `Order has zero size. ${asset}` };
    if (exact.cmp(exact.mul(size, price), dec('10')) < 0)
      return { error: `Order must have minimum value of $10. ${asset}` };
    const spends = w.b ? [quote.name, exact.mul(size, limit)] : [base.name, size];
    if (exact.cmp(this.balance(spends[0] as string), spends[1] as Exact) < 0)
      return { error: `Insufficient spot balance asset=${w.a}` };
    const crosses = w.b ? exact.cmp(limit, price) >= 0 : exact.cmp(limit, price) <= 0;
    const tif = w.t.limit?.tif ?? 'Gtc';
    const share = tif === 'Ioc' && this.fillShare < 1 ? dec(String(this.fillShare)) : null;
    const qty = !crosses ? ZERO : share ? exact.round(exact.mul(size, share), base.szDecimals) : size;
    if (tif === 'Ioc' && exact.sign(qty) === 0)
      return { error: `Order could not immediately match against any resting orders. ${asset}` };
    const now = this.market.now();
    const o: PlacedOrder = {
      oid: this.market.nextOid(),
      cloid: w.c ?? null,
      coin: pair.name,
      side: w.b ? 'B' : 'A',
      limitPx: w.p,
      origSz: size,
      sz: size,
      tif,
      timestamp: now,
      status: 'open',
      statusTimestamp: now,
    };
    this.orders.set(o.oid, o);
    const ids = { oid: o.oid, ...(o.cloid ? { cloid: o.cloid } : {}) };
    if (!crosses) return { resting: ids };
    this.fill(o, pair, base, quote, qty, price);
    if (exact.sign(o.sz) > 0 && tif === 'Ioc') o.status = 'canceled';
    return { filled: { totalSz: hlText(qty), avgPx: hlText(price), ...ids } };
  }

  private fill(o: PlacedOrder, pair: FakeSpotPair, base: FakeToken, quote: FakeToken, qty: Exact, px: Exact) {
    const notional = exact.mul(qty, px);
    const buy = o.side === 'B';
    const feeToken = buy ? base : quote;
    const fee = exact.round(exact.mul(buy ? qty : notional, this.feeRate), feeToken.weiDecimals);
    const startPosition = this.balance(base.name);
    const add = (token: string, d: Exact) => this.balances.set(token, exact.add(this.balance(token), d));
    if (buy) {
      add(quote.name, exact.neg(notional));
      add(base.name, exact.sub(qty, fee));
    } else {
      add(base.name, exact.neg(qty));
      add(quote.name, exact.sub(notional, fee));
    }
    o.sz = exact.sub(o.sz, qty);
    const now = this.market.now();
    if (exact.sign(o.sz) === 0) o.status = 'filled';
    o.statusTimestamp = now;
    this.fills.push({
      coin: pair.name,
      px: hlText(px),
      sz: hlText(qty),
      side: o.side,
      time: now,
      startPosition: hlText(startPosition),
      dir: buy ? 'Buy' : 'Sell',
      closedPnl: '0.0',
      hash: `0x${o.oid.toString(16).padStart(64, '0')}`,
      oid: o.oid,
      crossed: true,
      fee: hlText(fee),
      tid: this.market.nextTid(),
      feeToken: feeToken.name,
      twapId: null,
    });
  }

  /** info `spotClearinghouseState`. */
  spotState(): unknown {
    const hold = (token: string) =>
      [...this.orders.values()]
        .filter((o) => o.status === 'open')
        .reduce((a, o) => {
          const pair = this.market.pairs.find((p) => p.name === o.coin)!;
          const [b, q] = pair.tokens.map((i) => this.market.tokens[i]!.name);
          if (o.side === 'B' && q === token) return exact.add(a, exact.mul(o.sz, dec(o.limitPx)));
          if (o.side === 'A' && b === token) return exact.add(a, o.sz);
          return a;
        }, ZERO);
    return {
      balances: [...this.balances].map(([coin, total]) => ({
        coin,
        token: this.market.tokens.findIndex((t) => t.name === coin),
        total: hlText(total),
        hold: hlText(hold(coin)),
        entryNtl: '0.0',
      })),
    };
  }

  /** info `orderStatus` by `oid` (a number) or `cloid`. */
  orderStatus(oid: unknown): unknown {
    const o =
      typeof oid === 'number'
        ? this.orders.get(oid)
        : typeof oid === 'string'
          ? this.byCloid(oid)[0]
          : undefined;
    if (!o) return { status: 'unknownOid' };
    return {
      status: 'order',
      order: { order: this.frontend(o), status: o.status, statusTimestamp: o.statusTimestamp },
    };
  }

  openOrders(): unknown[] {
    return [...this.orders.values()].filter((o) => o.status === 'open').map((o) => this.frontend(o));
  }

  private frontend(o: PlacedOrder): Record<string, unknown> {
    return {
      coin: o.coin,
      side: o.side,
      limitPx: o.limitPx,
      sz: hlText(o.sz),
      oid: o.oid,
      timestamp: o.timestamp,
      triggerCondition: 'N/A',
      isTrigger: false,
      triggerPx: '0.0',
      children: [],
      isPositionTpsl: false,
      reduceOnly: false,
      orderType: 'Limit',
      origSz: hlText(o.origSz),
      tif: o.tif,
      cloid: o.cloid,
    };
  }
}

function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

function significant(text: string): number {
  return text.replace('.', '').replace(/^0+/, '').length;
}
