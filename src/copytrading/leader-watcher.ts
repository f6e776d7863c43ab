/**
 * One watcher per (source, address): reads the leader's trades after its
 * stored cursor and hands each page to the fan-out. Reads are serialised (a
 * push or a poll during a read asks for one more read after it), so a leader
 * who trades while a read is in flight is read again, never skipped. The
 * cursor in memory is only a hint: the fan-out moves the stored one by
 * compare-and-set, and a lost race reloads it.
 */
import type { Clock } from '../domain/clock.js';
import { type Exact, parseExact } from '../domain/decimal.js';
import type { MarketData } from '../marketdata/market-data.js';
import type { CopyRepository, WatcherRow } from '../store/copy-repository.js';
import type { Database } from '../store/database.js';
import type { LeaderSource, LeaderTrade } from '../venues/leader-source.js';
import type { Unsubscribe } from '../venues/types.js';
import { type CopyFanout, type FanoutResult, LeaderEquityNeeded } from './copy-fanout.js';
import { pageQuotes } from './copy-quotes.js';
import type { PageBatcher } from './page-batcher.js';

export interface WatcherDeps {
  db: Database;
  copies: CopyRepository;
  fanout: CopyFanout;
  marketData: MarketData;
  clock: Clock;
  /** After a page is committed: pushes, cache drops, metrics. */
  applied(w: WatcherRow, trades: readonly LeaderTrade[], result: FanoutResult, detectedAt: number): void;
  /** Runs fan-out pages, several watchers' in one transaction, with a turn of the event loop between batches. */
  pages: Pick<PageBatcher, 'run'>;
  /** A read or a fan-out failed (logged, counted; the next poll retries). */
  failed(w: WatcherRow, err: unknown): void;
}

export class LeaderWatcher {
  private reading: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private unsubscribe: Unsubscribe | undefined;
  private cancelPoll: (() => void) | undefined;

  constructor(
    private row: WatcherRow,
    private readonly source: LeaderSource,
    private readonly d: WatcherDeps,
  ) {}

  get id(): number {
    return this.row.id;
  }

  start(): void {
    this.unsubscribe = this.source.subscribe?.(this.row.address, () => this.kick());
    this.schedulePoll();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.cancelPoll?.();
    await this.reading;
  }

  /** Reads now, or once more after the read in flight. */
  kick(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readAll().finally(() => {
      this.reading = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Waits for the read in flight (tests). */
  async idle(): Promise<void> {
    while (this.reading) await this.reading;
  }

  /** Push sources are still polled, slower: a missed push (a restart, a dropped socket) costs one interval at most. */
  private schedulePoll(): void {
    if (this.stopped) return;
    const every = this.source.capabilities.pollIntervalMs * (this.source.capabilities.push ? 5 : 1);
    this.cancelPoll = this.d.clock.setTimer(every, () => {
      this.kick();
      this.schedulePoll();
    });
  }

  private async readAll(): Promise<void> {
    try {
      const limit = this.source.capabilities.maxPageSize;
      for (let pages = 0; pages < 100 && !this.stopped; pages++) {
        const from = this.row.cursor;
        let page = await this.source.tradesAfter(this.row.address, from, limit);
        const read = page.trades.length;
        const cut = this.leaderPriced ? samePricePrefix(page.trades) : read;
        if (cut < read) page = await this.source.tradesAfter(this.row.address, from, cut);
        const detectedAt = this.d.clock.now();
        if (page.trades.length === 0) {
          if (page.cursor !== from) await this.commit(from, page.cursor, [], detectedAt);
          else await this.d.copies.polled(this.row.id, detectedAt, null);
          return;
        }
        await this.commit(from, page.cursor, page.trades, detectedAt);
        if (read < limit && cut === read) return;
      }
    } catch (err) {
      this.d.failed(this.row, err);
      await this.d.copies.polled(this.row.id, this.d.clock.now(), errorText(err)).catch(() => {});
    }
  }

  private async commit(
    from: string,
    to: string,
    trades: readonly LeaderTrade[],
    detectedAt: number,
  ): Promise<void> {
    const quotes = await pageQuotes(this.d.marketData, trades, this.leaderPriced);
    const row = this.row;
    // The leader's equity only sizes proportional follows: read it only when one may need it.
    const apply = (equity: Exact | null | undefined) =>
      this.d.pages.run((tx) => this.d.fanout.apply(row, from, to, trades, quotes, equity, detectedAt, tx));
    const needed = this.d.fanout.needsLeaderEquity(row.id);
    const result = await apply(needed ? await this.leaderEquity(trades) : undefined).catch(
      async (err: unknown) => {
        if (!(err instanceof LeaderEquityNeeded)) throw err;
        return apply(await this.leaderEquity(trades));
      },
    );
    if (!result) {
      // Another holder applied this page first: continue from where it left the cursor.
      const fresh = await this.d.copies.watcher(this.row.id);
      if (fresh) this.row = fresh;
      return;
    }
    this.row = { ...this.row, cursor: to, events: this.row.events + trades.length };
    if (trades.length > 0) this.d.applied(this.row, trades, result, detectedAt);
  }

  /** Copies of this source are priced at the leader's fill, not at a venue's price. */
  private get leaderPriced(): boolean {
    return this.source.capabilities.pricing === 'leader-fill';
  }

  private async leaderEquity(trades: readonly LeaderTrade[]): Promise<Exact | null> {
    if (trades.length === 0) return null;
    const e = await this.source.equity(this.row.address);
    return e === null ? null : parseExact(e);
  }
}

/**
 * How many leading trades of a page have one price per market: a page of a
 * leader-priced source is cut there (its quotes are per market), the rest
 * read next. At least one trade.
 */
export function samePricePrefix(trades: readonly LeaderTrade[]): number {
  const price = new Map<string, string>();
  for (let i = 0; i < trades.length; i++) {
    const t = trades[i]!;
    const seen = price.get(t.market);
    if (seen !== undefined && seen !== t.price) return Math.max(1, i);
    price.set(t.market, t.price);
  }
  return trades.length;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 500);
