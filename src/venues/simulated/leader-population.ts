/**
 * The simulated leaders' population: who they are (id, name, style) and the
 * fixed parameters their trading is drawn from (slot length, markets per lane,
 * sizes, capital). Everything is a pure function of (seed, leader index,
 * venue instruments), so the same seed always grows the same population.
 */
import { hash2, hashString, Rng } from '../../lib/random.js';

/** The five trading styles of the simulated leaders. */
export const LEADER_STYLES = ['momentum', 'mean-reversion', 'scalper', 'whale', 'noise'] as const;
export type LeaderStyle = (typeof LEADER_STYLES)[number];

/** What each style does, as discovery shows it. */
export const STYLE_DESCRIPTIONS: Readonly<Record<LeaderStyle, string>> = {
  momentum: 'Momentum: adds to positions that move its way, cuts those that do not',
  'mean-reversion': 'Mean reversion: buys dips below its entry, sells rallies',
  scalper: 'Scalper: many small, short trades in liquid spot pairs',
  whale: 'Whale: few, very large trades in majors and prediction markets',
  noise: 'Noise: small trades with no edge, anywhere',
};

/** How a style trades. `rate` is relative: the five average to 1, so `meanIntervalMs` holds for the population. */
interface StyleParams {
  rate: number;
  /** Lane-slots per episode: every position is closed at the end of its episode. */
  episodeSlots: number;
  lanes: number;
  /** Quote notional of one buy, drawn log-uniformly in [min, max]. */
  notional: readonly [number, number];
  /** Chance that a sell closes the whole holding. */
  sellAll: number;
  /** Most buys into one position per episode. */
  maxBuys: number;
  /** Where each lane picks its markets. */
  pools: readonly ('majors' | 'spot' | 'binary')[];
  capital: number;
}

const STYLE_PARAMS: Readonly<Record<LeaderStyle, StyleParams>> = {
  momentum: {
    rate: 0.8,
    episodeSlots: 10,
    lanes: 2,
    notional: [500, 5_000],
    sellAll: 0.3,
    maxBuys: 4,
    pools: ['spot', 'binary'],
    capital: 100_000,
  },
  'mean-reversion': {
    rate: 0.8,
    episodeSlots: 8,
    lanes: 2,
    notional: [500, 5_000],
    sellAll: 0.3,
    maxBuys: 4,
    pools: ['binary', 'spot'],
    capital: 100_000,
  },
  scalper: {
    rate: 2.5,
    episodeSlots: 4,
    lanes: 2,
    notional: [100, 1_000],
    sellAll: 0.6,
    maxBuys: 2,
    pools: ['majors', 'majors'],
    capital: 50_000,
  },
  whale: {
    rate: 0.3,
    episodeSlots: 12,
    lanes: 3,
    notional: [50_000, 500_000],
    sellAll: 0.25,
    maxBuys: 3,
    pools: ['majors', 'binary', 'majors'],
    capital: 10_000_000,
  },
  noise: {
    rate: 0.6,
    episodeSlots: 8,
    lanes: 3,
    notional: [50, 3_000],
    sellAll: 0.3,
    maxBuys: 3,
    pools: ['spot', 'binary', 'spot'],
    capital: 25_000,
  },
};

/** Share of a lane's ordinary slots that hold a trade. */
export const SLOT_TRADE_PROBABILITY = 0.5;
/** About how often a lane still holds something at its episode's last slot (measured), which then trades. */
const HELD_AT_EPISODE_END = 0.85;
/** How many spot pairs, from the start of the universe, count as majors. */
const MAJOR_COUNT = 20;
const ADJECTIVES = ['Swift', 'Quiet', 'Bold', 'Patient', 'Lucky', 'Sharp', 'Calm', 'Restless'];
const NOUNS = ['Falcon', 'Otter', 'Badger', 'Heron', 'Lynx', 'Marlin', 'Raven', 'Bison'];

/** One market a lane can trade: a spot pair or a binary market. */
export interface LaneMarket {
  symbol: string;
  binary: boolean;
}

/** A simulated leader and the fixed parameters of its trading. */
export interface LeaderProfile {
  index: number;
  id: string;
  name: string;
  style: LeaderStyle;
  /** Hash naming this leader: every draw of its trades starts from it. */
  key: number;
  /** Slot length, ms: at most one trade per slot. */
  slotMs: number;
  /** Expected trades per slot (ordinary slots plus the closing one), so the mean interval is slotMs / this. */
  tradesPerSlot: number;
  /** Offset of slot 0 from the epoch, in [0, slotMs). */
  phase: number;
  lanes: number;
  episodeSlots: number;
  /** Markets of each lane; lanes never share a market, so a holding belongs to one lane. */
  laneMarkets: LaneMarket[][];
  notionalMin: number;
  notionalMax: number;
  sellAll: number;
  maxBuys: number;
  capital: number;
}

/** The venue's instruments, as the population picks markets from them. */
export interface InstrumentLists {
  spot: readonly string[];
  binary: readonly string[];
}

/** The id of leader `index`: styles rotate, so ids are `sim-<style>-<n>` with n from 1. */
export function leaderId(index: number): string {
  return `sim-${LEADER_STYLES[index % LEADER_STYLES.length]}-${Math.floor(index / LEADER_STYLES.length) + 1}`;
}

const ID_FORM = /^sim-(momentum|mean-reversion|scalper|whale|noise)-([1-9]\d{0,8})$/;

/** The leader index an id names, or -1 when it is not of the form (the count is not checked here). */
export function leaderIndex(id: string): number {
  const m = ID_FORM.exec(id);
  if (!m) return -1;
  const style = LEADER_STYLES.indexOf(m[1] as LeaderStyle);
  return (Number(m[2]) - 1) * LEADER_STYLES.length + style;
}

/** The markets lanes pick from, built once per population. */
export interface MarketPools {
  majors: LaneMarket[];
  spot: LaneMarket[];
  binary: LaneMarket[];
}

/** Sorts the venue's instruments into the pools lanes pick from (binary falls back to spot and back). */
export function marketPools(lists: InstrumentLists): MarketPools {
  const spot = lists.spot.map((symbol) => ({ symbol, binary: false }));
  const binary = lists.binary.map((symbol) => ({ symbol, binary: true }));
  return {
    majors: spot.length > 0 ? spot.slice(0, MAJOR_COUNT) : binary,
    spot: spot.length > 0 ? spot : binary,
    binary: binary.length > 0 ? binary : spot,
  };
}

/** Builds leader `index` of the population named by `seed`. */
export function buildProfile(
  seed: number,
  index: number,
  meanIntervalMs: number,
  pools: MarketPools,
): LeaderProfile {
  const style = LEADER_STYLES[index % LEADER_STYLES.length]!;
  const p = STYLE_PARAMS[style];
  const key = hash2(hash2(seed, hashString('leaders')), index);
  const rng = new Rng(key);
  const jitter = 0.8 + 0.4 * rng.next();
  const tradesPerSlot =
    ((p.episodeSlots - 1) * SLOT_TRADE_PROBABILITY + HELD_AT_EPISODE_END) / p.episodeSlots;
  const slotMs = Math.max(1, Math.round((tradesPerSlot * meanIntervalMs) / (p.rate * jitter)));
  const phase = Math.floor(rng.next() * slotMs);
  const used = new Set<string>();
  const laneMarkets: LaneMarket[][] = [];
  for (let lane = 0; lane < p.lanes; lane++) {
    const pool = pools[p.pools[lane] ?? 'spot'];
    const picked: LaneMarket[] = [];
    for (let attempt = 0; picked.length < 2 && attempt < 64; attempt++) {
      const m = pool[Math.floor(rng.next() * pool.length)];
      if (m && !used.has(m.symbol)) {
        used.add(m.symbol);
        picked.push(m);
      }
    }
    if (picked.length > 0) laneMarkets.push(picked);
  }
  if (laneMarkets.length === 0) throw new RangeError('the venue has no instruments for simulated leaders');
  const n = Math.floor(index / LEADER_STYLES.length) + 1;
  const name = `${ADJECTIVES[Math.floor(rng.next() * ADJECTIVES.length)]} ${NOUNS[Math.floor(rng.next() * NOUNS.length)]} ${n}`;
  return {
    index,
    id: leaderId(index),
    name,
    style,
    key,
    slotMs,
    tradesPerSlot,
    phase,
    lanes: laneMarkets.length,
    episodeSlots: p.episodeSlots,
    laneMarkets,
    notionalMin: p.notional[0] * (0.7 + 0.6 * rng.next()),
    notionalMax: p.notional[1] * (0.7 + 0.6 * rng.next()),
    sellAll: p.sellAll,
    maxBuys: p.maxBuys,
    capital: Math.round(p.capital * (0.5 + 1.5 * rng.next())),
  };
}
