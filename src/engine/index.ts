/**
 * The engine's public surface: bars, indicators, the Strategy port and the
 * built-in strategies, risk, the paper broker, the Engine step and its two
 * drivers' clocks and feeds.
 */
export { BarClock } from './bar-clock.js';
export { type Bars, barsFromCandles, barsFromColumns, CandleBuffer } from './bars.js';
export type { Broker, BrokerSlot, Fill, FillReason } from './broker.js';
export { CandleFeed } from './candle-feed.js';
export { type Decision, Engine, type EngineOptions } from './engine.js';
export * from './indicators/index.js';
export { Action, type Intent } from './intent.js';
export { PaperBroker, type PaperBrokerOptions, type PositionSlot } from './paper-broker.js';
export { type ParamSpec, type ParamValues, validateParams } from './params.js';
export { DEFAULT_RISK_LIMITS, type RiskLimits, RiskManager } from './risk.js';
export { createStrategy, getStrategy, STRATEGIES, strategyCatalog } from './strategies/registry.js';
export type { PositionView, Strategy, StrategyDefinition } from './strategy.js';
export { EXIT_REASON_NAMES, type ExitReason, type Trade, TradeLog } from './trade-log.js';
