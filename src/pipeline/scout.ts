/**
 * Scout stage: reads every symbol through the market-data layer (the cached
 * listing, then prices in batches of up to 500 per call), reads closed
 * candles of the scanned symbols (cached per symbol, timeframe and limit;
 * the bar in progress is dropped) and ranks them.
 *
 * Scoring (documented in `scoreCandidates`): three measures per symbol over
 * the lookback window, each turned into its percentile rank among the
 * scanned symbols (0 = lowest, 1 = highest, ties share the mean rank) so
 * units do not matter, then weighted:
 *   score = 0.4 x rank(volume) + 0.3 x rank(volatility) + 0.3 x rank(momentum)
 * - volume: mean quote volume per bar (close x base volume): liquid first;
 * - volatility: standard deviation of bar log-returns: something to trade;
 * - momentum: rate of change over the last `MOMENTUM_BARS` bars: the bot
 *   only goes long, so rising markets rank higher.
 * The top N by score (ties by symbol) are the run's candidates.
 */
import { UnavailableError } from '../domain/errors.js';
import type { Candle } from '../domain/market.js';
import { MAX_SYMBOLS_PER_REQUEST } from '../marketdata/batch-items.js';
import type { MarketData } from '../marketdata/market-data.js';

export const SCORE_WEIGHTS = Object.freeze({ volume: 0.4, volatility: 0.3, momentum: 0.3 });
export const MOMENTUM_BARS = 20;
/** Candle reads in flight at once (the market-data layer rate-limits them further). */
const CONCURRENCY = 8;
const LISTING_PAGE = 500;

export interface ScoutOptions {
  timeframe: string;
  timeframeMs: number;
  /** Candles read per symbol. */
  lookback: number;
  topN: number;
  /** Scan only these symbols; empty scans every active spot market. */
  symbols: readonly string[];
  /** Most symbols whose candles are read per run. */
  scanLimit: number;
}

export interface SymbolMeasures {
  symbol: string;
  price: number;
  volume: number;
  volatility: number;
  momentum: number;
}

export interface Candidate extends SymbolMeasures {
  rank: number;
  score: number;
}

export interface ScoutResult {
  candidates: Candidate[];
  /** Symbols priced in this run. */
  priced: number;
  /** Symbols whose candles were scored. */
  scanned: number;
  /** Closed candles of every scanned symbol (the later stages read these, not the venue). */
  candles: Map<string, Candle[]>;
}

/** Candles whose bar has closed by `now`. */
export function closedCandles(candles: readonly Candle[], timeframeMs: number, now: number): Candle[] {
  let n = candles.length;
  while (n > 0 && candles[n - 1]!.ts + timeframeMs > now) n--;
  return n === candles.length ? (candles as Candle[]) : candles.slice(0, n);
}

/** The three measures over `candles` (closed, oldest first); undefined with fewer than 3 bars. */
export function measure(symbol: string, candles: readonly Candle[]): SymbolMeasures | undefined {
  const n = candles.length;
  if (n < 3) return undefined;
  let quote = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const c = candles[i]!;
    quote += c.close * c.volume;
    if (i > 0) {
      const r = Math.log(c.close / candles[i - 1]!.close);
      sum += r;
      sumSq += r * r;
    }
  }
  const m = n - 1;
  const mean = sum / m;
  const last = candles[n - 1]!.close;
  const past = candles[Math.max(0, n - 1 - MOMENTUM_BARS)]!.close;
  return {
    symbol,
    price: last,
    volume: quote / n,
    volatility: Math.sqrt(Math.max(0, sumSq / m - mean * mean)),
    momentum: past > 0 ? last / past - 1 : 0,
  };
}

/** Percentile rank of each value in [0, 1]; ties share their mean rank; one value ranks 1. */
function percentileRanks(values: readonly number[]): number[] {
  const n = values.length;
  if (n === 1) return [1];
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && order[j + 1]![0] === order[i]![0]) j++;
    const r = (i + j) / 2 / (n - 1);
    for (let k = i; k <= j; k++) out[order[k]![1]] = r;
    i = j + 1;
  }
  return out;
}

/**
 * Ranks symbols by the weighted percentile ranks of volume, volatility and
 * momentum (see the module comment) and keeps the best `topN`.
 *
 * @example
 * scoreCandidates([{ symbol: 'A', price: 1, volume: 10, volatility: 0.1, momentum: 0.02 }, ...], 5);
 */
export function scoreCandidates(measures: readonly SymbolMeasures[], topN: number): Candidate[] {
  if (measures.length === 0) return [];
  const v = percentileRanks(measures.map((m) => m.volume));
  const s = percentileRanks(measures.map((m) => m.volatility));
  const p = percentileRanks(measures.map((m) => m.momentum));
  const W = SCORE_WEIGHTS;
  const scored = measures.map((m, i) => ({
    ...m,
    rank: 0,
    score: W.volume * v[i]! + W.volatility * s[i]! + W.momentum * p[i]!,
  }));
  scored.sort((a, b) => b.score - a.score || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const top = scored.slice(0, topN);
  top.forEach((c, i) => {
    c.rank = i + 1;
  });
  return top;
}

/** Every active spot symbol of the venue's (cached) listing, in id order. */
async function listSymbols(md: MarketData): Promise<string[]> {
  const out: string[] = [];
  let after: string | null = null;
  do {
    const page = await md.markets(LISTING_PAGE, after);
    for (const m of page.items) if (m.kind === 'spot' && m.active) out.push(m.symbol);
    after = page.nextId;
  } while (after !== null);
  return out;
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The scout stage. Throws when no symbol could be priced or measured (the run records it). */
export async function scout(md: MarketData, opts: ScoutOptions, now: number): Promise<ScoutResult> {
  const universe = opts.symbols.length > 0 ? [...opts.symbols] : await listSymbols(md);
  const priced: string[] = [];
  for (let i = 0; i < universe.length; i += MAX_SYMBOLS_PER_REQUEST) {
    const { items } = await md.prices(universe.slice(i, i + MAX_SYMBOLS_PER_REQUEST));
    for (const it of items) if (it.price > 0) priced.push(it.symbol);
  }
  if (priced.length === 0) throw new UnavailableError(`no price for any of ${universe.length} symbols`);
  const scan = priced.slice(0, opts.scanLimit);
  const candles = new Map<string, Candle[]>();
  const measures: SymbolMeasures[] = [];
  let lastError: unknown;
  await eachLimited(scan, CONCURRENCY, async (symbol) => {
    try {
      const got = await md.ohlcv(symbol, opts.timeframe, opts.lookback);
      const closed = closedCandles(got.value, opts.timeframeMs, now);
      candles.set(symbol, closed);
      const m = measure(symbol, closed);
      if (m) measures.push(m);
    } catch (err) {
      lastError = err;
    }
  });
  if (measures.length === 0) {
    const why = lastError instanceof Error ? `: ${lastError.message}` : '';
    throw new UnavailableError(`no candles for any of ${scan.length} scanned symbols${why}`, {
      cause: lastError,
    });
  }
  measures.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  return {
    candidates: scoreCandidates(measures, opts.topN),
    priced: priced.length,
    scanned: measures.length,
    candles,
  };
}
