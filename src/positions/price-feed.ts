/**
 * Live prices into positions. Ticks from a streaming venue go through a
 * per-market debounce/throttle (the trailing value always lands); each flush
 * is one transaction that records every market's last price, reprices all
 * open positions on those markets with one statement, and closes — exactly
 * once, by a guarded update — those whose take-profit or stop-loss was
 * reached. After the commit it drops the affected users' cached lists only
 * and pushes the changes to their streams.
 */
import type { Cache } from '../cache/cache.js';
import type { Clock } from '../domain/clock.js';
import { nextHighWater, trailingStopHit } from '../domain/copy.js';
import { DECIMAL_ONE, type Decimal, dec } from '../domain/decimal.js';
import type { Ticker } from '../domain/market.js';
import { type Position, positionPnl, priceDecimal, tpSlTriggered } from '../domain/position.js';
import { MAX_SYMBOLS_PER_REQUEST } from '../marketdata/batch-items.js';
import type { MarketData } from '../marketdata/market-data.js';
import { TickCoalescer, type TickCoalescerStats } from '../marketdata/tick-coalescer.js';
import type { Database } from '../store/database.js';
import type { MarketPriceUpdate, PositionRepository, Repriced } from '../store/position-repository.js';
import { positionsTag, type UpdateSink } from '../updates/update-sink.js';
import type { Unsubscribe } from '../venues/types.js';
import { type CopyExitHook, feesAfterExit } from './copy-exits.js';
import { IdleRepricePace } from './idle-reprice-pace.js';
import { OpenMarketsStream } from './open-markets-stream.js';
import { positionJson } from './position-json.js';
import { QuietMarkets } from './quiet-markets.js';

export interface PriceFeedOptions {
  db: Database;
  repo: PositionRepository;
  marketData: MarketData;
  cache: Cache;
  clock: Clock;
  updates: UpdateSink;
  /** Longest a tick waits before its flush starts. @default 100 */
  delayMs?: number;
  /** Most flushes a second per market. @default 10 */
  maxRatePerMarket?: number;
  /** How often a venue without a stream is polled for the prices of open positions. @default 5000 */
  pollMs?: number;
  /** Positions without TP, SL or trailing stop are repriced once in this interval (ms), each at a turn of its own; armed ones on every flush. @default 1000 */
  idleRepriceMs?: number;
  /** Idle positions repriced per second before their interval lengthens (IdleRepricePace); 0: no limit. @default 20000 */
  idleRepriceBudget?: number;
  /**
   * How often a streaming feed re-reads which markets have open positions, so a
   * position opened on another instance of the fleet is followed too. @default 2000
   */
  resyncMs?: number;
  /** A resubscription in flight longer than this is given up (ms). @default 10000 (OpenMarketsStream) */
  followStallMs?: number;
  /** Called after a flush closed positions, so their events are delivered. */
  onClosed(): void;
  /** Records closes of copied positions in the copy ledger, inside the flush. */
  exits?: CopyExitHook;
  onError?(err: unknown): void;
}

export interface PriceFeedStats extends TickCoalescerStats {
  positionsClosed: number;
  /** How often idle positions are repriced now, ms (PRICE_IDLE_REPRICE_MS, longer under load). */
  idleRepriceMs: number;
  /** Ticks dropped: symbols the venue's listing does not know, or prices that are not prices. */
  ticksDropped: number;
  /** Markets this instance streams now (0 while it does not hold the stream). */
  streamedMarkets: number;
  /** Resubscriptions given up after `followStallMs` without an answer. */
  followsAbandoned: number;
}

/** The latest tick of one market, as the coalescer keeps it (no decimal work per tick). */
interface LatestTick {
  marketId: string;
  symbol: string;
  binary: boolean;
  last: number;
  ts: number;
  /** Offered again by QuietMarkets: the market's write it settles (see `writes`); written to every position on it. */
  settle?: number;
}

export class PriceFeed {
  private readonly coalescer: TickCoalescer<LatestTick>;
  private readonly venueId: string;
  private unsubscribe: Unsubscribe | undefined;
  private symbolToMarket = new Map<string, { id: string; binary: boolean }>();
  private closedCount = 0;
  private published: Promise<void> = Promise.resolve();
  private polling: Promise<void> = Promise.resolve();
  /** Stream mode: the venue subscription for exactly the markets with open positions. */
  private readonly stream: OpenMarketsStream;
  private dropped = 0;

  private readonly idlePace: IdleRepricePace;
  private readonly quiet: QuietMarkets<LatestTick>;
  /** Per market, how many ticks flushes wrote: a settling pass applies only if no tick was written after its own. */
  private readonly writes = new Map<string, number>();

  constructor(private readonly o: PriceFeedOptions) {
    this.idlePace = new IdleRepricePace(o.idleRepriceMs ?? 1_000, o.idleRepriceBudget ?? 20_000);
    this.quiet = new QuietMarkets<LatestTick>(
      o.clock,
      () => this.idlePace.intervalMs,
      (marketId, tick) => {
        // A newer tick waiting for its flush owes its own settling pass.
        const settle = this.writes.get(marketId) ?? 0;
        if (!this.coalescer.has(marketId)) this.coalescer.offer(marketId, { ...tick, settle }, false);
      },
    );
    this.venueId = o.marketData.venue.capabilities.id;
    this.coalescer = new TickCoalescer<LatestTick>({
      clock: o.clock,
      delayMs: o.delayMs ?? 100,
      maxRatePerKey: o.maxRatePerMarket ?? 10,
      flush: (batch) => this.flush(batch),
      ...(o.onError ? { onError: o.onError } : {}),
    });
    this.stream = new OpenMarketsStream({
      repo: o.repo,
      venue: o.marketData.venue,
      venueId: this.venueId,
      clock: o.clock,
      ...(o.resyncMs !== undefined ? { resyncMs: o.resyncMs } : {}),
      ...(o.followStallMs !== undefined ? { stallMs: o.followStallMs } : {}),
      ensureListing: () => this.ensureListing(),
      onTicks: (ticks) => this.ingest(ticks),
      ...(o.onError ? { onError: o.onError } : {}),
    });
  }

  /**
   * Streams the markets that have open positions (and follows them as
   * positions open and close: `marketsChanged()`). A venue without a stream
   * is polled instead: every `pollMs`, the prices of the markets with open
   * positions, through the market-data layer (batched, cached, rate-limited).
   */
  async start(): Promise<'stream' | 'poll'> {
    const venue = this.o.marketData.venue;
    if (venue.capabilities.streaming && venue.subscribeTicks) {
      if (this.unsubscribe === undefined) {
        this.unsubscribe = () => this.stream.stop();
        await this.stream.start();
      }
      return 'stream';
    }
    if (this.unsubscribe === undefined) {
      let stop = false;
      let cancel = () => {};
      const loop = () => {
        if (stop) return;
        this.polling = this.poll()
          .catch((err: unknown) => this.o.onError?.(err))
          .finally(() => {
            if (!stop) cancel = this.o.clock.setTimer(this.o.pollMs ?? 5_000, loop);
          });
      };
      this.unsubscribe = () => {
        stop = true;
        cancel();
      };
      loop();
    }
    return 'poll';
  }

  /** Positions opened or closed: stream exactly the markets that now have open positions. */
  marketsChanged(): void {
    this.stream.marketsChanged();
  }

  /** One poll of a venue without a stream: the prices of every market with open positions. */
  async poll(): Promise<void> {
    const markets = await this.o.repo.openMarkets(this.venueId);
    if (markets.length > 0) await this.ensureListing();
    for (let i = 0; i < markets.length; i += MAX_SYMBOLS_PER_REQUEST) {
      const symbols = markets.slice(i, i + MAX_SYMBOLS_PER_REQUEST).map((m) => m.symbol);
      const { items } = await this.o.marketData.prices(symbols);
      this.ingest(items.filter((p) => !p.stale).map((p) => ({ symbol: p.symbol, ts: p.ts, last: p.price })));
    }
  }

  /** The listing, read once there is something to price (an idle service never loads it). */
  private async ensureListing(): Promise<void> {
    if (this.symbolToMarket.size === 0) await this.loadMarkets();
  }

  /** Learns which market each streamed symbol is (from the cached listing); done before the first ticks. */
  async loadMarkets(): Promise<void> {
    const { items } = await this.o.marketData.markets(100_000, null);
    this.symbolToMarket = new Map(items.map((m) => [m.symbol, { id: m.id, binary: m.kind === 'binary' }]));
  }

  /**
   * Takes one batch of ticks: O(1) per tick, nothing written here (prices
   * pushed to their listeners, and noted by the market data, so price reads
   * such as a copy's quote get the streamed price).
   */
  ingest(ticks: readonly Ticker[]): void {
    for (const t of ticks) {
      const m = this.symbolToMarket.get(t.symbol);
      // A tick that is not a usable price is dropped here: one bad value must not fail a whole flush.
      if (
        m === undefined ||
        !(t.last >= 0 && t.last < Number.POSITIVE_INFINITY) ||
        (m.binary && t.last > 1)
      ) {
        this.dropped++;
        continue;
      }
      const tick = { marketId: m.id, symbol: t.symbol, binary: m.binary, last: t.last, ts: t.ts };
      this.coalescer.offer(m.id, tick);
      this.pushPrice(tick);
      this.o.marketData.observe([t]);
    }
  }

  /**
   * A market's price goes out as it arrives, to whoever listens (on any
   * instance), not after the flush: a price is a fact of the venue, and
   * waiting for the write would add up to one flush interval
   * (1 / PRICE_STREAM_MAX_RATE) to every push. The hub and the push bus keep
   * only the latest value per market for a slow client. What depends on the
   * write — positions' PnL, closes — is pushed after its commit.
   */
  private pushPrice(t: LatestTick): void {
    const sink = this.o.updates;
    const topic = `markets:${t.marketId}`;
    if (sink.wants && !sink.wants(topic)) return;
    sink.publish(topic, t.marketId, {
      marketId: t.marketId,
      symbol: t.symbol,
      price: priceDecimal(t.last),
      ts: t.ts,
    });
  }

  /** Writes what is pending now, and waits until caches and streams were told (tests, shutdown). */
  async drain(): Promise<void> {
    await this.coalescer.drain();
    await this.published;
  }

  /** Stops streaming or polling and writes what is pending; `start()` resumes (a fleet lease moved). */
  async pause(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.polling;
    // A late answer is ignored; waiting only keeps its read off a store being closed.
    await this.stream.settled();
    await this.drain();
    // What this instance leaves behind holds every market's last price, on every position.
    this.quiet.settleAll();
    await this.drain();
  }

  async stop(): Promise<void> {
    await this.pause();
    this.quiet.stop();
    this.coalescer.close();
  }

  stats(): PriceFeedStats {
    return {
      ...this.coalescer.stats(),
      positionsClosed: this.closedCount,
      ticksDropped: this.dropped,
      streamedMarkets: this.stream.streamedMarkets,
      followsAbandoned: this.stream.followsAbandoned,
      idleRepriceMs: this.idlePace.intervalMs,
    };
  }

  private async flush(batch: ReadonlyMap<string, LatestTick>): Promise<number> {
    const updates: MarketPriceUpdate[] = [];
    const settling: MarketPriceUpdate[] = [];
    for (const t of batch.values()) {
      // A settling pass of a tick older than one written since (its flush was in flight) would move prices back.
      if (t.settle !== undefined && t.settle !== this.writes.get(t.marketId)) continue;
      const price = priceDecimal(t.last);
      (t.settle !== undefined ? settling : updates).push({
        marketId: t.marketId,
        symbol: t.symbol,
        price,
        otherPrice: t.binary ? dec.sub(DECIMAL_ONE, price) : price,
        ts: t.ts,
      });
    }
    const now = this.o.clock.now();
    const { repriced, closed } = await this.o.db.transaction(async (tx) => {
      const repriced =
        updates.length > 0
          ? await this.o.repo.applyPrices(this.venueId, updates, now, tx, this.idlePace.intervalMs)
          : [];
      if (settling.length > 0)
        repriced.push(...(await this.o.repo.applyPrices(this.venueId, settling, now, tx)));
      const armed = repriced.filter((r) => r.armed).map((r) => r.id);
      const closed: Position[] = [];
      const highWaters: { id: number; highWater: Decimal }[] = [];
      for (const p of await this.o.repo.byIds(armed, tx)) {
        const hit =
          tpSlTriggered(p.side, p.takeProfit, p.stopLoss, p.currentPrice) ?? this.trailing(p, highWaters);
        if (hit === null) continue;
        const pnl = dec.add(p.realizedPnl, positionPnl(p.side, p.size, p.entryPrice, p.currentPrice));
        const fees = feesAfterExit(p, p.currentPrice, this.o.exits);
        const c = await this.o.repo.close(p.id, hit, p.currentPrice, pnl, fees, now, tx);
        if (c) closed.push(c);
      }
      await this.o.repo.setHighWaters(highWaters, tx);
      const copies = closed.filter((c) => c.traderId !== null);
      if (copies.length > 0 && this.o.exits) await this.o.exits.copiesClosed(copies, tx, now);
      return { repriced, closed };
    });
    this.idlePace.flushed(now, repriced.length - repriced.filter((r) => r.armed).length);
    for (const t of batch.values()) {
      if (t.settle !== undefined) continue;
      this.writes.set(t.marketId, (this.writes.get(t.marketId) ?? 0) + 1);
      this.quiet.flushed(t.marketId, t, now);
    }
    this.closedCount += closed.length;
    if (closed.length > 0) {
      this.o.onClosed();
      this.marketsChanged();
    }
    // The flush is done when it is committed; telling caches and streams follows it.
    // Chained, so pushes go out in commit order.
    this.published = this.published
      .then(() => this.publish(repriced, closed))
      .catch((err: unknown) => this.o.onError?.(err));
    return repriced.length;
  }

  /** A trailing stop reached at the position's price, or null (then its best price moves, if it did). */
  private trailing(p: Position, highWaters: { id: number; highWater: Decimal }[]): 'trailing_stop' | null {
    if (p.trailingStopPct === null || p.highWater === null) return null;
    if (trailingStopHit(p.side, p.highWater, p.trailingStopPct, p.currentPrice)) return 'trailing_stop';
    const next = nextHighWater(p.side, p.highWater, p.currentPrice);
    if (next !== p.highWater) highWaters.push({ id: p.id, highWater: next });
    return null;
  }

  /** After the commit: drop the affected users' cached lists, push to whoever listens. */
  private async publish(repriced: Repriced[], closed: Position[]): Promise<void> {
    const users = new Set<number>();
    for (const p of repriced) users.add(p.userId);
    if (users.size > 0) await this.o.cache.invalidateTags([...users].map(positionsTag));
    const sink = this.o.updates;
    const closedIds = new Set(closed.map((p) => p.id));
    for (const p of closed) sink.publish('positions', String(p.id), positionJson(p), p.userId);
    // Full rows only for the positions someone is watching.
    const watched = repriced.filter(
      (p) => !closedIds.has(p.id) && (!sink.wants || sink.wants('positions', p.userId)),
    );
    for (const p of await this.o.repo.byIds(watched.map((w) => w.id))) {
      sink.publish('positions', String(p.id), positionJson(p), p.userId);
    }
  }
}
