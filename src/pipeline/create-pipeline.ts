/**
 * Builds the pipeline from the Config: strategy and parameters checked
 * against the engine's registry (a ValidationError names the variable),
 * risk limits, and the execution mode. Live trading needs both exchange keys
 * AND `VENUE=ccxt`, so the signals come from the exchange the orders go to;
 * otherwise the pipeline trades on paper and its status and logs say why.
 */
import type { Cache } from '../cache/cache.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../domain/clock.js';
import { ValidationError } from '../domain/errors.js';
import { timeframeMs } from '../domain/timeframe.js';
import { getStrategy } from '../engine/strategies/registry.js';
import type { MarketData } from '../marketdata/market-data.js';
import type { Database } from '../store/database.js';
import { type PipelineMode, PipelineRepository } from '../store/pipeline-repository.js';
import { createModelStages } from './ai/create-model-stages.js';
import { type Execution, Pipeline, type PipelineLogger } from './pipeline.js';

export interface PipelineDeps {
  db: Database;
  cache: Cache;
  marketData: MarketData;
  clock: Clock;
  log?: PipelineLogger;
}

/** Paper or live, and why, from the configuration alone. */
export function pipelineMode(config: Config): { mode: PipelineMode; reason: string } {
  const key = config.exchangeApiKey !== '';
  const secret = config.exchangeApiSecret !== '';
  if (!key && !secret)
    return { mode: 'paper', reason: 'no exchange keys (EXCHANGE_API_KEY and EXCHANGE_API_SECRET are unset)' };
  if (!key || !secret) {
    const missing = key ? 'EXCHANGE_API_SECRET' : 'EXCHANGE_API_KEY';
    return { mode: 'paper', reason: `no exchange keys (${missing} is unset)` };
  }
  if (config.venue !== 'ccxt') {
    return {
      mode: 'paper',
      reason: `exchange keys are set but VENUE=${config.venue}: live trading needs VENUE=ccxt so signals come from the exchange orders go to`,
    };
  }
  return { mode: 'live', reason: `exchange keys configured for ${config.ccxtExchange}` };
}

/**
 * The timeframe the pipeline trades on: PIPELINE_TIMEFRAME when the venue
 * offers it, otherwise the venue's closest one, with a note that the pipeline's
 * status shows. A setting that only matters to the pipeline never stops the
 * server (VENUE=replay offers daily candles and up, PIPELINE_TIMEFRAME is 1h by default).
 */
export function pipelineTimeframe(
  wanted: string,
  venue: string,
  offered: readonly string[],
): { timeframe: string; ms: number; note?: string } {
  const wantedMs = timeframeMs(wanted);
  if (wantedMs !== undefined && offered.includes(wanted)) return { timeframe: wanted, ms: wantedMs };
  let best: { timeframe: string; ms: number } | undefined;
  for (const tf of offered) {
    const ms = timeframeMs(tf);
    if (ms === undefined) continue;
    const distance = (x: number) => Math.abs(Math.log(x / (wantedMs ?? 3_600_000)));
    if (!best || distance(ms) < distance(best.ms)) best = { timeframe: tf, ms };
  }
  if (!best) throw new ValidationError(`${venue} offers no fixed-length timeframe the pipeline can trade on`);
  return {
    ...best,
    note: `PIPELINE_TIMEFRAME ${wanted} is not offered by ${venue}, using ${best.timeframe}`,
  };
}

function strategyFrom(config: Config) {
  const def = getStrategy(config.pipelineStrategy, 'PIPELINE_STRATEGY');
  const params = def.parse(JSON.parse(config.pipelineStrategyParams) as unknown, 'PIPELINE_STRATEGY_PARAMS');
  return { id: def.id, params, create: () => def.create(params) };
}

/**
 * @example
 * const pipeline = await createPipeline(config, { db, cache, marketData, clock, log: app.log });
 * if (config.pipelineAutostart === 'on') pipeline.start();
 */
export async function createPipeline(config: Config, deps: PipelineDeps): Promise<Pipeline> {
  const caps = deps.marketData.venue.capabilities;
  const tf = pipelineTimeframe(config.pipelineTimeframe, caps.id, caps.timeframes);
  const configured = pipelineMode(config);
  const mode = tf.note ? { ...configured, reason: `${configured.reason}; ${tf.note}` } : configured;
  // ccxt loads only when the pipeline trades live.
  const createTradingExchange =
    mode.mode === 'live'
      ? (await import('../venues/ccxt/trading-exchange.js')).createTradingExchange
      : undefined;
  const execution: Execution =
    mode.mode === 'live' && createTradingExchange
      ? {
          kind: 'live',
          exchange: createTradingExchange({
            exchangeId: config.ccxtExchange,
            apiKey: config.exchangeApiKey,
            secret: config.exchangeApiSecret,
            ...(config.venueApiOrigin ? { apiOrigin: config.venueApiOrigin } : {}),
          }),
        }
      : {
          kind: 'paper',
          initialCash: config.pipelineInitialCapital,
          feeRate: config.pipelineFeeRate,
          slippageBps: config.pipelineSlippageBps,
        };
  const repo = new PipelineRepository(deps.db);
  const models = createModelStages(config, {
    cache: deps.cache,
    calls: repo.modelCalls,
    clock: deps.clock,
    venue: caps.id,
    timeframe: tf.timeframe,
  });
  return new Pipeline({
    marketData: deps.marketData,
    cache: deps.cache,
    repo,
    clock: deps.clock,
    mode,
    execution,
    strategy: strategyFrom(config),
    risk: {
      positionFraction: config.pipelinePositionFraction,
      riskPerTrade: config.pipelineRiskPerTrade,
      maxOpenPositions: config.pipelineMaxOpenPositions,
      maxSymbolExposure: config.pipelineMaxSymbolExposure,
      dailyLossLimit: config.pipelineDailyLossLimit,
    },
    timeframe: tf.timeframe,
    timeframeMs: tf.ms,
    intervalMs: config.pipelineIntervalMs,
    topN: config.pipelineTopN,
    symbols: config.pipelineSymbols === '' ? [] : config.pipelineSymbols.split(','),
    scanLimit: config.pipelineScanLimit,
    lookback: config.pipelineLookbackBars,
    warmupBars: Math.min(config.pipelineWarmupBars, config.pipelineLookbackBars),
    ...(deps.log ? { log: deps.log } : {}),
    ...(models ? { models } : {}),
  });
}
