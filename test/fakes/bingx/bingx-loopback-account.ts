/**
 * The trading side of the BingX loopback server: the signed spot endpoints
 * ccxt's `bingx` class calls for createOrder, fetchOrder, cancelOrder and
 * fetchBalance (and the wallet listing ccxt loads with markets once keys
 * are set; answered empty), with BingX's request signing checked (X-BX-APIKEY header and
 * an HMAC-SHA256 hex `signature` of the query string before it). Market
 * orders fill at once at the market's current price; limit buys fill when
 * the price is at or below the limit (checked on create and on each query);
 * fees are `feeRate` of notional, charged in the quote asset (reported as
 * `feeAsset`). Balances move with every fill.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface LoopbackOrder {
  orderId: number;
  symbol: string;
  side: 'BUY' | 'SELL';
  type: 'MARKET' | 'LIMIT';
  price: number;
  origQty: number;
  executedQty: number;
  quoteQty: number;
  fee: number;
  status: 'PENDING' | 'FILLED' | 'CANCELED';
  time: number;
  updateTime: number;
}

interface Answer {
  status: number;
  body: unknown;
}

const SPOT = '/openApi/spot/v1';
const WALLETS = '/openApi/wallets/v1/capital/config/getall';
const PATHS = new Set([
  `GET ${WALLETS}`,
  `POST ${SPOT}/trade/order`,
  `GET ${SPOT}/trade/query`,
  `POST ${SPOT}/trade/cancel`,
  `GET ${SPOT}/account/balance`,
]);

export class BingxLoopbackAccount {
  /** Free balance per asset. */
  readonly balances: Map<string, number>;
  readonly orders = new Map<number, LoopbackOrder>();
  private nextId = 1_000_001;
  private readonly feeRate: number;

  constructor(
    private readonly o: {
      apiKey: string;
      secret: string;
      balances?: Record<string, number>;
      feeRate?: number;
      now: () => number;
      priceOf: (symbol: string) => number | undefined;
    },
  ) {
    this.balances = new Map(Object.entries(o.balances ?? { USDT: 10_000 }));
    this.feeRate = o.feeRate ?? 0.001;
  }

  /** The answer to a signed request, or undefined when `url` is not a trading endpoint. */
  handle(method: string, url: URL, apiKey: string | string[] | undefined): Answer | undefined {
    if (!PATHS.has(`${method} ${url.pathname}`)) return undefined;
    if (apiKey !== this.o.apiKey || !this.signed(url)) {
      return { status: 200, body: { code: 100001, msg: 'Signature verification failed', data: {} } };
    }
    const q = Object.fromEntries(url.searchParams);
    switch (url.pathname) {
      case WALLETS:
        return this.ok([]);
      case `${SPOT}/trade/order`:
        return this.create(q);
      case `${SPOT}/trade/query`:
        return this.withOrder(q, (o) => {
          this.work(o);
          return o;
        });
      case `${SPOT}/trade/cancel`:
        return this.withOrder(q, (o) => {
          if (o.status === 'PENDING') {
            o.status = 'CANCELED';
            o.updateTime = this.o.now();
          }
          return o;
        });
      default:
        return this.ok({
          balances: [...this.balances].map(([asset, free]) => ({ asset, free: String(free), locked: '0' })),
        });
    }
  }

  private signed(url: URL): boolean {
    const raw = url.search.slice(1);
    const at = raw.lastIndexOf('&signature=');
    if (at < 0) return false;
    const want = createHmac('sha256', this.o.secret).update(raw.slice(0, at)).digest('hex');
    const got = raw.slice(at + '&signature='.length);
    return got.length === want.length && timingSafeEqual(Buffer.from(got), Buffer.from(want));
  }

  private ok(data: unknown): Answer {
    return { status: 200, body: { code: 0, msg: '', debugMsg: '', timestamp: this.o.now(), data } };
  }

  private fail(code: number, msg: string): Answer {
    return { status: 200, body: { code, msg, debugMsg: '', data: {} } };
  }

  private create(q: Record<string, string>): Answer {
    const symbol = q['symbol'] ?? '';
    const price = this.o.priceOf(symbol);
    if (price === undefined) return this.fail(100204, 'symbol not exist');
    const side = q['side'] === 'SELL' ? 'SELL' : 'BUY';
    const type = q['type'] === 'LIMIT' ? 'LIMIT' : 'MARKET';
    const qty = Number(q['quantity']);
    if (!(qty > 0)) return this.fail(100400, 'quantity must be positive');
    const now = this.o.now();
    const o: LoopbackOrder = {
      orderId: this.nextId++,
      symbol,
      side,
      type,
      price: type === 'LIMIT' ? Number(q['price']) : 0,
      origQty: qty,
      executedQty: 0,
      quoteQty: 0,
      fee: 0,
      status: 'PENDING',
      time: now,
      updateTime: now,
    };
    const [base = '', quote = ''] = symbol.split('-');
    const need = side === 'BUY' ? qty * (o.price || price) * (1 + this.feeRate) : qty;
    if ((this.balances.get(side === 'BUY' ? quote : base) ?? 0) < need * (1 - 1e-9))
      return this.fail(100490, 'insufficient balance');
    this.orders.set(o.orderId, o);
    this.work(o);
    return this.ok(this.json(o));
  }

  /** Fills a pending order the market has reached. */
  private work(o: LoopbackOrder): void {
    if (o.status !== 'PENDING') return;
    const price = this.o.priceOf(o.symbol);
    if (price === undefined) return;
    if (o.type === 'LIMIT' && (o.side === 'BUY' ? price > o.price : price < o.price)) return;
    const at = o.type === 'LIMIT' ? o.price : price;
    const [base = '', quote = ''] = o.symbol.split('-');
    const notional = o.origQty * at;
    const fee = notional * this.feeRate;
    const add = (asset: string, d: number) => this.balances.set(asset, (this.balances.get(asset) ?? 0) + d);
    if (o.side === 'BUY') {
      add(quote, -(notional + fee));
      add(base, o.origQty);
    } else {
      add(base, -o.origQty);
      add(quote, notional - fee);
    }
    o.executedQty = o.origQty;
    o.quoteQty = notional;
    o.fee = fee;
    o.status = 'FILLED';
    o.updateTime = this.o.now();
  }

  private withOrder(q: Record<string, string>, fn: (o: LoopbackOrder) => LoopbackOrder): Answer {
    const o = this.orders.get(Number(q['orderId']));
    if (!o || o.symbol !== q['symbol']) return this.fail(100404, 'order not exist');
    return this.ok(this.json(fn(o)));
  }

  /** An order as BingX spot returns it (numbers as strings, fee negative). */
  private json(o: LoopbackOrder): unknown {
    return {
      symbol: o.symbol,
      orderId: o.orderId,
      transactTime: o.time,
      time: o.time,
      updateTime: o.updateTime,
      price: String(o.executedQty > 0 ? o.quoteQty / o.executedQty : o.price),
      origQty: String(o.origQty),
      executedQty: String(o.executedQty),
      cummulativeQuoteQty: String(o.quoteQty),
      status: o.status,
      type: o.type,
      side: o.side,
      fee: String(-o.fee),
      feeAsset: o.symbol.split('-')[1],
    };
  }
}
