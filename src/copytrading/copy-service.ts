/**
 * What users ask of copy trading besides following: discover leaders (cached
 * as kind `leaderboard`), read a leader's trades as the source reports them,
 * read copy decisions, see and reset the paper account, and the engine's
 * figures for operators.
 */
import type { Cache } from '../cache/cache.js';
import type { Clock } from '../domain/clock.js';
import { type Decimal, tryParseDecimal } from '../domain/decimal.js';
import { ValidationError } from '../domain/errors.js';
import type { AddressCheck, TraderSource } from '../domain/trader.js';
import type { CopyDecision, CopyRepository, CopyStatus } from '../store/copy-repository.js';
import type { PaperAccount, PaperAccountRepository } from '../store/paper-account-repository.js';
import type {
  LeaderSort,
  LeaderSource,
  LeaderStats,
  LeaderTrade,
  LeaderWindow,
} from '../venues/leader-source.js';
import type { CopyEngine } from './copy-engine.js';
import { emptyCopyStats, type SourceCopyStats } from './copy-stats.js';

/** Trades one leader may make in one millisecond, beyond which a page boundary could skip some. */
const SAME_MS_SLACK = 50;

/** Most leaders a discovery list ranks (and caches). */
export const MAX_LEADERS = 500;

export interface CopyReport {
  instanceId: string | null;
  sources: (SourceCopyStats & { oldestWatcherAgeMs: number | null; erroring: number })[];
}

/** How a followed trader is being watched: the last trade seen, when its source last answered, and whether that is too long ago. */
export interface WatchStatus {
  traderId: number;
  source: TraderSource;
  address: string;
  /** An instance holds the watcher's lease now. */
  watching: boolean;
  lastTradeTs: number | null;
  /** When the source last answered (a poll, a push read, or an applied page). */
  checkedAt: number;
  lagMs: number;
  /** Silent past the watchdog's threshold: copying has stopped. */
  stalled: boolean;
  error: string | null;
  events: number;
}

export interface CopyServiceDeps {
  copies: CopyRepository;
  accounts: PaperAccountRepository;
  sources: ReadonlyMap<TraderSource, LeaderSource>;
  cache: Cache;
  clock: Clock;
  venueId: string;
  engine: CopyEngine | undefined;
  /** The watchdog's threshold (COPY_WATCHDOG_MS). */
  watchdogMs: number;
}

const badQuery = (path: string, message: string): ValidationError =>
  new ValidationError(`${path} ${message}`, { details: [{ path, message }] });

export class CopyService {
  constructor(private readonly d: CopyServiceDeps) {}

  /** The address rule of each source, for following (`manual` takes any address). */
  readonly checkAddress: AddressCheck = (source, address) => {
    if (source === 'manual') return null;
    const s = this.d.sources.get(source);
    if (!s) return `cannot be followed: the ${source} source is not available on this server`;
    return s.addressProblem(address);
  };

  source(id: string, path = 'query.source'): LeaderSource {
    const s = this.d.sources.get(id as TraderSource);
    if (!s) {
      throw badQuery(
        path,
        `must be one of ${[...this.d.sources.keys()].join(', ')} (the sources this server can watch)`,
      );
    }
    return s;
  }

  /** A ranked page of leaders; the ranking is cached for an hour per (source, sort, window). */
  async leaders(q: {
    source: string;
    sort: LeaderSort;
    window: LeaderWindow;
    limit: number;
    offset: number;
  }): Promise<{ items: LeaderStats[]; more: boolean }> {
    const source = this.source(q.source);
    const ranked = await this.d.cache.getOrLoad('leaderboard', `${q.source}:${q.sort}:${q.window}`, () =>
      source.leaders({ sort: q.sort, window: q.window, limit: MAX_LEADERS }),
    );
    const all = ranked.value;
    return { items: all.slice(q.offset, q.offset + q.limit), more: all.length > q.offset + q.limit };
  }

  /**
   * A page of a leader's trades, newest first. `after` is the last trade of the
   * previous page (its time and id): this page holds the trades that follow it
   * in the source's order, those at its very millisecond included.
   */
  async leaderTrades(
    source: string,
    address: string,
    q: { since?: number; limit: number; after?: { ts: number; id: string } },
  ): Promise<{ items: LeaderTrade[]; more: boolean }> {
    const s = this.source(source, 'params.source');
    const problem = s.addressProblem(address);
    if (problem) throw badQuery('params.address', problem);
    const { after, limit } = q;
    // Trades sharing the previous page's last millisecond come back too; skip up to that trade.
    const want = limit + 1 + (after ? SAME_MS_SLACK : 0);
    let trades = await s.recentTrades(address, {
      limit: want,
      ...(q.since !== undefined ? { since: q.since } : {}),
      ...(after ? { before: after.ts + 1 } : {}),
    });
    if (after) {
      const at = trades.findIndex((t) => t.id === after.id);
      trades = at >= 0 ? trades.slice(at + 1) : trades.filter((t) => t.ts < after.ts);
    }
    return { items: trades.slice(0, limit), more: trades.length > limit };
  }

  decisions(
    userId: number,
    q: { traderId?: number; status?: CopyStatus; limit: number; beforeId: number | null },
  ): Promise<CopyDecision[]> {
    return this.d.copies.decisions(
      {
        userId,
        ...(q.traderId !== undefined ? { traderId: q.traderId } : {}),
        ...(q.status !== undefined ? { status: q.status } : {}),
      },
      q.limit,
      q.beforeId,
    );
  }

  account(userId: number): Promise<PaperAccount> {
    return this.d.accounts.get(userId, this.d.venueId, this.d.clock.now());
  }

  /** Resets the paper account to `balance` (default: its initial balance). */
  async resetAccount(userId: number, balance: unknown): Promise<PaperAccount> {
    let amount: Decimal | undefined;
    if (balance !== undefined) {
      const r = tryParseDecimal(balance);
      if (!r.ok) throw badQuery('body.balance', r.error);
      amount = r.value;
    }
    const current = await this.account(userId);
    return this.d.accounts.reset(
      userId,
      this.d.venueId,
      amount ?? current.initialBalance,
      this.d.clock.now(),
    );
  }

  /** The watch status of each of the user's followed traders that a source watches. */
  async watchStatus(userId: number): Promise<WatchStatus[]> {
    const now = this.d.clock.now();
    return (await this.d.copies.watchersOf(userId)).map(({ traderId, watcher: w }) => {
      const checkedAt = Math.max(w.polledAt ?? 0, w.advancedAt);
      const lagMs = Math.max(0, now - checkedAt);
      return {
        traderId,
        source: w.source,
        address: w.address,
        watching: w.leaseUntil !== null && w.leaseUntil > now,
        lastTradeTs: w.lastTradeTs,
        checkedAt,
        lagMs,
        stalled: lagMs > this.d.watchdogMs,
        error: w.error,
        events: w.events,
      };
    });
  }

  /** The engine's figures with the watchers' state from the database (every instance's). */
  async report(): Promise<CopyReport> {
    const now = this.d.clock.now();
    const stats = new Map((this.d.engine?.stats.snapshot() ?? []).map((s) => [s.source, s]));
    const watchers = await this.d.copies.watchers();
    const sources = new Set([...stats.keys(), ...watchers.map((w) => w.source)]);
    return {
      instanceId: this.d.engine?.instanceId ?? null,
      sources: [...sources].map((source) => {
        const mine = watchers.filter((w) => w.source === source);
        const ages = mine.map((w) => now - (w.polledAt ?? w.advancedAt));
        const s = stats.get(source) ?? emptyCopyStats(source);
        return {
          ...s,
          watchers: mine.length,
          oldestWatcherAgeMs: ages.length > 0 ? Math.max(...ages) : null,
          erroring: mine.filter((w) => w.error !== null).length,
        };
      }),
    };
  }
}
