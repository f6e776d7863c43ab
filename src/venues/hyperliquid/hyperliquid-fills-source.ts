/**
 * Hyperliquid addresses as leaders: their fills from the public info API
 * (`POST /info`): `userFills` (the newest fills) for "now" and the recent
 * list, `userFillsByTime` (from `startTime`, inclusive, oldest first, at most
 * 2000 per answer; the next page starts at the last fill's time) to read
 * after a cursor, `clearinghouseState` for the equity (`marginSummary.
 * accountValue`). Polled; the API keeps only an address's 10000 newest fills.
 * Copies trade on the configured venue (live copies on Hyperliquid go through
 * ccxt), so `pricing` is the venue's.
 */
import { type Clock, systemClock } from '../../domain/clock.js';
import { type Decimal, tryParseDecimal } from '../../domain/decimal.js';
import { UnavailableError, ValidationError } from '../../domain/errors.js';
import { TokenBucket } from '../../lib/token-bucket.js';
import { requestJson } from '../http-json.js';
import type {
  LeaderSource,
  LeaderSourceCapabilities,
  LeaderStats,
  LeaderTrade,
  RecentTradesQuery,
  SourceCursor,
  TradesPage,
} from '../leader-source.js';
import { byTime, decodeFillCursor, encodeFillCursor, fillList } from './info-fills.js';

export interface HyperliquidFillsSourceOptions {
  /** @default 'https://api.hyperliquid.xyz' */
  origin?: string;
  /** @default systemClock */
  clock?: Clock;
  /** Our budget: fills requests weigh 20 of the API's 1200 per minute. @default { requestsPerSecond: 1, burst: 5 } */
  rateLimit?: { requestsPerSecond: number; burst: number };
  /** @default 5000 */
  pollIntervalMs?: number;
  /** @default 5000 */
  timeoutMs?: number;
  /** Fills one answer holds at most (documented: 2000). @default 2000 */
  answerLimit?: number;
  /** Most requests one call makes (5 x 2000 = the 10000 fills the API keeps). @default 5 */
  maxPagesPerCall?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const ADDRESS_FORM = '0x followed by 40 hex digits';
/** Trades per `tradesAfter`, also `capabilities.maxPageSize`. */
const PAGE = 500;

/**
 * @example
 * const source = new HyperliquidFillsSource();
 * let cursor = await source.currentCursor('0x31ca8395cf837de08b24da3f660e77761dfb974b');
 * const page = await source.tradesAfter('0x31ca…', cursor, source.capabilities.maxPageSize);
 */
export class HyperliquidFillsSource implements LeaderSource {
  readonly capabilities: LeaderSourceCapabilities;
  private readonly origin: string;
  private readonly clock: Clock;
  private readonly bucket: TokenBucket;
  private readonly timeoutMs: number;
  private readonly answerLimit: number;
  private readonly maxPages: number;
  private readonly fetchImpl: typeof fetch | undefined;

  constructor(opts: HyperliquidFillsSourceOptions = {}) {
    this.origin = opts.origin ?? 'https://api.hyperliquid.xyz';
    this.clock = opts.clock ?? systemClock;
    const limit = opts.rateLimit ?? { requestsPerSecond: 1, burst: 5 };
    this.bucket = new TokenBucket(this.clock, limit.requestsPerSecond, Math.max(1, limit.burst));
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.answerLimit = Math.max(1, opts.answerLimit ?? 2000);
    this.maxPages = Math.max(1, opts.maxPagesPerCall ?? 5);
    this.fetchImpl = opts.fetch;
    this.capabilities = {
      id: 'hyperliquid',
      push: false,
      pollIntervalMs: opts.pollIntervalMs ?? 5000,
      maxPageSize: PAGE,
      addressForm: ADDRESS_FORM,
    };
  }

  addressProblem(address: string): string | null {
    return ADDRESS.test(address)
      ? null
      : `a Hyperliquid address is ${ADDRESS_FORM}, got ${JSON.stringify(address)}`;
  }

  cursorAt(_address: string, ts: number): SourceCursor {
    return encodeFillCursor({ t: Math.max(0, Math.floor(ts)), ids: [] });
  }

  async currentCursor(address: string): Promise<SourceCursor> {
    const fills = await this.newest(this.user(address));
    const t = fills.reduce((m, f) => Math.max(m, f.ts), -1);
    if (t < 0) return encodeFillCursor({ t: 0, ids: [] });
    return encodeFillCursor({ t, ids: fills.filter((f) => f.ts === t).map((f) => f.id) });
  }

  async tradesAfter(address: string, cursor: SourceCursor, limit: number): Promise<TradesPage> {
    const user = this.user(address);
    const at = decodeFillCursor(cursor);
    const seen = new Set(at.ids);
    const fresh = (await this.from(user, at.t, limit + seen.size))
      .filter((f) => f.ts > at.t || !seen.has(f.id))
      .slice(0, Math.max(0, limit));
    const last = fresh.at(-1);
    if (!last) return { trades: [], cursor };
    const lastIds = fresh.filter((f) => f.ts === last.ts).map((f) => f.id);
    const ids = last.ts === at.t ? [...at.ids, ...lastIds] : lastIds;
    return { trades: fresh, cursor: encodeFillCursor({ t: last.ts, ids }) };
  }

  async recentTrades(address: string, opts: RecentTradesQuery): Promise<LeaderTrade[]> {
    const user = this.user(address);
    const since = opts.since ?? 0;
    const before = opts.before ?? Number.POSITIVE_INFINITY;
    // The newest fills answer at once; more than one answer holds needs the forward scan.
    let fills = opts.since === undefined && opts.before === undefined ? await this.newest(user) : null;
    if (fills === null || (fills.length >= this.answerLimit && opts.limit > fills.length))
      fills = await this.from(
        user,
        since,
        Number.POSITIVE_INFINITY,
        opts.before === undefined ? undefined : opts.before - 1,
      );
    return fills
      .filter((f) => f.ts >= since && f.ts < before)
      .sort((a, b) => byTime(b, a))
      .slice(0, Math.max(0, opts.limit));
  }

  /** The info API has no leaderboard: addresses are followed by address. */
  async leaders(): Promise<LeaderStats[]> {
    return [];
  }

  async equity(address: string): Promise<Decimal | null> {
    const what = 'hyperliquid info clearinghouseState';
    const body = await this.info({ type: 'clearinghouseState', user: this.user(address) }, what);
    const summary = (body as { marginSummary?: { accountValue?: unknown } } | null)?.marginSummary;
    if (!summary) throw new UnavailableError(`${what}: no marginSummary`);
    const value = tryParseDecimal(summary.accountValue);
    if (!value.ok)
      throw new UnavailableError(`${what}: unexpected accountValue ${JSON.stringify(summary.accountValue)}`);
    return value.value;
  }

  private user(address: string): string {
    const problem = this.addressProblem(address);
    if (problem) throw new ValidationError(problem, { details: [{ path: 'address', message: problem }] });
    return address.toLowerCase();
  }

  /** The newest fills (`userFills`), oldest first. */
  private async newest(user: string): Promise<LeaderTrade[]> {
    const what = 'hyperliquid info userFills';
    return fillList(await this.info({ type: 'userFills', user }, what), what).sort(byTime);
  }

  /**
   * Fills from `startMs` on (inclusive), oldest first, de-duplicated, until at
   * least `want` or the end; each next request starts at the last fill's time.
   */
  private async from(user: string, startMs: number, want: number, endMs?: number): Promise<LeaderTrade[]> {
    const what = 'hyperliquid info userFillsByTime';
    const byId = new Map<string, LeaderTrade>();
    let start = startMs;
    for (let pages = 0; pages < this.maxPages; pages++) {
      const body = {
        type: 'userFillsByTime',
        user,
        startTime: start,
        ...(endMs !== undefined ? { endTime: endMs } : {}),
      };
      const page = fillList(await this.info(body, what), what);
      for (const f of page) byId.set(f.id, f);
      const last = page.reduce((m, f) => Math.max(m, f.ts), -1);
      if (page.length < this.answerLimit || byId.size >= want || last <= start) break;
      start = last;
    }
    return [...byId.values()].sort(byTime);
  }

  private async info(body: Record<string, unknown>, what: string): Promise<unknown> {
    for (let wait = this.bucket.take(1); wait > 0; wait = this.bucket.take(1)) await this.clock.sleep(wait);
    return requestJson({
      url: new URL('/info', this.origin),
      init: { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
      what,
      timeoutMs: this.timeoutMs,
      now: () => this.clock.now(),
      ...(this.fetchImpl ? { fetch: this.fetchImpl } : {}),
    });
  }
}
