import { type Clock, systemClock } from '../../domain/clock.js';
import type { Decimal } from '../../domain/decimal.js';
import { ValidationError } from '../../domain/errors.js';
import { TokenBucket } from '../../lib/token-bucket.js';
import { requestJson } from '../http-json.js';
import type {
  LeaderSort,
  LeaderSource,
  LeaderSourceCapabilities,
  LeaderStats,
  LeaderTrade,
  LeaderWindow,
  RecentTradesQuery,
  SourceCursor,
  TradesPage,
} from '../leader-source.js';
import {
  ADDRESS,
  asArray,
  ascending,
  decimalField,
  decodeCursor,
  encodeCursor,
  leaderOf,
  parseTrade,
  type Row,
  record,
} from './data-api-format.js';

export interface PolymarketWalletSourceOptions {
  /** @default 'https://data-api.polymarket.com' */
  origin?: string;
  /** @default systemClock */
  clock?: Clock;
  /** Our own budget, well under the documented 200 req/10 s of `/trades`. @default { requestsPerSecond: 5, burst: 5 } */
  rateLimit?: { requestsPerSecond: number; burst: number };
  /** @default 5000 */
  pollIntervalMs?: number;
  /** Per request, headers and body included. @default 5000 */
  timeoutMs?: number;
  /** Trades asked per `/trades` request, also `capabilities.maxPageSize`. @default 500 */
  pageSize?: number;
  /** The largest `offset` the API accepts on `/trades` (documented: 10000, beyond it a 400). @default 10000 */
  maxOffset?: number;
  /** Most `/trades` requests one call makes before it stops paging back. @default 40 */
  maxPagesPerCall?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** The leaderboard's documented page and depth limits. */
const BOARD_PAGE = 50;
const BOARD_MAX_OFFSET = 1000;
const ADDRESS_FORM = '0x followed by 40 hex digits';

/**
 * @example
 * const source = new PolymarketWalletSource({ rateLimit: { requestsPerSecond: 5, burst: 5 } });
 * let cursor = await source.currentCursor('0x56687bf447db6ffa42ffe2204a05edaa20f55839');
 * const page = await source.tradesAfter('0x5668…', cursor, source.capabilities.maxPageSize);
 * cursor = page.cursor;
 */
export class PolymarketWalletSource implements LeaderSource {
  readonly capabilities: LeaderSourceCapabilities;
  private readonly origin: string;
  private readonly clock: Clock;
  private readonly bucket: TokenBucket;
  private readonly timeoutMs: number;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly maxOffset: number;
  private readonly fetchImpl: typeof fetch;

  constructor(opts: PolymarketWalletSourceOptions = {}) {
    this.origin = opts.origin ?? 'https://data-api.polymarket.com';
    this.clock = opts.clock ?? systemClock;
    const limit = opts.rateLimit ?? { requestsPerSecond: 5, burst: 5 };
    this.bucket = new TokenBucket(this.clock, limit.requestsPerSecond, Math.max(1, limit.burst));
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.maxOffset = opts.maxOffset ?? 10_000;
    this.pageSize = Math.max(1, Math.min(opts.pageSize ?? 500, this.maxOffset));
    this.maxPages = Math.max(1, opts.maxPagesPerCall ?? 40);
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
    this.capabilities = {
      id: 'polymarket',
      push: false,
      pollIntervalMs: opts.pollIntervalMs ?? 5000,
      maxPageSize: this.pageSize,
      addressForm: ADDRESS_FORM,
    };
  }

  addressProblem(address: string): string | null {
    return ADDRESS.test(address)
      ? null
      : `a Polymarket address is ${ADDRESS_FORM}, got ${JSON.stringify(address)}`;
  }

  /** The API's times are whole seconds: the cursor has delivered every second before `ts`'s. */
  cursorAt(_address: string, ts: number): SourceCursor {
    return encodeCursor({ t: Math.max(0, Math.ceil(ts / 1000) - 1), ids: [] });
  }

  async currentCursor(address: string): Promise<SourceCursor> {
    const user = this.user(address);
    const first = await this.tradesPage(user, 0, this.pageSize, {});
    const newest = first.reduce((m, r) => Math.max(m, r.sec), -1);
    if (newest < 0) return encodeCursor({ t: 0, ids: [] });
    const whole = first.some((r) => r.sec < newest) || first.length < this.pageSize;
    const rows = whole ? first : await this.collect(user, { minSec: newest });
    return encodeCursor({ t: newest, ids: rows.filter((r) => r.sec === newest).map((r) => r.trade.id) });
  }

  /**
   * Pages back from the newest trade (`start` = the cursor's second, so the
   * API serves only that window) until past the cursor, then returns the
   * oldest `limit` trades after it. A watcher more than `maxPagesPerCall` x
   * `pageSize` trades behind gets the oldest of those it could reach: the
   * ones between its cursor and those are skipped (they would be too old to
   * copy anyway).
   */
  async tradesAfter(address: string, cursor: SourceCursor, limit: number): Promise<TradesPage> {
    const user = this.user(address);
    const at = decodeCursor(cursor);
    const seen = new Set(at.ids);
    const rows = (await this.collect(user, { minSec: at.t }))
      .filter((r) => r.sec > at.t || (r.sec === at.t && !seen.has(r.trade.id)))
      .sort(ascending)
      .slice(0, Math.max(0, limit));
    const last = rows.at(-1);
    if (!last) return { trades: [], cursor };
    const lastIds = rows.filter((r) => r.sec === last.sec).map((r) => r.trade.id);
    const ids = last.sec === at.t ? [...at.ids, ...lastIds] : lastIds;
    return { trades: rows.map((r) => r.trade), cursor: encodeCursor({ t: last.sec, ids }) };
  }

  async recentTrades(address: string, opts: RecentTradesQuery): Promise<LeaderTrade[]> {
    const user = this.user(address);
    const since = opts.since ?? 0;
    const before = opts.before ?? Number.POSITIVE_INFINITY;
    const rows = await this.collect(user, {
      minSec: Math.floor(since / 1000),
      maxRows: opts.limit,
      ...(opts.before !== undefined ? { endSec: Math.floor((opts.before - 1) / 1000) } : {}),
    });
    return rows
      .filter((r) => r.trade.ts >= since && r.trade.ts < before)
      .sort((a, b) => ascending(b, a))
      .slice(0, Math.max(0, opts.limit))
      .map((r) => r.trade);
  }

  /**
   * The board has no win rate and no trade count: `winRate` is null and
   * `trades` 0, and sorting by either falls back to the API's PnL order.
   */
  async leaders(opts: { sort: LeaderSort; window: LeaderWindow; limit: number }): Promise<LeaderStats[]> {
    const out: LeaderStats[] = [];
    const base = {
      category: 'OVERALL',
      timePeriod: opts.window === '7d' ? 'WEEK' : 'MONTH',
      orderBy: opts.sort === 'volume' ? 'VOL' : 'PNL',
    };
    for (let offset = 0; out.length < opts.limit && offset <= BOARD_MAX_OFFSET; offset += BOARD_PAGE) {
      const want = Math.min(BOARD_PAGE, opts.limit - out.length);
      const body = await this.get('/v1/leaderboard', { ...base, limit: want, offset });
      const rows = asArray(body, '/v1/leaderboard');
      for (const row of rows) out.push(leaderOf(row));
      if (rows.length < want) break;
    }
    return out.slice(0, opts.limit);
  }

  async equity(address: string): Promise<Decimal | null> {
    const user = this.user(address);
    const rows = asArray(await this.get('/value', { user }), '/value');
    const first = rows[0];
    if (first === undefined) return null;
    return decimalField(record(first, '/value'), 'value', '/value', true);
  }

  private user(address: string): string {
    const problem = this.addressProblem(address);
    if (problem) throw new ValidationError(problem, { details: [{ path: 'address', message: problem }] });
    return address.toLowerCase();
  }

  /**
   * Trades of `user` newest first from the second `minSec` on, de-duplicated
   * by id. Offsets past the API's 10000 cap move the window instead: `end`
   * becomes the oldest second seen, with a fresh offset budget.
   */
  private async collect(
    user: string,
    opts: { minSec: number; maxRows?: number; endSec?: number },
  ): Promise<Row[]> {
    const byId = new Map<string, Row>();
    let end: number | undefined = opts.endSec;
    let offset = 0;
    for (let pages = 0; pages < this.maxPages; pages++) {
      const page = await this.tradesPage(user, offset, this.pageSize, { start: opts.minSec, end });
      for (const r of page) if (r.sec >= opts.minSec) byId.set(r.trade.id, r);
      const oldest = page.at(-1)?.sec;
      if (page.length < this.pageSize || oldest === undefined || oldest < opts.minSec) break;
      if (opts.maxRows !== undefined && byId.size >= opts.maxRows) break;
      offset += this.pageSize;
      if (offset > this.maxOffset) {
        if (end === oldest) break; // more than a whole window in one second: nothing left to narrow
        end = oldest;
        offset = 0;
      }
    }
    return [...byId.values()];
  }

  /** One `/trades` request, parsed, in the API's (newest-first) order. */
  private async tradesPage(
    user: string,
    offset: number,
    limit: number,
    window: { start?: number; end?: number | undefined },
  ): Promise<Row[]> {
    const query: Record<string, string | number> = { user, limit, offset, takerOnly: 'false' };
    if (window.start) query['start'] = window.start;
    if (window.end !== undefined) query['end'] = window.end;
    const rows = asArray(await this.get('/trades', query), '/trades').map((raw) => parseTrade(raw));
    // Identical fills in one transaction share a base id; the n-th copy gets `-n`.
    const copies = new Map<string, number>();
    return rows.map(({ base, sec, trade }) => {
      const n = (copies.get(base) ?? 0) + 1;
      copies.set(base, n);
      return { sec, trade: { ...trade, id: n === 1 ? base : `${base}-${n}` } };
    });
  }

  /** GET `path` as JSON through the rate limit and the timeout, mapping failures to domain errors. */
  private async get(path: string, query: Record<string, string | number>): Promise<unknown> {
    for (let wait = this.bucket.take(1); wait > 0; wait = this.bucket.take(1)) await this.clock.sleep(wait);
    const url = new URL(path, this.origin);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
    return requestJson({
      url,
      what: `polymarket data API ${path}`,
      timeoutMs: this.timeoutMs,
      now: () => this.clock.now(),
      fetch: this.fetchImpl,
    });
  }
}
