/**
 * A fake BingX REST API on 127.0.0.1 for tests: it answers the public
 * endpoints ccxt's `bingx` class calls for markets, tickers, klines and depth,
 * in BingX's response format (`{ code: 0, msg, data }` envelopes; string
 * prices in tickers and depth; spot klines as arrays, newest first; spot asks
 * highest first). It records every request so tests can assert upstream
 * traffic, and can be told to fail the next requests. With an `account`
 * it also serves the signed spot trading endpoints (see `BingxLoopbackAccount`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { barOpen, nextBarOpen, parseTimeframe } from '../../../src/domain/timeframe.js';
import { BingxLoopbackAccount } from './bingx-loopback-account.js';

/** One spot pair the fake lists, in BingX's `BASE-QUOTE` form. */
export interface FakeBingxMarket {
  symbol: string;
  price: number;
}

/** A request the fake received. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
}

/** A key pair the fake trades for, with its starting balances and its permissions (BingX's numbers). */
export interface FakeBingxAccount {
  apiKey: string;
  secret: string;
  balances?: Record<string, number>;
  feeRate?: number;
  permissions?: number[];
}

/** An answer to force on the next request(s). */
export interface ForcedFailure {
  status: number;
  body: string;
}

type Route = (q: Record<string, string>) => unknown;

const DEFAULT_MARKETS: FakeBingxMarket[] = [
  { symbol: 'BTC-USDT', price: 65_000 },
  { symbol: 'ETH-USDT', price: 3_200 },
  { symbol: 'SOL-USDT', price: 150 },
];

/** BingX sends most prices and sizes as strings. */
const str = (n: number) => n.toFixed(6);

export class BingxLoopbackServer {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  private readonly failures: ForcedFailure[] = [];
  private readonly routes: Record<string, Route>;
  /** The trading account, when started with `account` (signed spot endpoints). */
  readonly account: BingxLoopbackAccount | undefined;
  /** Every trading account (`account` first, then those added), by API key. */
  private readonly accounts: BingxLoopbackAccount[] = [];
  /** Order placements to carry out but whose answer is lost (the connection is dropped). */
  private lostAcks = 0;
  /** Milliseconds every signed request waits before it is answered. */
  latencyMs = 0;
  private readonly fixed = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly markets: FakeBingxMarket[],
    private readonly now: () => number,
    account?: FakeBingxAccount,
  ) {
    this.account = account ? this.addAccount(account) : undefined;
    this.routes = {
      '/openApi/spot/v1/common/symbols': () =>
        this.ok({ symbols: this.markets.map((m) => this.spotSymbol(m)) }),
      '/openApi/swap/v2/quote/contracts': () =>
        this.ok(this.markets.slice(0, 1).map((m) => this.contract(m))),
      '/openApi/cswap/v1/market/contracts': () => this.ok([]),
      '/openApi/spot/v1/ticker/24hr': (q) =>
        this.ok(
          this.markets.filter((m) => !q['symbol'] || q['symbol'] === m.symbol).map((m) => this.ticker(m)),
        ),
      '/openApi/spot/v1/market/kline': (q) => this.klines(q),
      '/openApi/spot/v1/market/depth': (q) => this.depth(q),
    };
  }

  /** Starts a fake on a random loopback port. */
  static async start(
    opts: {
      markets?: FakeBingxMarket[];
      now?: () => number;
      /** Serve the signed trading endpoints for this key pair and starting balances. */
      account?: FakeBingxAccount;
    } = {},
  ): Promise<BingxLoopbackServer> {
    let self: BingxLoopbackServer | undefined;
    const server = createServer((req, res) => self?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new BingxLoopbackServer(
      server,
      `http://127.0.0.1:${port}`,
      opts.markets ?? DEFAULT_MARKETS,
      opts.now ?? Date.now,
      opts.account,
    );
    return self;
  }

  /** How many requests hit `path` (e.g. `/openApi/spot/v1/ticker/24hr`). */
  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  /** Another key pair the fake trades for (one per user in live-copy tests). */
  addAccount(account: FakeBingxAccount): BingxLoopbackAccount {
    const a = new BingxLoopbackAccount({
      ...account,
      now: this.now,
      priceOf: (symbol) => {
        const m = this.markets.find((x) => x.symbol === symbol);
        return m ? this.priceAt(m, this.now()) : undefined;
      },
    });
    this.accounts.push(a);
    return a;
  }

  /** The next `times` order placements are carried out, but their connection is dropped before the answer. */
  loseNextAcks(times = 1): void {
    this.lostAcks += times;
  }

  /** Drops the failures `failNext` queued and not yet used. */
  clearFailures(): void {
    this.failures.length = 0;
  }

  /** Answers the next `times` requests with `failure` instead of data. */
  failNext(failure: ForcedFailure, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(failure);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.origin);
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query });
    const forced = this.failures.shift();
    if (forced) {
      res.writeHead(forced.status, { 'content-type': 'application/json' }).end(forced.body);
      return;
    }
    const key = req.headers['x-bx-apikey'];
    const account = this.accounts.find((a) => a.owns(key)) ?? this.accounts[0];
    const signed = account?.handle(req.method ?? 'GET', url, key);
    if (signed) {
      const lost = url.pathname.endsWith('/trade/order') && this.lostAcks > 0;
      if (lost) this.lostAcks--;
      const answer = () => {
        if (lost) req.socket.destroy();
        else
          res
            .writeHead(signed.status, { 'content-type': 'application/json' })
            .end(JSON.stringify(signed.body));
      };
      if (this.latencyMs > 0) setTimeout(answer, this.latencyMs);
      else answer();
      return;
    }
    const route = req.method === 'GET' ? this.routes[url.pathname] : undefined;
    const body = route ? route(query) : { code: 100400, msg: 'this api is not exist', debugMsg: '' };
    res.writeHead(route ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private ok(data: unknown): unknown {
    return { code: 0, msg: '', debugMsg: '', timestamp: this.now(), data };
  }

  private find(q: Record<string, string>): FakeBingxMarket | undefined {
    return this.markets.find((m) => m.symbol === q['symbol']);
  }

  private unknownSymbol(): unknown {
    return { code: 100204, msg: 'symbol not exist', debugMsg: '', data: {} };
  }

  private spotSymbol(m: FakeBingxMarket): unknown {
    return {
      symbol: m.symbol,
      minQty: 0.0001,
      maxQty: 1000,
      minNotional: 5,
      maxNotional: 20_000,
      status: 1,
      tickSize: m.price > 1000 ? 0.01 : 0.001,
      stepSize: 0.0001,
      apiStateSell: true,
      apiStateBuy: true,
      timeOnline: 0,
      offTime: 0,
      maintainTime: 0,
    };
  }

  private contract(m: FakeBingxMarket): unknown {
    const [asset, currency] = m.symbol.split('-');
    return {
      contractId: '100',
      symbol: m.symbol,
      size: '0.0001',
      quantityPrecision: 4,
      pricePrecision: 1,
      feeRate: 0.0005,
      makerFeeRate: 0.0002,
      takerFeeRate: 0.0005,
      tradeMinLimit: 0,
      tradeMinQuantity: 0.0001,
      tradeMinUSDT: 2,
      maxLongLeverage: 125,
      maxShortLeverage: 125,
      currency,
      asset,
      status: 1,
      apiStateOpen: 'true',
      apiStateClose: 'true',
      ensureTrigger: true,
      triggerFeeRate: '0.00020000',
    };
  }

  /** Holds `symbol` (BingX form, `BTC-USDT`) at `price` until cleared with null (tests that need a known price). */
  setPrice(symbol: string, price: number | null): void {
    if (price === null) this.fixed.delete(symbol);
    else this.fixed.set(symbol, price);
  }

  /** A deterministic wave around the listed price, or the price a test set. */
  private priceAt(m: FakeBingxMarket, t: number): number {
    const fixed = this.fixed.get(m.symbol);
    if (fixed !== undefined) return fixed;
    return m.price * (1 + 0.01 * Math.sin(t / 3_600_000 + m.symbol.length));
  }

  private ticker(m: FakeBingxMarket): unknown {
    const now = this.now();
    const last = this.priceAt(m, now);
    const open = this.priceAt(m, now - 86_400_000);
    return {
      symbol: m.symbol,
      openPrice: str(open),
      highPrice: str(Math.max(open, last) * 1.01),
      lowPrice: str(Math.min(open, last) * 0.99),
      lastPrice: str(last),
      priceChange: str(last - open),
      priceChangePercent: `${(((last - open) / open) * 100).toFixed(2)}%`,
      volume: '1234.5',
      quoteVolume: str(1234.5 * last),
      openTime: now - 86_400_000,
      closeTime: now,
      bidPrice: Number(str(last * 0.9999)),
      bidQty: 0.5,
      askPrice: Number(str(last * 1.0001)),
      askQty: 0.7,
    };
  }

  private klines(q: Record<string, string>): unknown {
    const m = this.find(q);
    const interval = q['interval'] ?? '1m';
    if (!m) return this.unknownSymbol();
    parseTimeframe(interval);
    const limit = Math.min(Number(q['limit'] ?? 500), 1440);
    const now = this.now();
    const end = q['endTime'] ? Number(q['endTime']) : now;
    let open = q['startTime'] ? barOpen(Number(q['startTime']), interval) : barOpen(now, interval);
    if (q['startTime'] && open < Number(q['startTime'])) open = nextBarOpen(open, interval);
    const bars: number[][] = [];
    if (!q['startTime']) {
      for (let i = 0; i < limit && open <= end; i++) {
        bars.push(this.kline(m, open, interval));
        open = barOpen(open - 1, interval);
      }
      return this.ok(bars);
    }
    for (let i = 0; i < limit && open <= Math.min(end, now); i++) {
      bars.unshift(this.kline(m, open, interval));
      open = nextBarOpen(open, interval);
    }
    return this.ok(bars);
  }

  /** `[openTime, open, high, low, close, volume, closeTime, quoteVolume]`, as BingX spot returns. */
  private kline(m: FakeBingxMarket, open: number, interval: string): number[] {
    const close = nextBarOpen(open, interval);
    const o = this.priceAt(m, open);
    const c = this.priceAt(m, close);
    return [open, o, Math.max(o, c) * 1.001, Math.min(o, c) * 0.999, c, 10, close - 1, 10 * c];
  }

  private depth(q: Record<string, string>): unknown {
    const m = this.find(q);
    if (!m) return this.unknownSymbol();
    const limit = Math.min(Number(q['limit'] ?? 20), 1000);
    const mid = this.priceAt(m, this.now());
    const bids: string[][] = [];
    const asks: string[][] = [];
    for (let i = 0; i < limit; i++) {
      bids.push([str(mid * (1 - 0.0001 * (i + 1))), str(0.1 * (i + 1))]);
      asks.unshift([str(mid * (1 + 0.0001 * (i + 1))), str(0.1 * (i + 1))]);
    }
    return this.ok({ bids, asks, ts: this.now(), lastUpdateId: 13_565_639_906 });
  }
}
