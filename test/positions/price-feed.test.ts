/**
 * Live prices into positions, on every database: one transaction per flush
 * that reprices every open position on the flushed markets with one
 * statement, records each market's last price, and drops only the affected
 * users' cached lists. TP/SL fire exactly once — property-tested over random
 * tick sequences, with two instances flushing the same ticks concurrently,
 * racing manual closes and restarts.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { buildServices, type Services } from '../../src/container.js';
import { type Decimal, decimal as d, dec } from '../../src/domain/decimal.js';
import type { Market } from '../../src/domain/market.js';
import { PriceFeed } from '../../src/positions/price-feed.js';
import { PositionRepository } from '../../src/store/position-repository.js';
import { positionsTag } from '../../src/updates/update-sink.js';
import type { SimulatedVenue } from '../../src/venues/simulated/simulated-venue.js';
import { databaseTargets } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';

const ticks = (market: Market, last: number) => [{ symbol: market.symbol, ts: 0, last }];

/** One share of a binary market's Yes bought at 0.5, without a stop loss. */
const yesAtHalf = (m: Market, takeProfit: Decimal | null) => ({
  venue: 'simulated',
  marketId: m.id,
  symbol: m.symbol,
  side: 'long' as const,
  outcome: 'Yes',
  outcomeIndex: 0,
  size: d('1'),
  entryPrice: d('0.5'),
  takeProfit,
  stopLoss: null,
});

describe.each(await databaseTargets())('price feed on $name', (target) => {
  let ctx: TestContext;
  let s: Services;
  let binaries: Market[];
  let spot: Market;

  beforeAll(async () => {
    ctx = await testServices(target);
    s = ctx.services;
    const markets = await s.venue.fetchMarkets();
    binaries = markets.filter((m) => m.kind === 'binary').slice(0, 3);
    spot = markets.find((m) => m.symbol === 'BTC/USDT')!;
    await s.priceFeed.loadMarkets();
  });
  afterAll(() => ctx.close());

  /** A second instance on the same database (its own venue, cache and feed). */
  async function secondInstance(): Promise<Services> {
    const config = loadConfig({}, { databaseUrl: s.config.databaseUrl, logLevel: 'silent' });
    const other = await buildServices(config, { clock: ctx.clock, warming: false });
    await other.priceFeed.loadMarkets();
    return other;
  }

  it('reprices every open position on the flushed markets in one transaction, and records the prices', async () => {
    const repo = new PositionRepository(s.db);
    const users = await Promise.all(['p1', 'p2', 'p3'].map((n) => s.users.create(n)));
    // Opened PRICE_IDLE_REPRICE_MS ago: positions without TP/SL are due for repricing.
    const now = ctx.clock.now() - s.config.priceIdleRepriceMs;
    for (let i = 0; i < 60; i++) {
      const u = users[i % 2]!.user; // p3 holds nothing on these markets
      const m = i % 3 === 0 ? spot : binaries[i % 2]!;
      const binary = m.kind === 'binary';
      await repo.insert(
        u.id,
        {
          venue: 'simulated',
          marketId: m.id,
          symbol: m.symbol,
          side: binary || i % 2 === 0 ? 'long' : 'short',
          outcome: binary ? (i % 4 === 1 ? 'No' : 'Yes') : null,
          outcomeIndex: binary ? (i % 4 === 1 ? 1 : 0) : null,
          size: d('3.5'),
          entryPrice: binary ? d('0.5') : d('60000'),
          takeProfit: null,
          stopLoss: null,
        },
        now,
      );
    }
    // A cached list for each user (as GET /positions leaves it); only p1's and p2's may be dropped.
    const key = (id: number) => `${id}:open:50:`;
    for (const u of users) {
      await s.cache.set('positions', key(u.user.id), { items: [] }, { tags: [positionsTag(u.user.id)] });
    }
    let transactions = 0;
    const original = s.db.transaction.bind(s.db);
    s.db.transaction = (fn) => {
      transactions++;
      return original(fn);
    };
    try {
      for (let i = 0; i < 500; i++) {
        s.priceFeed.ingest(ticks(spot, 61_000 + i));
        s.priceFeed.ingest(ticks(binaries[0]!, 0.6));
        s.priceFeed.ingest(ticks(binaries[1]!, 0.25 + i / 10_000));
      }
      await s.priceFeed.drain();
    } finally {
      s.db.transaction = original;
    }
    expect(transactions).toBe(1);
    const all = [
      ...(await repo.list(users[0]!.user.id, 'open', 100, null)),
      ...(await repo.list(users[1]!.user.id, 'open', 100, null)),
    ];
    expect(all).toHaveLength(60);
    const last: Record<string, Decimal> = {
      [spot.id]: d('61499'),
      [binaries[0]!.id]: d('0.6'),
      [binaries[1]!.id]: d('0.2999'),
    };
    for (const p of all) {
      const first = last[p.marketId]!;
      const price = p.outcomeIndex === 1 ? dec.sub(d('1'), first) : first;
      expect(p.currentPrice).toBe(price);
      const diff = dec.sub(price, p.entryPrice);
      expect(p.unrealizedPnl).toBe(dec.mul(p.side === 'long' ? diff : dec.neg(diff), p.size));
    }
    for (const [marketId, price] of Object.entries(last)) {
      expect((await repo.marketPrice('simulated', marketId))?.price).toBe(price);
    }
    expect(s.cache.peekHit('positions', key(users[0]!.user.id))).toBeUndefined();
    expect(s.cache.peekHit('positions', key(users[1]!.user.id))).toBeUndefined();
    expect(s.cache.peekHit('positions', key(users[2]!.user.id))).toBeDefined();
    const stats = s.priceFeed.stats();
    expect(stats.ticksReceived).toBeGreaterThanOrEqual(1500);
    expect(stats.ticksCoalesced).toBeGreaterThanOrEqual(1497);
    expect(stats.rowsUpdated).toBeGreaterThanOrEqual(60);
  });

  it("streams exactly the markets with open positions, and applies the venue's ticks", async () => {
    const venue = s.venue as SimulatedVenue;
    const feed = s.priceFeed;
    const repo = new PositionRepository(s.db);
    await s.db.run({ sql: "update positions set status = 'closed'", parameters: [] });
    expect(await feed.start()).toBe('stream');
    expect(venue.stats().activeSubscriptions).toBe(0); // nothing open, nothing streamed
    const { user } = await s.users.create('streamer');
    const m = binaries[2]!;
    const p = await repo.insert(
      user.id,
      {
        venue: 'simulated',
        marketId: m.id,
        symbol: m.symbol,
        side: 'long',
        outcome: 'Yes',
        outcomeIndex: 0,
        size: d('1'),
        entryPrice: d('0.123456'),
        takeProfit: null,
        stopLoss: null,
      },
      ctx.clock.now(),
    );
    feed.marketsChanged();
    await vi.waitFor(() => expect(venue.stats().activeSubscriptions).toBe(1));
    const before = venue.stats().ticksEmitted;
    ctx.clock.advance(1_000); // the venue's stream ticks, the coalescer flushes
    await feed.drain();
    expect(venue.stats().ticksEmitted - before).toBeGreaterThan(0);
    const after = await repo.findById(p.id);
    const last = (await venue.fetchTickers([m.symbol])).get(m.symbol)!.last;
    expect(after!.currentPrice).not.toBe('0.123456');
    expect(Math.abs(Number(after!.currentPrice) - last)).toBeLessThan(0.05);
    await s.db.run({ sql: `update positions set status = 'closed' where id = ${p.id}`, parameters: [] });
    feed.marketsChanged();
    await vi.waitFor(() => expect(venue.stats().activeSubscriptions).toBe(0));
  });

  it('reads negative PnL back as a canonical decimal (PostgreSQL keeps "-0.10")', async () => {
    const repo = new PositionRepository(s.db);
    const { user } = await s.users.create('loser');
    const m = binaries[1]!;
    const p = await repo.insert(
      user.id,
      {
        venue: 'simulated',
        marketId: m.id,
        symbol: m.symbol,
        side: 'long',
        outcome: 'Yes',
        outcomeIndex: 0,
        size: d('2'),
        entryPrice: d('0.5'),
        takeProfit: null,
        stopLoss: null,
      },
      ctx.clock.now() - s.config.priceIdleRepriceMs,
    );
    s.priceFeed.ingest(ticks(m, 0.45));
    await s.priceFeed.drain();
    const after = (await repo.findById(p.id))!;
    expect(after).toMatchObject({ currentPrice: '0.45', unrealizedPnl: '-0.1' });
    const listed = await repo.list(user.id, 'open', 10, null);
    expect(listed[0]).toMatchObject({ unrealizedPnl: '-0.1' });
  });

  it('reprices armed positions on every flush, the others at most every PRICE_IDLE_REPRICE_MS', async () => {
    const repo = new PositionRepository(s.db);
    const { user } = await s.users.create('idle');
    const m = binaries[2]!;
    const open = (takeProfit: Decimal | null) =>
      repo.insert(user.id, yesAtHalf(m, takeProfit), ctx.clock.now());
    const armed = await open(d('0.99'));
    const idle = await open(null);
    const priceOf = async (id: number) => (await repo.findById(id))!.currentPrice;

    s.priceFeed.ingest(ticks(m, 0.41));
    await s.priceFeed.drain();
    expect(await priceOf(armed.id)).toBe('0.41');
    expect(await priceOf(idle.id)).toBe('0.5'); // repriced less than PRICE_IDLE_REPRICE_MS ago (opened now)

    ctx.clock.advance(s.config.priceIdleRepriceMs);
    s.priceFeed.ingest(ticks(m, 0.42));
    await s.priceFeed.drain();
    expect(await priceOf(armed.id)).toBe('0.42');
    expect(await priceOf(idle.id)).toBe('0.42');
    expect((await repo.findById(idle.id))!.unrealizedPnl).toBe('-0.08');

    s.priceFeed.ingest(ticks(m, 0.43));
    await s.priceFeed.drain();
    expect(await priceOf(armed.id)).toBe('0.43');
    expect(await priceOf(idle.id)).toBe('0.42');
    // The market's own price is always the latest.
    expect((await repo.marketPrice('simulated', m.id))?.price).toBe('0.43');

    // The market goes quiet: a whole interval later, its last price reaches the idle position too.
    ctx.clock.advance(s.config.priceIdleRepriceMs);
    await s.priceFeed.drain();
    expect(await priceOf(idle.id)).toBe('0.43');
    expect((await repo.findById(idle.id))!.unrealizedPnl).toBe('-0.07');

    // Pausing (a lease moving, a shutdown) leaves every position at its market's last price.
    s.priceFeed.ingest(ticks(m, 0.44));
    await s.priceFeed.drain();
    expect(await priceOf(idle.id)).toBe('0.43');
    await s.priceFeed.pause();
    expect(await priceOf(idle.id)).toBe('0.44');
    expect(await priceOf(armed.id)).toBe('0.44');
  });

  it('reprices a book of idle positions opened at once a slice per flush, each once an interval', async () => {
    const repo = new PositionRepository(s.db);
    const { user } = await s.users.create('idle-book');
    const m = binaries[1]!;
    const interval = s.priceFeed.stats().idleRepriceMs;
    // A position's turn is its id modulo the interval (ms): a book of one id per millisecond of it.
    const BOOK = interval;
    const opened = ctx.clock.now();
    await s.db.transaction(async (tx) => {
      for (let i = 0; i < BOOK; i++) await repo.insert(user.id, yesAtHalf(m, null), opened, tx);
    });
    const perFlush: number[] = [];
    // Ten flushes a tenth of an interval apart, each at a new price: one whole interval.
    for (let k = 1; k <= 10; k++) {
      ctx.clock.advance(interval / 10);
      const price = (30 + k) / 100;
      s.priceFeed.ingest(ticks(m, price));
      await s.priceFeed.drain();
      const row = await s.db.first<{ n: number | string }>({
        sql: `select count(*) as n from positions where user_id = ${user.id} and current_price = '${price}'`,
        parameters: [],
      });
      perFlush.push(Number(row?.n));
    }
    // Each position was repriced exactly once in the interval (it kept the price of its turn) ...
    expect(perFlush.reduce((a, b) => a + b, 0)).toBe(BOOK);
    // ... and no flush took more than a fair share (a tenth): not the whole book in one flush.
    expect(Math.max(...perFlush)).toBeLessThanOrEqual(BOOK / 5);
  });

  it('watches a position armed after an idle reprice from the next flush', async () => {
    const repo = new PositionRepository(s.db);
    const { user } = await s.users.create('armed-later');
    const m = binaries[0]!;
    const interval = s.priceFeed.stats().idleRepriceMs;
    const p = await repo.insert(user.id, yesAtHalf(m, null), ctx.clock.now() - interval);
    // Idle: repriced at its turn, which sets its next one an interval away at most.
    s.priceFeed.ingest(ticks(m, 0.52));
    await s.priceFeed.drain();
    const idle = (await repo.findById(p.id))!;
    expect(idle.currentPrice).toBe('0.52');
    const turn = await s.db.first<{ at: number | string }>({
      sql: `select reprice_at as at from positions where id = ${p.id}`,
      parameters: [],
    });
    expect(Number(turn?.at)).toBeGreaterThan(ctx.clock.now());
    // Armed with a take profit at 0.6, then the price reaches it at once, long before that turn.
    await repo.setTpSl(p.id, user.id, d('0.6'), null, idle.version, ctx.clock.now());
    s.priceFeed.ingest(ticks(m, 0.61));
    await s.priceFeed.drain();
    expect(await repo.findById(p.id)).toMatchObject({ status: 'closed', closeReason: 'take_profit' });
  });

  it('drops ticks that are not prices instead of failing the flush', async () => {
    const before = s.priceFeed.stats().ticksDropped;
    s.priceFeed.ingest([
      { symbol: 'NOPE/USDT', ts: 0, last: 1 },
      { symbol: spot.symbol, ts: 0, last: Number.NaN },
      { symbol: spot.symbol, ts: 0, last: -1 },
      { symbol: binaries[0]!.symbol, ts: 0, last: 1.5 },
    ]);
    await s.priceFeed.drain();
    expect(s.priceFeed.stats().ticksDropped - before).toBe(4);
    expect(s.priceFeed.stats().failedFlushes).toBe(0);
  });

  /**
   * Another feed flushing the same ticks at the same time. On PostgreSQL it is
   * a second instance with its own connections; SQLite has one writer per file
   * (instances in one process would wait on each other's locks synchronously),
   * so there it is a second feed on the same database.
   */
  async function concurrentFeed(inst: Services, other: Services): Promise<PriceFeed> {
    if (target.name === 'postgres') return other.priceFeed;
    const feed = new PriceFeed({
      db: inst.db,
      repo: new PositionRepository(inst.db),
      marketData: inst.marketData,
      cache: inst.cache,
      clock: ctx.clock,
      updates: inst.updates,
      onClosed: () => {},
    });
    await feed.loadMarkets();
    return feed;
  }

  it('fires TP/SL exactly once over random ticks, concurrent instances, racing closes and restarts', async () => {
    const other = await secondInstance();
    let feedA = s;
    let run = 0;
    const price = fc.integer({ min: 1, max: 99 }).map((c) => c / 100);
    const step = fc.record({
      ticks: fc.array(fc.record({ m: fc.integer({ min: 0, max: 2 }), price }), {
        minLength: 1,
        maxLength: 5,
      }),
      concurrent: fc.boolean(),
      race: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      restart: fc.boolean(),
    });
    const level = fc.record({
      tp: fc.option(fc.integer({ min: 51, max: 99 }), { nil: null }),
      sl: fc.option(fc.integer({ min: 1, max: 49 }), { nil: null }),
    });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(level, { minLength: 6, maxLength: 6 }),
          fc.array(step, { maxLength: 8 }),
          async (levels, steps) => {
            run++;
            const repo = new PositionRepository(s.db);
            const { user } = await s.users.create(`prop${run}`);
            const ids: number[] = [];
            const model: {
              market: number;
              index: number;
              tp: Decimal | null;
              sl: Decimal | null;
              closed?: { reason: string; price: Decimal } | 'raced';
            }[] = [];
            for (let i = 0; i < 6; i++) {
              const m = binaries[i % 3]!;
              const index = i < 3 ? 0 : 1;
              const tp = levels[i]!.tp === null ? null : d(String(levels[i]!.tp! / 100));
              const sl = levels[i]!.sl === null ? null : d(String(levels[i]!.sl! / 100));
              const p = await repo.insert(
                user.id,
                {
                  venue: 'simulated',
                  marketId: m.id,
                  symbol: m.symbol,
                  side: 'long',
                  outcome: index === 0 ? 'Yes' : 'No',
                  outcomeIndex: index,
                  size: d('10'),
                  entryPrice: d('0.5'),
                  takeProfit: tp,
                  stopLoss: sl,
                },
                ctx.clock.now(),
              );
              ids.push(p.id);
              model.push({ market: i % 3, index, tp, sl });
            }
            // Every market starts the run at 0.5, the entry price (not a crossing for anyone).
            for (const m of binaries) feedA.priceFeed.ingest(ticks(m, 0.5));
            await feedA.priceFeed.drain();
            for (const st of steps) {
              const twin = await concurrentFeed(feedA, other);
              const lastPrice = new Map<number, number>();
              for (const t of st.ticks) {
                lastPrice.set(t.m, t.price);
                feedA.priceFeed.ingest(ticks(binaries[t.m]!, t.price));
                if (st.concurrent) twin.ingest(ticks(binaries[t.m]!, t.price));
              }
              const flushes: Promise<unknown>[] = [feedA.priceFeed.drain()];
              if (st.concurrent) flushes.push(twin.drain());
              if (st.race !== undefined) {
                const id = ids[st.race]!;
                const live = new PositionRepository(feedA.db);
                flushes.push(
                  feedA.db.transaction((tx) =>
                    live.close(id, 'manual', d('0.5'), d('0'), d('0'), ctx.clock.now(), tx),
                  ),
                );
                if (model[st.race]!.closed === undefined) model[st.race]!.closed = 'raced';
              }
              await Promise.all(flushes);
              for (const pm of model) {
                const first = lastPrice.get(pm.market);
                if (pm.closed !== undefined || first === undefined) continue;
                const px = pm.index === 1 ? dec.sub(d('1'), d(String(first))) : d(String(first));
                if (pm.tp !== null && dec.cmp(px, pm.tp) >= 0)
                  pm.closed = { reason: 'take_profit', price: px };
                else if (pm.sl !== null && dec.cmp(px, pm.sl) <= 0)
                  pm.closed = { reason: 'stop_loss', price: px };
              }
              if (st.restart) {
                // A restart: the instance's process goes away; the database is all that remains.
                if (feedA !== s) await feedA.close();
                feedA = await secondInstance();
              }
            }
            const events = await s.db.all<{ position_id: number; kind: string }>({
              sql: `select position_id, kind from position_events where user_id = ${Number(user.id)}`,
              parameters: [],
            });
            for (let i = 0; i < 6; i++) {
              const p = (await repo.findById(ids[i]!))!;
              const mine = events.filter((e) => Number(e.position_id) === p.id);
              const want = model[i]!.closed;
              if (want === undefined) {
                expect(p.status).toBe('open');
                expect(mine).toHaveLength(0);
                continue;
              }
              expect(p.status).toBe('closed');
              expect(mine).toHaveLength(1);
              expect(mine[0]!.kind).toBe(p.closeReason);
              if (want !== 'raced') {
                expect(p.closeReason).toBe(want.reason);
                expect(p.closePrice).toBe(want.price);
                expect(p.realizedPnl).toBe(dec.mul(dec.sub(want.price, d('0.5')), d('10')));
              }
            }
          },
        ),
        { numRuns: 25 },
      );
    } finally {
      if (feedA !== s) await feedA.close();
      await other.close();
    }
  });
});
