/**
 * Sustained ticks from the simulated venue's stream into 10,000 open
 * positions held by 1,000 users, through the real price feed (per-market
 * debounce/throttle, one transaction per flush, TP/SL checks, per-user cache
 * invalidation). Reports ticks ingested per second against >= 20,000, write
 * transactions per second against <= 20, the time from a market's oldest
 * unflushed tick to the commit that wrote it (p99 <= delay + 50 ms), and
 * checks that the last tick of every market is what the database holds.
 */

import { buildServices } from '../src/container.js';
import { systemClock } from '../src/domain/clock.js';
import { DECIMAL_ONE, dec, decimal } from '../src/domain/decimal.js';
import type { Ticker } from '../src/domain/market.js';
import { priceDecimal } from '../src/domain/position.js';
import { canonicalAmount } from '../src/store/amounts.js';
import { PositionRepository } from '../src/store/position-repository.js';
import { SimulatedVenue } from '../src/venues/simulated/simulated-venue.js';
import type { Benchmark } from './lib/context.js';
import { benchConfig } from './lib/fixtures.js';
import { result } from './lib/result.js';
import { formatNumber } from './lib/stats.js';

const SIZE = decimal('2');
const BINARY_ENTRY = decimal('0.5');
const SPOT_ENTRY = decimal('100');

const USERS = 1_000;
const PER_USER = 10;
const DELAY_MS = 100;
const MAX_RATE = 10;
const DURATION_MS = 10_000;
const STREAM_INTERVAL_MS = 10;
const MIN_TICKS_PER_SEC = 20_000;
const MAX_TX_PER_SEC = 20;

export const priceStream: Benchmark = {
  name: 'price-stream',
  async run(ctx) {
    // 400 markets, each ticking every 10 ms: 40,000 ticks a second offered.
    const venue = new SimulatedVenue(systemClock, { seed: 5, stream: { intervalMs: STREAM_INTERVAL_MS } });
    const s = await buildServices(
      benchConfig(ctx.tempDir('price-stream'), {
        priceStreamDelayMs: DELAY_MS,
        priceStreamMaxRate: MAX_RATE,
      }),
      { venue, warming: false },
    );
    ctx.defer(() => s.close());
    const markets = (await s.marketData.markets(1000, null)).items;
    ctx.log(`seeding ${USERS * PER_USER} open positions over ${USERS} users and ${markets.length} markets`);
    const repo = new PositionRepository(s.db);
    const now = Date.now();
    const users = await Promise.all(Array.from({ length: USERS }, (_, u) => s.users.create(`user${u}`)));
    await s.db.transaction(async (tx) => {
      for (const [u, { user }] of users.entries()) {
        for (let k = 0; k < PER_USER; k++) {
          const m = markets[(u * PER_USER + k) % markets.length]!;
          const binary = m.kind === 'binary';
          await repo.insert(
            user.id,
            {
              venue: venue.capabilities.id,
              marketId: m.id,
              symbol: m.symbol,
              side: binary || k % 2 === 0 ? 'long' : 'short',
              outcome: binary ? (k % 2 === 0 ? 'Yes' : 'No') : null,
              outcomeIndex: binary ? k % 2 : null,
              size: SIZE,
              entryPrice: binary ? BINARY_ENTRY : SPOT_ENTRY,
              takeProfit: null,
              stopLoss: null,
            },
            now,
            tx,
          );
        }
      }
    });

    // Remember the last tick of every market as the feed receives it.
    const last = new Map<string, Ticker>();
    const feed = s.priceFeed;
    const ingest = feed.ingest.bind(feed);
    feed.ingest = (ticks) => {
      for (const t of ticks) last.set(t.symbol, t);
      ingest(ticks);
    };
    const rss0 = process.memoryUsage().rss;
    const before = feed.stats();
    ctx.log(`streaming for ${DURATION_MS / 1000} s`);
    const t0 = performance.now();
    await s.startBackground();
    let rssPeak = rss0;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 250);
    await new Promise((r) => setTimeout(r, DURATION_MS));
    await feed.stop();
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const st = feed.stats();
    const ticksPerSec = (st.ticksReceived - before.ticksReceived) / seconds;
    const txPerSec = (st.flushes - before.flushes) / seconds;

    // Every market's last tick is what the database holds, and every position on it is priced by it.
    let wrongMarkets = 0;
    let wrongPositions = 0;
    const bySymbol = new Map(markets.map((m) => [m.symbol, m]));
    const rows = await s.db.all<{ market_id: string; price: string }>({
      sql: 'select market_id, price from market_prices',
      parameters: [],
    });
    const stored = new Map(rows.map((r) => [r.market_id, canonicalAmount(r.price)]));
    for (const [symbol, t] of last) {
      const m = bySymbol.get(symbol)!;
      if (stored.get(m.id) !== priceDecimal(t.last)) wrongMarkets++;
    }
    const positions = await s.db.all<{
      market_id: string;
      outcome_index: number | null;
      current_price: string;
    }>({
      sql: "select market_id, outcome_index, current_price from positions where status = 'open'",
      parameters: [],
    });
    for (const p of positions) {
      const first = stored.get(p.market_id);
      const want =
        first === undefined ? undefined : p.outcome_index === 1 ? dec.sub(DECIMAL_ONE, first) : first;
      if (String(p.current_price) !== want) wrongPositions++;
    }
    const persisted = wrongMarkets === 0 && wrongPositions === 0 && last.size === markets.length;
    const lat = st.tickToFlushMs;
    const common = [
      `${formatNumber(ticksPerSec)} ticks/s received over ${seconds.toFixed(1)} s (${formatNumber(st.ticksReceived)} ticks, ${formatNumber(st.ticksCoalesced)} coalesced), ${st.flushes} flushes = write transactions, ${formatNumber(st.rowsUpdated)} position rows repriced, ${st.failedFlushes} failed flushes`,
      `${USERS * PER_USER} open positions, ${USERS} users, ${markets.length} markets ticking every ${STREAM_INTERVAL_MS} ms; PRICE_STREAM_DELAY_MS=${DELAY_MS}, PRICE_STREAM_MAX_RATE=${MAX_RATE}`,
      `${persisted ? '' : 'CHECK FAILED: '}last tick of every market persisted: ${last.size - wrongMarkets} of ${markets.length} markets, ${positions.length - wrongPositions} of ${positions.length} positions priced by it`,
      `RSS ${(rss0 / 2 ** 20).toFixed(0)} MiB before, peak ${(rssPeak / 2 ** 20).toFixed(0)} MiB while streaming`,
    ];
    return [
      result({
        name: 'price-stream-ticks',
        value: ticksPerSec,
        unit: 'ticks/s',
        target: `>= ${formatNumber(MIN_TICKS_PER_SEC)} ticks/s with <= ${MAX_TX_PER_SEC} write tx/s`,
        reference: { name: 'write transactions', value: txPerSec, unit: 'tx/s' },
        pass:
          ticksPerSec >= MIN_TICKS_PER_SEC &&
          txPerSec <= MAX_TX_PER_SEC &&
          persisted &&
          st.failedFlushes === 0,
        notes: common,
      }),
      result({
        name: 'price-stream-latency',
        value: lat.p99,
        unit: 'ms p99',
        target: `p99 <= delay + 50 ms = ${DELAY_MS + 50} ms`,
        pass: lat.count > 0 && lat.p99 <= DELAY_MS + 50,
        notes: [
          `oldest unflushed tick of a market -> commit of the flush that wrote it: p50 ${lat.p50.toFixed(0)} ms, p99 ${lat.p99.toFixed(0)} ms over the last ${Math.min(lat.count, 4096)} of ${lat.count} market writes`,
          ...common.slice(1, 2),
        ],
      }),
    ];
  },
};
