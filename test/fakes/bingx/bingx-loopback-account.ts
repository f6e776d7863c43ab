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
  /** The caller's `newClientOrderId`, '' when none was sent. */
  clientOrderId: string;
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
const PERMISSIONS = '/openApi/v1/account/apiPermissions';
const PATHS = new Set([
  `GET ${WALLETS}`,
  `GET ${PERMISSIONS}`,
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
  private readonly byClientId = new Map<string, LoopbackOrder>();
  /** The key's permissions as BingX numbers them (1 spot trading, 2 reading, 5 withdrawal, ...). */
  permissions: number[];
  /**
   * A thin market: below 1, a new market order fills this share at once and
   * nothing more fills until it is 1 again (then the rest fills on the next query).
   */
  fillShare = 1;
  /** Hears every order this account accepts, when it accepts it (benchmarks time acknowledgements). */
  onOrder: ((o: LoopbackOrder) => void) | undefined;

  constructor(
    private readonly o: {
      apiKey: string;
      secret: string;
      balances?: Record<string, number>;
      feeRate?: number;
      permissions?: number[];
      now: () => number;
      priceOf: (symbol: string) => number | undefined;
    },
  ) {
    this.balances = new Map(Object.entries(o.balances ?? { USDT: 10_000 }));
    this.feeRate = o.feeRate ?? 0.001;
    this.permissions = o.permissions ?? [1, 2];
  }

  /** Whether this account answers to `apiKey`. */
  owns(apiKey: string | string[] | undefined): boolean {
    return apiKey === this.o.apiKey;
  }

  /** The answer to a signed request, or undefined when `url` is not a trading endpoint. */
  handle(method: string, url: URL, apiKey: string | string[] | undefined): Answer | undefined {
    if (!PATHS.has(`${method} ${url.pathname}`)) return undefined;
    if (!this.owns(apiKey) || !this.signed(url)) {
      return { status: 200, body: { code: 100001, msg: 'Signature verification failed', data: {} } };
    }
    const q = Object.fromEntries(url.searchParams);
    switch (url.pathname) {
      case WALLETS:
        return this.ok([]);
      case PERMISSIONS:
        return this.ok({ apiKey: this.o.apiKey, permissions: this.permissions, ipAddresses: [], note: '' });
      case `${SPOT}/trade/order`:
        return this.create(q);
      case `${SPOT}/trade/query`:
        return this.withOrder(q, (o) => {
          if (this.fillShare >= 1) this.work(o, 1);
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
    const clientOrderId = q['newClientOrderId'] ?? '';
    if (clientOrderId !== '' && this.byClientId.has(clientOrderId))
      return this.fail(100400, 'the clientOrderID already exists');
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
      clientOrderId,
      status: 'PENDING',
      time: now,
      updateTime: now,
    };
    const [base = '', quote = ''] = symbol.split('-');
    const need = side === 'BUY' ? qty * (o.price || price) * (1 + this.feeRate) : qty;
    if ((this.balances.get(side === 'BUY' ? quote : base) ?? 0) < need * (1 - 1e-9))
      return this.fail(100202, 'Insufficient assets, please verify the assets status');
    this.orders.set(o.orderId, o);
    if (clientOrderId !== '') this.byClientId.set(clientOrderId, o);
    this.onOrder?.(o);
    this.work(o, type === 'MARKET' ? this.fillShare : 1);
    return this.ok(this.json(o));
  }

  /** Fills `share` of what is left of a pending order the market has reached. */
  private work(o: LoopbackOrder, share: number): void {
    if (o.status !== 'PENDING') return;
    const price = this.o.priceOf(o.symbol);
    if (price === undefined) return;
    if (o.type === 'LIMIT' && (o.side === 'BUY' ? price > o.price : price < o.price)) return;
    const at = o.type === 'LIMIT' ? o.price : price;
    const [base = '', quote = ''] = o.symbol.split('-');
    const left = o.origQty - o.executedQty;
    const qty = share >= 1 ? left : Number((left * share).toFixed(8));
    const notional = qty * at;
    const fee = notional * this.feeRate;
    const add = (asset: string, d: number) => this.balances.set(asset, (this.balances.get(asset) ?? 0) + d);
    if (o.side === 'BUY') {
      add(quote, -(notional + fee));
      add(base, qty);
    } else {
      add(base, -qty);
      add(quote, notional - fee);
    }
    o.executedQty += qty;
    o.quoteQty += notional;
    o.fee += fee;
    if (o.executedQty >= o.origQty) o.status = 'FILLED';
    o.updateTime = this.o.now();
  }

  private withOrder(q: Record<string, string>, fn: (o: LoopbackOrder) => LoopbackOrder): Answer {
    const o = q['orderId']
      ? this.orders.get(Number(q['orderId']))
      : this.byClientId.get(q['clientOrderID'] ?? '');
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
      status: o.executedQty > 0 && o.status === 'PENDING' ? 'PARTIALLY_FILLED' : o.status,
      clientOrderID: o.clientOrderId,
      type: o.type,
      side: o.side,
      fee: String(-o.fee),
      feeAsset: o.symbol.split('-')[1],
    };
  }
}
