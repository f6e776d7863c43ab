/**
 * The simulated venue's instruments: spot pairs quoted in USDT (a few majors
 * at realistic prices, then SYM001/USDT...) and binary prediction markets.
 * Everything about an instrument (start price, volatility, spread, jump
 * behaviour) is drawn from the seed, so a seed names one whole market.
 */
import type { Market } from '../../domain/market.js';
import { hash2, hashString, Rng } from '../../lib/random.js';

/** Dynamics and static data of one simulated instrument. */
export interface Instrument {
  index: number;
  symbol: string;
  kind: 'spot' | 'binary';
  base?: string;
  quote?: string;
  question?: string;
  /**
   * The price process runs on a latent "level" x: spot price = exp(x),
   * binary "Yes" price = 1 / (1 + exp(-x)).
   */
  level0: number;
  /** Long-run daily variance of the level. */
  dailyVariance: number;
  /** Daily probability of a jump, and the jump's mean and standard deviation in level units. */
  jumpProb: number;
  jumpMean: number;
  jumpStd: number;
  /** Pull of the level back toward `level0`, per day. */
  meanReversion: number;
  /** Quoted spread, in basis points of price (spot) or absolute (binary). */
  spread: number;
  tickSize: number;
  minSize: number;
  /** Average traded base volume per minute. */
  minuteVolume: number;
}

const MAJORS: ReadonlyArray<readonly [string, number, number]> = [
  ['BTC', 65_000, 0.55],
  ['ETH', 3_200, 0.7],
  ['SOL', 150, 0.95],
  ['BNB', 580, 0.6],
  ['XRP', 0.6, 0.85],
  ['ADA', 0.45, 0.9],
  ['DOGE', 0.15, 1.1],
  ['AVAX', 35, 1.0],
  ['DOT', 7, 0.9],
  ['LINK', 15, 0.95],
  ['LTC', 80, 0.75],
  ['TRX', 0.12, 0.6],
  ['ATOM', 8, 0.9],
  ['UNI', 9, 1.0],
  ['NEAR', 6, 1.05],
  ['APT', 9, 1.1],
  ['ARB', 1.1, 1.1],
  ['OP', 2.3, 1.1],
  ['INJ', 25, 1.2],
  ['SUI', 1.2, 1.2],
];

const QUESTIONS: readonly string[] = [
  'Will {asset} close above {level} on the last day of the quarter?',
  'Will the {asset} ETF see net inflows this week?',
  'Will {asset} be listed on a new major exchange this month?',
  'Will {asset} trade below {level} before the end of the year?',
  'Will the {asset} network upgrade ship on schedule?',
];

/** A power of ten about 1/10,000 of `price`, read from its decimal text (10 ** -5 is 0.000009999999999999999). */
function tickFor(price: number): number {
  return Number(`1e${Math.floor(Math.log10(price) - 4)}`);
}

function spotInstrument(index: number, base: string, price: number, annualVol: number, rng: Rng): Instrument {
  const dailyVariance = (annualVol * annualVol) / 365;
  return {
    index,
    symbol: `${base}/USDT`,
    kind: 'spot',
    base,
    quote: 'USDT',
    level0: Math.log(price),
    dailyVariance,
    jumpProb: 0.02 + rng.next() * 0.04,
    jumpMean: -0.005,
    jumpStd: Math.sqrt(dailyVariance) * (2 + rng.next() * 2),
    meanReversion: 1 / (365 * 2),
    spread: 1 + rng.next() * 9,
    tickSize: tickFor(price),
    minSize: Number(`1e${Math.floor(Math.log10(10 / price) - 4) + 1}`),
    minuteVolume: (2_000_000 / price) * (0.2 + rng.next()),
  };
}

function binaryInstrument(index: number, n: number, spot: readonly Instrument[], rng: Rng): Instrument {
  const ref = spot[Math.floor(rng.next() * spot.length)];
  const template = QUESTIONS[n % QUESTIONS.length] ?? QUESTIONS[0]!;
  const level = ref ? Math.exp(ref.level0) * (0.8 + rng.next() * 0.4) : 1;
  const p0 = 0.05 + rng.next() * 0.9;
  const id = `PM-${String(n + 1).padStart(4, '0')}`;
  return {
    index,
    symbol: id,
    kind: 'binary',
    question: template.replace('{asset}', ref?.base ?? 'BTC').replace('{level}', level.toPrecision(4)),
    level0: Math.log(p0 / (1 - p0)),
    dailyVariance: 0.02 + rng.next() * 0.04,
    jumpProb: 0.03 + rng.next() * 0.05,
    jumpMean: 0,
    jumpStd: 0.6 + rng.next() * 0.6,
    meanReversion: 1 / 60,
    spread: 0.01,
    tickSize: 0.001,
    minSize: 5,
    minuteVolume: 20 + rng.next() * 200,
  };
}

/** Builds `spotCount` spot pairs then `binaryCount` binary markets, all drawn from `seed`. */
export function buildUniverse(seed: number, spotCount: number, binaryCount: number): Instrument[] {
  const rng = new Rng(hash2(seed, hashString('universe')));
  const spot: Instrument[] = [];
  for (let i = 0; i < spotCount; i++) {
    const major = MAJORS[i];
    if (major) {
      spot.push(spotInstrument(i, major[0], major[1], major[2], rng));
    } else {
      const price = Math.exp(Math.log(0.001) + rng.next() * Math.log(500 / 0.001));
      const name = `SYM${String(i - MAJORS.length + 1).padStart(3, '0')}`;
      spot.push(spotInstrument(i, name, price, 0.8 + rng.next() * 0.8, rng));
    }
  }
  const binary: Instrument[] = [];
  for (let n = 0; n < binaryCount; n++) binary.push(binaryInstrument(spotCount + n, n, spot, rng));
  return [...spot, ...binary];
}

/** The market listing of `inst`; binary markets are priced with `yesPrice`. */
export function instrumentMarket(inst: Instrument, yesPrice = 0.5): Market {
  const base = {
    id: inst.symbol,
    symbol: inst.symbol,
    active: true,
    tickSize: inst.tickSize,
    minSize: inst.minSize,
  };
  if (inst.kind === 'spot') return { ...base, kind: 'spot', base: inst.base, quote: inst.quote };
  return {
    ...base,
    kind: 'binary',
    question: inst.question,
    outcomes: [
      { name: 'Yes', price: yesPrice },
      { name: 'No', price: 1 - yesPrice },
    ],
  };
}
