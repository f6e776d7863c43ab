/**
 * One simulated leader's trades, generated slot by slot. Time is cut into
 * slots of `slotMs` from the leader's phase; slot k belongs to lane k mod
 * lanes, and each lane trades one market at a time in episodes of
 * `episodeSlots` lane-slots that start and end flat (the last slot of an
 * episode sells whatever is left). So a trade is a pure function of
 * (seed, leader, slot) and the lane's holding since its episode began:
 * starting anywhere replays at most one episode, then each trade costs O(1).
 * A lane only sells what it holds, a fraction of it or all of it.
 */
import type { Decimal } from '../../domain/decimal.js';
import { hash2, Rng } from '../../lib/random.js';
import type { LeaderTrade } from '../leader-source.js';
import type { LaneMarket, LeaderProfile } from './leader-population.js';
import { SLOT_TRADE_PROBABILITY } from './leader-population.js';

/** The model price of a market at a time (binary: the "Yes" probability). */
export type PriceAt = (symbol: string, ts: number) => number;

/** Sizes are kept as integer micro-units, so holdings and sells are exact. */
const MICRO = 1_000_000;
const EPISODE_SALT = 0x3e915;

interface LaneState {
  episode: number;
  market: LaneMarket;
  outcome: 0 | 1 | null;
  /** Held size, micro-units. */
  hold: number;
  /** Quote paid for `hold` (float, for the average entry only). */
  cost: number;
  lastPrice: number;
  buys: number;
}

const floorDiv = (a: number, b: number): number => Math.floor(a / b);

/** Canonical text of a non-negative count of micro-units. */
export function microText(micro: number): Decimal {
  const int = Math.floor(micro / MICRO);
  const frac = micro - int * MICRO;
  // Built digit by digit as canonical text: the cast is the one place this module makes a Decimal.
  if (frac === 0) return String(int) as Decimal;
  return `${int}.${String(frac).padStart(6, '0').replace(/0+$/, '')}` as Decimal;
}

/** Canonical text of a positive price, 8 significant digits. */
export function priceText(p: number): Decimal {
  const s = p.toPrecision(8);
  const text = s.includes('e') ? Number(s).toFixed(18) : s;
  if (!text.includes('.')) return text as Decimal;
  return text.replace(/0+$/, '').replace(/\.$/, '') as Decimal;
}

/** The price a leader trades `outcome` of `market` at, from the model's price (binary: kept in [0.001, 0.999]). */
export function outcomePrice(market: LaneMarket, outcome: 0 | 1 | null, modelPrice: number): number {
  if (!market.binary) return Math.max(modelPrice, 1e-10);
  const p = outcome === 1 ? 1 - modelPrice : modelPrice;
  return Math.min(0.999, Math.max(0.001, p));
}

/** A forward-only reader of one leader's trades. */
export class LeaderTradeStream {
  private readonly lanes: LaneState[] = [];
  private readonly rng = new Rng(0);
  /** Next slot to look at. */
  private k = 0;
  private pendingK = Number.NaN;
  private pendingTs = 0;
  /** Every trade at or before this instant has been taken; the next one is later. */
  position: number;
  /**
   * No trade lies between this instant and `position`: the stream reads on
   * correctly after any instant from here on (the last trade taken, or the
   * start).
   */
  readsAfter: number;
  /** Set by `take()`: for a sell, whether it sold above the average entry; null for a buy. */
  lastWin: boolean | null = null;

  /** Positions the stream so that the first trade it yields is the first with ts > `afterTs`. */
  constructor(
    readonly profile: LeaderProfile,
    private readonly priceAt: PriceAt,
    afterTs: number,
  ) {
    const p = profile;
    const k0 = floorDiv(afterTs - p.phase, p.slotMs);
    for (let j = 0; j < p.lanes; j++) {
      const lane: LaneState = {
        episode: Number.NaN,
        market: p.laneMarkets[j]![0]!,
        outcome: null,
        hold: 0,
        cost: 0,
        lastPrice: 0,
        buys: 0,
      };
      this.lanes.push(lane);
      // Replay lane j from the start of its episode up to its first slot at or after k0.
      const qFirst = Math.ceil((k0 - j) / p.lanes);
      const start = floorDiv(qFirst, p.episodeSlots) * p.episodeSlots;
      this.k = start * p.lanes + j;
      for (let q = start; q < qFirst; q++) {
        this.k = q * p.lanes + j;
        if (this.slotTrades()) this.take(false);
      }
    }
    this.k = k0;
    this.pendingK = Number.NaN;
    this.position = afterTs;
    this.skipTo(afterTs);
    this.readsAfter = afterTs;
  }

  /** Takes, silently, every trade up to `ts`. */
  skipTo(ts: number): void {
    while (this.nextTime() <= ts) this.take(false);
    if (ts > this.position) this.position = ts;
  }

  /** Time of the next trade (without taking it). */
  nextTime(): number {
    if (this.pendingK === this.k) return this.pendingTs;
    while (!this.slotTrades()) this.k++;
    return this.pendingTs;
  }

  /**
   * Takes the trade `nextTime()` announced and moves past it. With `emit`
   * false (replay) only the holdings move and nothing is allocated.
   */
  take(emit: true): LeaderTrade;
  take(emit: false): null;
  take(emit: boolean): LeaderTrade | null {
    const p = this.profile;
    if (this.pendingK !== this.k) this.nextTime();
    const k = this.k;
    const ts = this.pendingTs;
    const lane = this.lanes[((k % p.lanes) + p.lanes) % p.lanes]!;
    const r = floorDiv(k, p.lanes) - lane.episode * p.episodeSlots;
    const rng = this.rng;
    rng.reseed(hash2(p.key, k));
    rng.next();
    rng.next();
    const uSide = rng.next();
    const uSize = rng.next();
    const uFrac = rng.next();
    const uAll = rng.next();
    const price = outcomePrice(lane.market, lane.outcome, this.priceAt(lane.market.symbol, ts));
    let buy: boolean;
    if (lane.hold === 0) buy = true;
    else if (r === p.episodeSlots - 1) buy = false;
    else {
      buy = this.wantsToBuy(lane, price, uSide);
      if (buy && lane.buys >= p.maxBuys) buy = false;
    }
    let size: number;
    if (buy) {
      const notional = p.notionalMin * (p.notionalMax / p.notionalMin) ** uSize;
      size = Math.max(1, Math.round((notional / price) * MICRO));
      lane.hold += size;
      lane.cost += (size / MICRO) * price;
      lane.buys++;
      this.lastWin = null;
    } else {
      const all = r === p.episodeSlots - 1 || uAll < p.sellAll;
      size = all ? lane.hold : Math.floor(lane.hold * (0.2 + 0.6 * uFrac));
      if (size < 1 || size >= lane.hold) size = lane.hold;
      const avg = lane.cost / (lane.hold / MICRO);
      this.lastWin = price > avg;
      lane.cost -= lane.cost * (size / lane.hold);
      lane.hold -= size;
      if (lane.hold === 0) lane.cost = 0;
    }
    lane.lastPrice = price;
    this.position = ts;
    this.readsAfter = ts;
    this.k = k + 1;
    this.pendingK = Number.NaN;
    if (!emit) return null;
    return {
      id: `${p.id}:${k}`,
      ts,
      side: buy ? 'buy' : 'sell',
      market: lane.market.symbol,
      outcomeIndex: lane.outcome,
      size: microText(size),
      price: priceText(price),
    };
  }

  /** Whether slot `this.k` holds a trade; if so records it as pending. */
  private slotTrades(): boolean {
    const p = this.profile;
    const k = this.k;
    const j = ((k % p.lanes) + p.lanes) % p.lanes;
    const q = floorDiv(k, p.lanes);
    const e = floorDiv(q, p.episodeSlots);
    const lane = this.lanes[j]!;
    if (lane.episode !== e) this.enterEpisode(lane, j, e);
    const rng = this.rng;
    rng.reseed(hash2(p.key, k));
    const u = rng.next();
    const offset = Math.floor(rng.next() * p.slotMs);
    const trades = q - e * p.episodeSlots === p.episodeSlots - 1 ? lane.hold > 0 : u < SLOT_TRADE_PROBABILITY;
    if (trades) {
      this.pendingK = k;
      this.pendingTs = p.phase + k * p.slotMs + offset;
    }
    return trades;
  }

  private enterEpisode(lane: LaneState, j: number, e: number): void {
    const markets = this.profile.laneMarkets[j]!;
    const h = hash2(hash2(this.profile.key ^ EPISODE_SALT, j), e);
    lane.episode = e;
    lane.market = markets[h % markets.length]!;
    lane.outcome = lane.market.binary ? ((h >>> 8) & 1 ? 1 : 0) : null;
    lane.hold = 0;
    lane.cost = 0;
    lane.lastPrice = 0;
    lane.buys = 0;
  }

  private wantsToBuy(lane: LaneState, price: number, u: number): boolean {
    switch (this.profile.style) {
      case 'momentum':
        return price >= lane.lastPrice ? u < 0.7 : u < 0.2;
      case 'mean-reversion':
        return price < lane.cost / (lane.hold / MICRO) ? u < 0.7 : u < 0.3;
      case 'scalper':
        return u < 0.3;
      case 'whale':
        return u < 0.45;
      default:
        return u < 0.5;
    }
  }
}
