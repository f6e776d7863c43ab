/**
 * The streamed set follows the open positions whatever the reads do: a
 * resubscription that never answers is given up and a fresh one streams the
 * markets, and one that answers after the feed stopped leaves no stream
 * behind (an instance that lost the price-stream lease must stop streaming).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Services } from '../../src/container.js';
import { decimal as d } from '../../src/domain/decimal.js';
import type { Market } from '../../src/domain/market.js';
import type { MarketData } from '../../src/marketdata/market-data.js';
import { PriceFeed } from '../../src/positions/price-feed.js';
import { PositionRepository } from '../../src/store/position-repository.js';
import type { SimulatedVenue } from '../../src/venues/simulated/simulated-venue.js';
import { databaseTargets } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';

describe.each(await databaseTargets())('price feed resubscriptions on $name', (target) => {
  let ctx: TestContext;
  let s: Services;
  let repo: PositionRepository;
  let venue: SimulatedVenue;
  let markets: Market[];
  let feed: PriceFeed | undefined;
  let opened = 0;

  beforeAll(async () => {
    ctx = await testServices(target);
    s = ctx.services;
    repo = new PositionRepository(s.db);
    venue = s.venue as SimulatedVenue;
    markets = (await venue.fetchMarkets()).filter((m) => m.kind === 'spot').slice(0, 2);
  });
  afterEach(async () => {
    await feed?.stop();
    feed = undefined;
    await s.db.run({ sql: "update positions set status = 'closed'", parameters: [] });
  });
  afterAll(() => ctx.close());

  const open = async (m: Market) => {
    const { user } = await s.users.create(`follow_${++opened}`);
    await repo.insert(
      user.id,
      {
        venue: 'simulated',
        marketId: m.id,
        symbol: m.symbol,
        side: 'long',
        outcome: null,
        outcomeIndex: null,
        size: d('1'),
        entryPrice: d('100'),
        takeProfit: null,
        stopLoss: null,
      },
      ctx.clock.now(),
    );
  };

  const makeFeed = (o: {
    repo?: PositionRepository;
    marketData?: MarketData;
    followStallMs?: number;
    onError?: (err: unknown) => void;
  }) =>
    new PriceFeed({
      db: s.db,
      repo: o.repo ?? repo,
      marketData: o.marketData ?? s.marketData,
      cache: s.cache,
      clock: ctx.clock,
      updates: s.updates,
      onClosed: () => {},
      ...(o.followStallMs !== undefined ? { followStallMs: o.followStallMs } : {}),
      ...(o.onError ? { onError: o.onError } : {}),
    });

  it('gives up a resubscription that never answers and streams the open markets with a fresh one', async () => {
    // The second read of the open markets (the first after start) never settles.
    let reads = 0;
    const hanging = Object.create(repo) as PositionRepository;
    hanging.openMarkets = (venueId) => (++reads === 2 ? new Promise(() => {}) : repo.openMarkets(venueId));
    const errors: unknown[] = [];
    feed = makeFeed({ repo: hanging, followStallMs: 200, onError: (err) => errors.push(err) });
    expect(await feed.start()).toBe('stream');
    const subscriptions = venue.stats().activeSubscriptions;
    await open(markets[0]!);
    feed.marketsChanged(); // hangs
    await vi.waitFor(() => expect(reads).toBe(2));
    feed.marketsChanged(); // folded into the one in flight
    expect(reads).toBe(2);
    await new Promise((r) => setTimeout(r, 250));
    feed.marketsChanged(); // the one in flight is stalled: a fresh read
    await vi.waitFor(() => expect(feed!.stats().streamedMarkets).toBe(1));
    expect(venue.stats().activeSubscriptions).toBe(subscriptions + 1);
    expect(feed.stats().followsAbandoned).toBe(1);
    expect(String(errors[0])).toMatch(/resubscription gave no answer in 200 ms/);
  });

  it('leaves no stream behind when a resubscription answers after the feed stopped', async () => {
    // The listing read (the first time something is open) waits until released.
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let listingAsked = false;
    const gated = Object.create(s.marketData) as MarketData;
    gated.markets = async (limit, cursor) => {
      listingAsked = true;
      await gate;
      return s.marketData.markets(limit, cursor);
    };
    feed = makeFeed({ marketData: gated });
    const subscriptions = venue.stats().activeSubscriptions;
    expect(await feed.start()).toBe('stream');
    await open(markets[1]!);
    feed.marketsChanged();
    await vi.waitFor(() => expect(listingAsked).toBe(true));
    const paused = feed.pause(); // as when the lease is lost
    release();
    await paused;
    expect(venue.stats().activeSubscriptions).toBe(subscriptions);
    expect(feed.stats().streamedMarkets).toBe(0);
    // Taken again: the open market is streamed once.
    expect(await feed.start()).toBe('stream');
    expect(venue.stats().activeSubscriptions).toBe(subscriptions + 1);
    expect(feed.stats().streamedMarkets).toBe(1);
  });
});
