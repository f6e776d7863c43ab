/**
 * A fake Polymarket data API (data-api.polymarket.com) on 127.0.0.1 for tests.
 * It speaks the public routes the wallet source uses, in their JSON format as
 * documented in Polymarket's OpenAPI spec (docs.polymarket.com/api-reference,
 * `api-spec/data-openapi.yaml`):
 *
 * - `GET /trades?user=&limit=&offset=&takerOnly=&side=&market=&start=&end=`:
 *   a JSON array of `Trade` (`proxyWallet, side "BUY"|"SELL", asset,
 *   conditionId, size, price, timestamp` in seconds, `title, slug, icon,
 *   eventSlug, outcome, outcomeIndex, name, pseudonym, bio, profileImage,
 *   profileImageOptimized, transactionHash`), newest first. `limit` defaults
 *   to 100 and is clamped to 10000; `offset` defaults to 0 and past 10000 is a
 *   400; `takerOnly` defaults to true; `start`/`end` are inclusive epoch seconds.
 * - `GET /v1/leaderboard?category=&timePeriod=&orderBy=&limit=&offset=&user=`:
 *   an array of `{ rank (string), proxyWallet, userName, vol, pnl,
 *   profileImage, xUsername, verifiedBadge }`; `limit` 1..50 (default 25),
 *   `offset` 0..1000, `timePeriod` DAY|WEEK|MONTH|ALL (default DAY), `orderBy`
 *   PNL|VOL (default PNL).
 * - `GET /value?user=`: `[{ user, value }]` (an empty array for a wallet the
 *   fake knows nothing of).
 *
 * Bad parameters answer 400 `{ error }` as the spec's `ErrorResponse`. Test
 * controls add trades, set the leaderboard and values, and make the next
 * requests fail (status with optional Retry-After, delay, malformed JSON).
 * Every request is recorded with its arrival time.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One row of `/trades`, in the API's field names and JSON types. */
export interface DataApiTrade {
  proxyWallet: string;
  side: 'BUY' | 'SELL';
  asset: string;
  conditionId: string;
  size: number;
  price: number;
  /** Epoch seconds. */
  timestamp: number;
  title: string;
  slug: string;
  icon: string;
  eventSlug: string;
  outcome: string;
  outcomeIndex: number;
  name: string;
  pseudonym: string;
  bio: string;
  profileImage: string;
  profileImageOptimized: string;
  transactionHash: string;
}

/** What a test gives for a trade; the rest is filled in. `taker: false` rows are hidden by `takerOnly=true`. */
export type FakeTradeInput = Partial<Omit<DataApiTrade, 'proxyWallet'>> & { taker?: boolean };

export interface DataApiLeaderboardRow {
  proxyWallet: string;
  userName: string;
  vol: number;
  pnl: number;
  profileImage?: string;
  xUsername?: string;
  verifiedBadge?: boolean;
}

export interface RecordedDataApiRequest {
  path: string;
  query: Record<string, string>;
  /** Date.now() when the request arrived. */
  at: number;
}

type Fault =
  | { kind: 'status'; status: number; body: string; retryAfter?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'malformed' };

const ADDRESS = /^0x[a-fA-F0-9]{40}$/;
const PERIODS = ['DAY', 'WEEK', 'MONTH', 'ALL'];
const hex = (n: number, width: number) => `0x${n.toString(16).padStart(width, '0')}`;

export class DataApiLoopbackServer {
  readonly requests: RecordedDataApiRequest[] = [];
  private readonly trades: Array<DataApiTrade & { taker: boolean; seq: number }> = [];
  private readonly boards = new Map<string, DataApiLeaderboardRow[]>();
  private readonly values = new Map<string, number>();
  private readonly faults: Fault[] = [];
  private seq = 0;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    /** Largest `limit` served (larger ones are clamped), as the real API's 10000. */
    readonly maxLimit: number,
    /** Largest `offset` accepted; beyond it the answer is a 400, as the real API's 10000. */
    readonly maxOffset: number,
  ) {}

  static async start(opts: { maxLimit?: number; maxOffset?: number } = {}): Promise<DataApiLoopbackServer> {
    let self: DataApiLoopbackServer | undefined;
    const server = createServer((req, res) => {
      void self?.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new DataApiLoopbackServer(
      server,
      `http://127.0.0.1:${port}`,
      opts.maxLimit ?? 10_000,
      opts.maxOffset ?? 10_000,
    );
    return self;
  }

  /** Adds trades of `wallet`; each gets a unique transaction hash and defaults for what is left out. */
  addTrades(wallet: string, trades: FakeTradeInput[]): DataApiTrade[] {
    return trades.map((t) => {
      const n = ++this.seq;
      const outcomeIndex = t.outcomeIndex ?? 0;
      const row = {
        proxyWallet: wallet.toLowerCase(),
        side: t.side ?? 'BUY',
        asset: t.asset ?? String(1000 + outcomeIndex),
        conditionId: t.conditionId ?? hex(1, 64),
        size: t.size ?? 10,
        price: t.price ?? 0.5,
        timestamp: t.timestamp ?? Math.floor(Date.now() / 1000),
        title: t.title ?? 'Will BTC close 2026 above $100k?',
        slug: t.slug ?? 'will-btc-close-2026-above-100k',
        icon: t.icon ?? '',
        eventSlug: t.eventSlug ?? 'btc-2026',
        outcome: t.outcome ?? (outcomeIndex === 0 ? 'Yes' : 'No'),
        outcomeIndex,
        name: t.name ?? '',
        pseudonym: t.pseudonym ?? 'Fake-Trader',
        bio: t.bio ?? '',
        profileImage: t.profileImage ?? '',
        profileImageOptimized: t.profileImageOptimized ?? '',
        transactionHash: t.transactionHash ?? hex(n, 64),
        taker: t.taker ?? true,
        seq: n,
      };
      this.trades.push(row);
      const { taker: _taker, seq: _seq, ...api } = row;
      return api;
    });
  }

  /** Sets the board served for `timePeriod` (or for every period when omitted); it is sorted per request. */
  setLeaderboard(rows: DataApiLeaderboardRow[], timePeriod?: string): void {
    this.boards.set(timePeriod ?? '*', rows);
  }

  setValue(wallet: string, value: number): void {
    this.values.set(wallet.toLowerCase(), value);
  }

  /** The next `times` requests answer `status` with `body` (and a Retry-After header when given). */
  failNext(status: number, opts: { body?: string; retryAfter?: string; times?: number } = {}): void {
    for (let i = 0; i < (opts.times ?? 1); i++) {
      this.faults.push({
        kind: 'status',
        status,
        body: opts.body ?? JSON.stringify({ error: `fake failure ${status}` }),
        ...(opts.retryAfter === undefined ? {} : { retryAfter: opts.retryAfter }),
      });
    }
  }

  /** The next `times` requests wait `ms` before answering normally. */
  delayNext(ms: number, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push({ kind: 'delay', ms });
  }

  /** The next `times` requests answer 200 with a body that is not JSON. */
  malformedNext(times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push({ kind: 'malformed' });
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for await (const _ of req) {
      // GET only; drain any body.
    }
    const url = new URL(req.url ?? '/', this.origin);
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ path: url.pathname, query, at: Date.now() });
    const fault = this.faults.shift();
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (res.destroyed) return;
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
      res.writeHead(fault.status, headers).end(fault.body);
      return;
    }
    if (fault?.kind === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('[{"proxyWallet": "0x12", <html>oops');
      return;
    }
    const [status, body] =
      req.method === 'GET' ? this.route(url.pathname, query) : [405, { error: 'method not allowed' }];
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private route(path: string, q: Record<string, string>): [number, unknown] {
    if (path === '/trades') return this.tradesRoute(q);
    if (path === '/v1/leaderboard') return this.leaderboardRoute(q);
    if (path === '/value') {
      const user = q['user'] ?? '';
      if (!ADDRESS.test(user)) return [400, { error: 'user: invalid address' }];
      const value = this.values.get(user.toLowerCase());
      return [200, value === undefined ? [] : [{ user: user.toLowerCase(), value }]];
    }
    return [404, { error: 'not found' }];
  }

  private tradesRoute(q: Record<string, string>): [number, unknown] {
    const limit = intParam(q['limit'], 100);
    const offset = intParam(q['offset'], 0);
    const start = intParam(q['start'], 0);
    const end = intParam(q['end'], 0);
    if (limit === null || limit < 0) return [400, { error: 'limit: must be an integer >= 0' }];
    if (offset === null || offset < 0 || offset > this.maxOffset)
      return [400, { error: `offset: must be an integer in [0, ${this.maxOffset}]` }];
    if (start === null || end === null) return [400, { error: 'start/end: must be integers' }];
    const user = q['user'];
    if (user !== undefined && !ADDRESS.test(user)) return [400, { error: 'user: invalid address' }];
    const side = q['side'];
    if (side !== undefined && side !== 'BUY' && side !== 'SELL') return [400, { error: 'side: BUY or SELL' }];
    const takerOnly = q['takerOnly'] !== 'false';
    const markets = q['market'] ? new Set(q['market'].split(',')) : null;
    const rows = this.trades
      .filter(
        (t) =>
          (user === undefined || t.proxyWallet === user.toLowerCase()) &&
          (!takerOnly || t.taker) &&
          (side === undefined || t.side === side) &&
          (markets === null || markets.has(t.conditionId)) &&
          (start === 0 || t.timestamp >= start) &&
          (end === 0 || t.timestamp <= end),
      )
      .sort((a, b) => b.timestamp - a.timestamp || b.seq - a.seq)
      .slice(offset, offset + Math.min(limit, this.maxLimit))
      .map(({ taker: _taker, seq: _seq, ...api }) => api);
    return [200, rows];
  }

  private leaderboardRoute(q: Record<string, string>): [number, unknown] {
    const limit = intParam(q['limit'], 25);
    const offset = intParam(q['offset'], 0);
    const period = q['timePeriod'] ?? 'DAY';
    const orderBy = q['orderBy'] ?? 'PNL';
    if (limit === null || limit < 1 || limit > 50) return [400, { error: 'limit: must be in [1, 50]' }];
    if (offset === null || offset < 0 || offset > 1000)
      return [400, { error: 'offset: must be in [0, 1000]' }];
    if (!PERIODS.includes(period)) return [400, { error: 'timePeriod: DAY, WEEK, MONTH or ALL' }];
    if (orderBy !== 'PNL' && orderBy !== 'VOL') return [400, { error: 'orderBy: PNL or VOL' }];
    const key: 'pnl' | 'vol' = orderBy === 'PNL' ? 'pnl' : 'vol';
    const board = [...(this.boards.get(period) ?? this.boards.get('*') ?? [])].sort(
      (a, b) => b[key] - a[key],
    );
    const ranked = board.map((r, i) => ({
      rank: String(i + 1),
      proxyWallet: r.proxyWallet.toLowerCase(),
      userName: r.userName,
      vol: r.vol,
      pnl: r.pnl,
      profileImage: r.profileImage ?? '',
      xUsername: r.xUsername ?? '',
      verifiedBadge: r.verifiedBadge ?? false,
    }));
    const user = q['user']?.toLowerCase();
    const rows = user ? ranked.filter((r) => r.proxyWallet === user) : ranked.slice(offset, offset + limit);
    return [200, rows];
  }
}

/** An integer query parameter, its default when absent, or null when it is not an integer. */
function intParam(raw: string | undefined, fallback: number): number | null {
  if (raw === undefined || raw === '') return fallback;
  return /^-?\d+$/.test(raw) ? Number(raw) : null;
}
