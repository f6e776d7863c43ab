/** Research: backtests over the engine and Monte Carlo over their trades. */
export { type BacktestConfig, type BacktestResult, runBacktest } from './backtest.js';
export { type BacktestJobOptions, type BacktestReport, runBacktestRequest } from './backtest-job.js';
export { BACKTEST_LIMITS, type BacktestRequest, parseBacktestRequest } from './backtest-request.js';
export { loadBars, MAX_BACKTEST_BARS } from './candle-loader.js';
export { type CopyBacktestReport, leaderHistory, runCopyBacktest } from './copy-backtest-job.js';
export {
  type CopyBacktestRequest,
  isCopyBacktest,
  parseCopyBacktestRequest,
} from './copy-backtest-request.js';
export { type CopyReplayInput, type CopyReplayResult, replayCopies } from './copy-replay.js';
export { type CurvePoint, CurveSampler } from './curve-sampler.js';
export { type BacktestMetrics, computeMetrics, EquityStats } from './metrics.js';
export { type ModelReplaySummary, replaySummary, runReplayBacktest } from './model-replay.js';
export type { ModelReplay, ModelReplayAsk } from './model-replay-request.js';
export * from './montecarlo/index.js';
