/**
 * A validated backtest request run end to end: candles from the named venue
 * (paged through `fetchOHLCV`), the strategy built from its parameters, and
 * the runner — or, with `modelReplay`, the runner behind the model gate
 * replaying the recorded decider answers the submission read. The caller
 * resolves the venue name to a Venue.
 */
import { ValidationError } from '../domain/errors.js';
import { timeframeMs } from '../domain/timeframe.js';
import { getStrategy } from '../engine/strategies/registry.js';
import type { Venue } from '../venues/venue.js';
import { type BacktestConfig, type BacktestResult, runBacktest } from './backtest.js';
import type { BacktestRequest } from './backtest-request.js';
import { loadBars } from './candle-loader.js';
import { type ModelReplaySummary, replaySummary, runReplayBacktest } from './model-replay.js';
import type { ModelReplay, ModelReplayAsk } from './model-replay-request.js';

/** A calendar month has no fixed length: the clock reads the bar's open plus 28 days (its earliest close). */
const MONTH_CLOSE_MS = 28 * 86_400_000;

export interface BacktestJobOptions {
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
  curvePoints?: number;
}

export interface BacktestReport extends BacktestResult {
  /** As run; a model replay's recorded answers are left out (the `model` part says what they did). */
  request: BacktestRequest<ModelReplayAsk>;
  /** Open time of the first and last bar used. */
  firstBar: number | null;
  lastBar: number | null;
  /** With `modelReplay`: which bars the recorded answers decided, which fell back to the rules, what was refused. */
  model?: ModelReplaySummary;
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
  const config: BacktestConfig = {
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
  };
  const bounds = { firstBar: bars.ts[0] ?? null, lastBar: bars.ts[bars.length - 1] ?? null };
  const { modelReplay: replay, ...plain } = req;
  if (!replay) return { ...runBacktest(config), request: plain, ...bounds };
  if (!isResolved(replay)) {
    throw new ValidationError('modelReplay: the recorded answers are read when the backtest is submitted', {
      details: [{ path: 'modelReplay', message: 'must be resolved at submission (JobManager.submit)' }],
    });
  }
  const { model, ...result } = runReplayBacktest({
    ...config,
    answers: new Map(replay.answers),
    mode: replay.mode,
  });
  return {
    ...result,
    request: { ...plain, modelReplay: { stage: replay.stage, model: replay.model, mode: replay.mode } },
    ...bounds,
    model: replaySummary(replay, model, bars),
  };
}

const isResolved = (r: ModelReplayAsk | ModelReplay): r is ModelReplay => 'answers' in r;
