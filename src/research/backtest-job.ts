/**
 * A validated backtest request run end to end: candles from the named venue
 * (paged through `fetchOHLCV`), the strategy built from its parameters, and
 * the runner. The caller resolves the venue name to a Venue.
 */
import { ValidationError } from '../domain/errors.js';
import { timeframeMs } from '../domain/timeframe.js';
import { getStrategy } from '../engine/strategies/registry.js';
import type { Venue } from '../venues/venue.js';
import { type BacktestResult, runBacktest } from './backtest.js';
import type { BacktestRequest } from './backtest-request.js';
import { loadBars } from './candle-loader.js';

/** A calendar month has no fixed length: the clock reads the bar's open plus 28 days (its earliest close). */
const MONTH_CLOSE_MS = 28 * 86_400_000;

export interface BacktestJobOptions {
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
  curvePoints?: number;
}

export interface BacktestReport extends BacktestResult {
  request: BacktestRequest;
  /** Open time of the first and last bar used. */
  firstBar: number | null;
  lastBar: number | null;
}

/**
 * @example
 * const req = parseBacktestRequest(body);
 * const report = await runBacktestRequest(req, new ReplayVenue(systemClock), { onProgress, signal });
 */
export async function runBacktestRequest(
  req: BacktestRequest,
  venue: Venue,
  opts: BacktestJobOptions = {},
): Promise<BacktestReport> {
  if (!venue.capabilities.timeframes.includes(req.timeframe)) {
    throw new ValidationError(`venue ${req.venue} has no ${req.timeframe} bars`, {
      details: [{ path: 'timeframe', message: `must be one of ${venue.capabilities.timeframes.join(', ')}` }],
    });
  }
  const bars = await loadBars(venue, req.symbol, req.timeframe, req.from, req.to, { signal: opts.signal });
  if (bars.length === 0) {
    throw new ValidationError(`no ${req.symbol} bars between the dates`, {
      details: [{ path: 'from', message: 'the date range holds no bars for this symbol' }],
    });
  }
  const def = getStrategy(req.strategy);
  const result = runBacktest({
    strategy: def.create(req.params),
    symbol: req.symbol,
    bars,
    initialCapital: req.initialCapital,
    feeRate: req.feeRate,
    slippageBps: req.slippageBps,
    maxVolumeFraction: req.maxVolumeFraction,
    risk: req.risk,
    barMs: timeframeMs(req.timeframe) ?? MONTH_CLOSE_MS,
    onProgress: opts.onProgress,
    signal: opts.signal,
    curvePoints: opts.curvePoints,
  });
  return { ...result, request: req, firstBar: bars.ts[0] ?? null, lastBar: bars.ts[bars.length - 1] ?? null };
}
