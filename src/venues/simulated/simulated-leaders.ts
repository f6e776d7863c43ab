/**
 * The `simulated` leader source, the offline default: a seeded population of
 * leaders (momentum, mean reversion, scalper, whale, noise) trading the
 * simulated venue's spot pairs and binary markets on the clock, at the
 * venue model's prices. Same seed, same leaders, same trades, whether they
 * are read with `tradesAfter` at any time or pushed as they happen. Nothing
 * is precomputed: each leader's trades are generated slot by slot
 * (`leader-trade-stream.ts`), O(1) per trade.
 */
import type { Clock } from '../../domain/clock.js';
import { type Decimal, dec, decimal } from '../../domain/decimal.js';
import { ValidationError } from '../../domain/errors.js';
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
import type { Unsubscribe } from '../types.js';
import { buildProfile, type LeaderProfile, leaderIndex, marketPools } from './leader-population.js';
import { type LeaderSample, meanTradeIntervalMs, sampleLeader, statsOver } from './leader-stats.js';
import { LeaderTradeStream, type PriceAt } from './leader-trade-stream.js';
import type { SimulatedVenue } from './simulated-venue.js';

/** Options of the simulated leaders; every one has a default. */
export interface SimulatedLeadersOptions {
  /** Names the population and every trade (the venue's own seed names the prices). @default 1 */
  seed?: number;
  /** Leaders in the population; styles rotate, so each style gets a fifth. @default 60 */
  leaderCount?: number;
  /**
   * Mean time between two trades of one leader, ms, averaged over the styles
   * (scalpers trade about 3x as often, whales about a third). The whole
   * population makes about `leaderCount / meanIntervalMs` trades per ms:
   * 2,000 leaders at 10,000 ms is 200 trades/s. @default 30_000
   */
  meanIntervalMs?: number;
}

/** What the leaders need of the venue: its instruments and its model's prices. */
export type LeaderPriceVenue = Pick<SimulatedVenue, 'priceOf' | 'instrumentSymbols'>;

const ADDRESS_FORM = 'a simulated leader id like "sim-momentum-3" (see GET /api/v1/leaders?source=simulated)';
const CURSOR = /^sim:(-?\d{1,16})$/;
const WINDOW_MS: Readonly<Record<LeaderWindow, number>> = { '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };
const MAX_LOOKBACK_MS = 30 * 86_400_000;
const MINUTE_MS = 60_000;

interface PushState {
  stream: LeaderTradeStream;
  listeners: Set<(t: LeaderTrade) => void>;
  cancel: () => void;
}

/** `sim:<ms>`: every trade at or before that instant has been read. */
function encodeCursor(ts: number): SourceCursor {
  return `sim:${ts}`;
}

function decodeCursor(cursor: SourceCursor): number {
  const m = CURSOR.exec(cursor);
  if (!m)
    throw new ValidationError(
      `cursor ${JSON.stringify(cursor.slice(0, 40))} is not a simulated-leaders cursor`,
    );
  return Number(m[1]);
}

const byDecimalDesc = (a: Decimal, b: Decimal): number => dec.cmp(b, a);
const SORTS: Readonly<Record<LeaderSort, (a: LeaderStats, b: LeaderStats) => number>> = {
  pnl: (a, b) => byDecimalDesc(a.pnl, b.pnl),
  volume: (a, b) => byDecimalDesc(a.volume, b.volume),
  trades: (a, b) => b.trades - a.trades,
  winRate: (a, b) => (b.winRate ?? -1) - (a.winRate ?? -1),
};

/**
 * Seeded leaders that trade on the clock.
 *
 * @example
 * const clock = new ManualClock(Date.UTC(2025, 0, 1));
 * const venue = new SimulatedVenue(clock, { seed: 7 });
 * const leaders = new SimulatedLeaders(clock, venue, { seed: 7 });
 * const cursor = await leaders.currentCursor('sim-scalper-1');
 * clock.advance(60_000);
 * const { trades } = await leaders.tradesAfter('sim-scalper-1', cursor, 100); // its trades of that minute
 */
export class SimulatedLeaders implements LeaderSource {
  readonly capabilities: LeaderSourceCapabilities = {
    id: 'simulated',
    push: true,
    pollIntervalMs: 1000,
    maxPageSize: 500,
    addressForm: ADDRESS_FORM,
  };
  private readonly profiles: LeaderProfile[] = [];
  private readonly priceAt: PriceAt;
  private readonly pushes = new Map<number, PushState>();
  private readonly readers = new Map<number, LeaderTradeStream>();
  /** Each leader's stats sample, for the current clock minute. */
  private readonly samples = new Map<number, { minute: number; sample: LeaderSample }>();

  constructor(
    private readonly clock: Clock,
    venue: LeaderPriceVenue,
    opts: SimulatedLeadersOptions = {},
  ) {
    const count = opts.leaderCount ?? 60;
    const interval = opts.meanIntervalMs ?? 30_000;
    if (!Number.isInteger(count) || count < 1) throw new RangeError('leaderCount must be a positive integer');
    if (!(interval > 0)) throw new RangeError('meanIntervalMs must be positive');
    const pools = marketPools({
      spot: venue.instrumentSymbols('spot'),
      binary: venue.instrumentSymbols('binary'),
    });
    for (let i = 0; i < count; i++) this.profiles.push(buildProfile(opts.seed ?? 1, i, interval, pools));
    this.priceAt = (symbol, ts) => venue.priceOf(symbol, ts);
  }

  addressProblem(address: string): string | null {
    return this.profile(address)
      ? null
      : `must be ${ADDRESS_FORM}, got ${JSON.stringify(address.slice(0, 60))}`;
  }

  async currentCursor(_address: string): Promise<SourceCursor> {
    return encodeCursor(this.clock.now());
  }

  cursorAt(_address: string, ts: number): SourceCursor {
    return encodeCursor(Math.floor(ts) - 1);
  }

  async tradesAfter(address: string, cursor: SourceCursor, limit: number): Promise<TradesPage> {
    const after = decodeCursor(cursor);
    const p = this.profile(address);
    const max = Math.min(Math.floor(limit), this.capabilities.maxPageSize);
    if (!p || !(max >= 1)) return { trades: [], cursor };
    const now = this.clock.now();
    const stream = this.reader(p, after);
    const trades: LeaderTrade[] = [];
    while (trades.length < max && stream.nextTime() <= now) trades.push(stream.take(true));
    if (trades.length < max) stream.skipTo(now);
    const last = trades[trades.length - 1];
    return { trades, cursor: last ? encodeCursor(last.ts) : cursor };
  }

  /**
   * Calls `onTrade` with each trade of `address` when the clock reaches it.
   * One timer per subscribed leader, however many listeners; a listener that
   * throws does not stop the others (the watcher reads through `tradesAfter`).
   */
  subscribe(address: string, onTrade: (t: LeaderTrade) => void): Unsubscribe {
    const p = this.profile(address);
    if (!p) return () => {};
    let push = this.pushes.get(p.index);
    if (!push) {
      push = {
        stream: new LeaderTradeStream(p, this.priceAt, this.clock.now()),
        listeners: new Set(),
        cancel: () => {},
      };
      this.pushes.set(p.index, push);
      this.schedule(p.index, push);
    }
    const listener = (t: LeaderTrade) => onTrade(t);
    push.listeners.add(listener);
    const state = push;
    return () => {
      state.listeners.delete(listener);
      if (state.listeners.size === 0 && this.pushes.get(p.index) === state) {
        state.cancel();
        this.pushes.delete(p.index);
      }
    };
  }

  async leaders(opts: { sort: LeaderSort; window: LeaderWindow; limit: number }): Promise<LeaderStats[]> {
    const all = this.profiles.map((p) => this.stats(p, opts.window));
    const sort = SORTS[opts.sort];
    all.sort((a, b) => sort(a, b) || (a.address < b.address ? -1 : 1));
    return all.slice(0, Math.max(0, Math.floor(opts.limit)));
  }

  async recentTrades(address: string, opts: RecentTradesQuery): Promise<LeaderTrade[]> {
    const p = this.profile(address);
    const limit = Math.min(Math.floor(opts.limit), this.capabilities.maxPageSize);
    if (!p || !(limit >= 1)) return [];
    // The newest trade this page may hold: now, or just before `before`.
    const now = Math.min(
      this.clock.now(),
      opts.before === undefined ? Number.POSITIVE_INFINITY : opts.before - 1,
    );
    const floor = opts.since !== undefined ? opts.since - 1 : now - MAX_LOOKBACK_MS;
    let span = 2 * limit * meanTradeIntervalMs(p) + p.slotMs * p.lanes * p.episodeSlots;
    for (;;) {
      const from = Math.max(floor, now - span);
      const ring: LeaderTrade[] = [];
      const stream = new LeaderTradeStream(p, this.priceAt, from);
      let n = 0;
      while (stream.nextTime() <= now) ring[n++ % limit] = stream.take(true);
      if (n >= limit || from <= floor) {
        const out: LeaderTrade[] = [];
        for (let i = n - 1; i >= Math.max(0, n - limit); i--) out.push(ring[i % limit]!);
        return out;
      }
      span *= 4;
    }
  }

  /** Starting capital of the leader (by style; whales hold millions) plus its 7-day PnL, never below a quarter of it. */
  async equity(address: string): Promise<Decimal | null> {
    const p = this.profile(address);
    if (!p) return null;
    const capital = decimal(String(p.capital));
    const equity = dec.add(capital, this.stats(p, '7d').pnl);
    const floor = decimal(String(Math.round(p.capital / 4)));
    return dec.cmp(equity, floor) < 0 ? floor : equity;
  }

  /**
   * When the leader's next `n` trades will happen, from now: for tests,
   * demos and benchmarks that advance a ManualClock to exactly the next trades.
   */
  upcomingTradeTimes(address: string, n: number): number[] {
    const p = this.profile(address);
    if (!p) return [];
    const stream = new LeaderTradeStream(p, this.priceAt, this.clock.now());
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      out.push(stream.nextTime());
      stream.take(false);
    }
    return out;
  }

  /** Every leader id, in population order (styles rotate). */
  addresses(): string[] {
    return this.profiles.map((p) => p.id);
  }

  async close(): Promise<void> {
    for (const push of this.pushes.values()) push.cancel();
    this.pushes.clear();
  }

  private profile(address: string): LeaderProfile | undefined {
    const i = leaderIndex(address);
    return i >= 0 ? this.profiles[i] : undefined;
  }

  /**
   * A stream positioned after `after`: the one the last read of this leader
   * left off (a watcher reading on from its cursor costs O(new trades)),
   * else a new one, which replays at most one episode.
   */
  private reader(p: LeaderProfile, after: number): LeaderTradeStream {
    const cached = this.readers.get(p.index);
    let stream: LeaderTradeStream;
    if (
      cached &&
      cached.readsAfter <= after &&
      after - cached.position <= p.slotMs * p.lanes * p.episodeSlots
    ) {
      cached.skipTo(after);
      stream = cached;
    } else stream = new LeaderTradeStream(p, this.priceAt, after);
    this.readers.set(p.index, stream);
    return stream;
  }

  private stats(p: LeaderProfile, window: LeaderWindow): LeaderStats {
    const now = this.clock.now();
    const minute = Math.floor(now / MINUTE_MS);
    let hit = this.samples.get(p.index);
    if (!hit || hit.minute !== minute) {
      hit = { minute, sample: sampleLeader(p, this.priceAt, now, WINDOW_MS['7d']) };
      this.samples.set(p.index, hit);
    }
    return statsOver(p, hit.sample, WINDOW_MS[window]);
  }

  private schedule(index: number, push: PushState): void {
    const at = push.stream.nextTime();
    push.cancel = this.clock.setTimer(Math.max(0, at - this.clock.now()), () => {
      const now = this.clock.now();
      while (push.listeners.size > 0 && push.stream.nextTime() <= now) {
        const trade = push.stream.take(true);
        for (const listener of push.listeners) {
          try {
            listener(trade);
          } catch {
            // A failing listener must not stop the others or the stream.
          }
        }
      }
      if (this.pushes.get(index) === push) this.schedule(index, push);
    });
  }
}

export { LEADER_STYLES, type LeaderStyle } from './leader-population.js';
