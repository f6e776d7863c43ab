/**
 * Signal trading: the live pipeline (scout -> analysis -> decision ->
 * execution) over the engine, on paper or on an exchange through ccxt.
 * It lives beside `engine/` rather than inside it because its stages read
 * market data, the cache and the store, and `engine/` imports only `domain/`.
 */

export { createTradingExchange, type TradingExchangeOptions } from '../venues/ccxt/trading-exchange.js';
export { type Analysis, analyse, computeIndicators, type Indicators } from './analysis.js';
export { createPipeline, type PipelineDeps, pipelineMode } from './create-pipeline.js';
export { LiveBroker, type LiveBrokerOptions } from './live-broker.js';
export { type ExecEvent, OrderTracker } from './order-tracker.js';
export { type Execution, Pipeline, type PipelineLogger, type PipelineOptions } from './pipeline.js';
export type { LastError, PipelineStatus, PositionStatus } from './pipeline-status.js';
export { type Candidate, closedCandles, measure, SCORE_WEIGHTS, scoreCandidates, scout } from './scout.js';
export { type BarDecision, SymbolEngines } from './symbol-engines.js';
