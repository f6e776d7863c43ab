/**
 * Analysis stage: the indicators of each candidate's latest closed bar (SMA
 * 20/50, EMA 12/26, RSI 14, MACD 12/26/9, Bollinger 20/2, ATR 14), computed
 * with the engine's batch indicators over the scout's candles and cached
 * under the `technical` kind. The key names the last closed bar, so a cached
 * analysis is exact for as long as no newer bar has closed.
 */
import type { Cache } from '../cache/cache.js';
import type { Candle } from '../domain/market.js';
import { atr, bollinger, ema, macd, rsi, sma } from '../engine/indicators/index.js';
import type { Candidate } from './scout.js';

/** Indicator values at the last closed bar; null while an indicator is warming up. */
export type Indicators = Record<string, number | null>;

export interface Analysis {
  symbol: string;
  /** Open time of the bar the values belong to. */
  barTs: number;
  indicators: Indicators;
}

const last = (a: Float64Array): number | null => {
  const v = a[a.length - 1];
  return v === undefined || Number.isNaN(v) ? null : v;
};

/** The indicator snapshot of the last of `candles` (oldest first). */
export function computeIndicators(candles: readonly Candle[]): Indicators {
  const n = candles.length;
  const close = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = candles[i]!;
    close[i] = c.close;
    high[i] = c.high;
    low[i] = c.low;
  }
  const m = macd(close, 12, 26, 9);
  const bb = bollinger(close, 20, 2);
  return {
    close: last(close),
    sma20: last(sma(close, 20)),
    sma50: last(sma(close, 50)),
    ema12: last(ema(close, 12)),
    ema26: last(ema(close, 26)),
    rsi14: last(rsi(close, 14)),
    macd: last(m.macd),
    macdSignal: last(m.signal),
    macdHistogram: last(m.histogram),
    bollingerUpper: last(bb.upper),
    bollingerMiddle: last(bb.middle),
    bollingerLower: last(bb.lower),
    atr14: last(atr(high, low, close, 14)),
  };
}

/** Analyses every candidate, each through the `technical` cache. */
export async function analyse(
  cache: Cache,
  venueId: string,
  timeframe: string,
  candidates: readonly Candidate[],
  candles: ReadonlyMap<string, Candle[]>,
): Promise<Analysis[]> {
  return Promise.all(
    candidates.map(async (c) => {
      const bars = candles.get(c.symbol) ?? [];
      const barTs = bars[bars.length - 1]?.ts ?? 0;
      const key = `${venueId}:${c.symbol}:${timeframe}:${barTs}`;
      const got = await cache.getOrLoad('technical', key, async () => computeIndicators(bars), {
        tags: [`symbol:${c.symbol}`],
      });
      return { symbol: c.symbol, barTs, indicators: got.value };
    }),
  );
}
