/**
 * A fake Polymarket CLOB REST API on 127.0.0.1 for tests. It answers the
 * public endpoints the venue uses in the CLOB's JSON format: cursor-paginated
 * `GET /markets` and `/sampling-markets` (`{ limit, count, next_cursor, data }`,
 * cursors base64 offsets, `LTE=` at the end), `GET /markets/{condition_id}`,
 * `GET /book` and `POST /books` (decimal strings; bids lowest first, asks
 * highest first, as the real API sends them) and `GET /prices-history`
 * (`{ history: [{ t: seconds, p }] }`). It records every request and can be
 * told to fail the next ones. Trading (API keys, orders, trades, balances)
 * is `clob-loopback-exchange.ts`, filling at this book.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseExact } from '../../../src/domain/decimal.js';
import { ClobLoopbackExchange, type TokenInfo } from './clob-loopback-exchange.js';

/** A binary market the fake lists. */
export interface FakeClobMarket {
  conditionId: string;
  slug: string;
  question: string;
  /** Price of the first ("Yes") outcome. */
  yesPrice: number;
  tokenIds: [string, string];
  closed?: boolean;
  /** Taker fee in basis points. @default 0 */
  takerFeeBps?: number;
}

export interface RecordedClobRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

const hex = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;

const DEFAULT_MARKETS: FakeClobMarket[] = [
  {
    conditionId: hex(1),
    slug: 'will-btc-close-2026-above-100k',
    question: 'Will BTC close 2026 above $100k?',
    yesPrice: 0.62,
    tokenIds: ['1001', '1002'],
  },
  {
    conditionId: hex(2),
    slug: 'will-eth-flip-btc-in-2026',
    question: 'Will ETH flip BTC in 2026?',
    yesPrice: 0.04,
    tokenIds: ['2001', '2002'],
  },
  {
    conditionId: hex(3),
    slug: 'fed-cuts-rates-in-june',
    question: 'Will the Fed cut rates in June?',
    yesPrice: 0.35,
    tokenIds: ['3001', '3002'],
  },
  {
    conditionId: hex(4),
    slug: 'closed-election-market',
    question: 'Did the incumbent win?',
    yesPrice: 1,
    tokenIds: ['4001', '4002'],
    closed: true,
  },
];

const cursorOf = (offset: number) => Buffer.from(String(offset)).toString('base64');

export class ClobLoopbackServer {
  readonly requests: RecordedClobRequest[] = [];
  private readonly failures: Array<{ status: number; body: string }> = [];
  readonly exchange = new ClobLoopbackExchange((id) => this.tokenInfo(id));
  private dropAcks = 0;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    readonly markets: FakeClobMarket[],
    private readonly pageSize: number,
    private readonly now: () => number,
  ) {}

  /** Starts a fake on a random loopback port; `pageSize` is small by default to exercise paging. */
  static async start(
    opts: { markets?: FakeClobMarket[]; pageSize?: number; now?: () => number } = {},
  ): Promise<ClobLoopbackServer> {
    let self: ClobLoopbackServer | undefined;
    const server = createServer((req, res) => {
      void self?.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new ClobLoopbackServer(
      server,
      `http://127.0.0.1:${port}`,
      opts.markets ?? DEFAULT_MARKETS,
      opts.pageSize ?? 2,
      opts.now ?? Date.now,
    );
    return self;
  }

  count(method: string, path: string): number {
    return this.requests.filter((r) => r.method === method && r.path === path).length;
  }

  failNext(status: number, body: string, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push({ status, body });
  }

  /** The next `POST /order` is carried out, but its connection is dropped before the answer. */
  loseNextAck(): void {
    this.dropAcks++;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.origin);
    const query = Object.fromEntries(url.searchParams);
    const body: unknown = text ? JSON.parse(text) : undefined;
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, query, body });
    const forced = this.failures.shift();
    const trading = forced
      ? undefined
      : await this.exchange.route(method, url.pathname, query, text, req.headers);
    const [status, answer] = forced
      ? [forced.status, forced.body]
      : (trading ?? this.route(method, url.pathname, query, body));
    if (method === 'POST' && url.pathname === '/order' && this.dropAcks > 0) {
      this.dropAcks--;
      res.destroy();
      return;
    }
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(typeof answer === 'string' ? answer : JSON.stringify(answer));
  }

  private route(method: string, path: string, q: Record<string, string>, body: unknown): [number, unknown] {
    if (method === 'GET' && path === '/markets') return [200, this.page(this.markets, q)];
    if (method === 'GET' && path === '/sampling-markets')
      return [
        200,
        this.page(
          this.markets.filter((m) => !m.closed),
          q,
        ),
      ];
    if (method === 'GET' && path.startsWith('/markets/')) {
      const m = this.markets.find((x) => x.conditionId === path.slice('/markets/'.length));
      return m ? [200, this.market(m)] : [404, { error: 'market not found' }];
    }
    if (method === 'GET' && path === '/book') {
      const book = this.book(q['token_id'] ?? '');
      return book ? [200, book] : [404, { error: 'No orderbook exists for the requested token id' }];
    }
    if (method === 'POST' && path === '/books') {
      const ids = Array.isArray(body) ? body.map((b: { token_id?: unknown }) => String(b.token_id)) : [];
      return [200, ids.map((id) => this.book(id)).filter((b) => b !== undefined)];
    }
    if (method === 'GET' && path === '/prices-history') return [200, this.history(q)];
    return [404, { error: 'not found' }];
  }

  private page(list: FakeClobMarket[], q: Record<string, string>): unknown {
    const offset = Number(Buffer.from(q['next_cursor'] ?? 'MA==', 'base64').toString('utf8')) || 0;
    const data = list.slice(offset, offset + this.pageSize).map((m) => this.market(m));
    const next = offset + this.pageSize >= list.length ? 'LTE=' : cursorOf(offset + this.pageSize);
    return { limit: this.pageSize, count: data.length, next_cursor: next, data };
  }

  private market(m: FakeClobMarket): unknown {
    return {
      enable_order_book: true,
      active: true,
      closed: m.closed ?? false,
      archived: false,
      accepting_orders: !m.closed,
      accepting_order_timestamp: '2025-01-01T00:00:00Z',
      minimum_order_size: 5,
      minimum_tick_size: 0.01,
      condition_id: m.conditionId,
      question_id: m.conditionId.replace('0x0', '0x9'),
      question: m.question,
      description: `Resolves per the rules of "${m.question}".`,
      market_slug: m.slug,
      end_date_iso: '2026-12-31T00:00:00Z',
      game_start_time: null,
      seconds_delay: 0,
      fpmm: '',
      maker_base_fee: 0,
      taker_base_fee: m.takerFeeBps ?? 0,
      notifications_enabled: true,
      neg_risk: false,
      neg_risk_market_id: '',
      neg_risk_request_id: '',
      icon: '',
      image: '',
      rewards: { rates: null, min_size: 0, max_spread: 0 },
      is_50_50_outcome: false,
      tokens: [
        { token_id: m.tokenIds[0], outcome: 'Yes', price: m.yesPrice, winner: false },
        { token_id: m.tokenIds[1], outcome: 'No', price: Number((1 - m.yesPrice).toFixed(4)), winner: false },
      ],
      tags: ['Crypto'],
    };
  }

  private tokenInfo(tokenId: string): TokenInfo | undefined {
    const m = this.markets.find((x) => x.tokenIds.includes(tokenId));
    const book = this.book(tokenId) as { asks: TokenInfo['asks']; bids: TokenInfo['bids'] } | undefined;
    if (!m || !book) return undefined;
    return {
      conditionId: m.conditionId,
      outcome: tokenId === m.tokenIds[0] ? 'Yes' : 'No',
      minSize: parseExact('5' as never),
      feeBps: m.takerFeeBps ?? 0,
      negRisk: false,
      asks: [...book.asks].reverse(),
      bids: [...book.bids].reverse(),
    };
  }

  private book(tokenId: string): unknown {
    const m = this.markets.find((x) => x.tokenIds.includes(tokenId));
    if (!m || m.closed) return undefined;
    const mid = tokenId === m.tokenIds[0] ? m.yesPrice : 1 - m.yesPrice;
    const level = (p: number, size: number) => ({
      price: Math.min(0.99, Math.max(0.01, p)).toFixed(2),
      size: String(size),
    });
    return {
      market: m.conditionId,
      asset_id: tokenId,
      timestamp: String(this.now()),
      hash: `0x${'ab'.repeat(20)}`,
      bids: [level(mid - 0.03, 300), level(mid - 0.02, 200), level(mid - 0.01, 100)],
      asks: [level(mid + 0.03, 300), level(mid + 0.02, 200), level(mid + 0.01, 100)],
      min_order_size: '5',
      tick_size: '0.01',
      neg_risk: false,
      last_trade_price: mid.toFixed(3),
    };
  }

  private history(q: Record<string, string>): unknown {
    const m = this.markets.find((x) => x.tokenIds[0] === q['market']);
    if (!m) return { history: [] };
    const start = Number(q['startTs']);
    const end = Number(q['endTs']);
    const step = 60 * Math.max(1, Number(q['fidelity'] ?? 1));
    const history: Array<{ t: number; p: number }> = [];
    for (let t = Math.ceil(start / step) * step; t <= end && history.length < 5000; t += step) {
      history.push({ t, p: Number((m.yesPrice + 0.02 * Math.sin(t / 3600)).toFixed(4)) });
    }
    return { history };
  }
}
