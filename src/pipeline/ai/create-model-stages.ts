/**
 * Builds the model stages from the Config, or nothing when both stages are
 * `rules` (then no AI setting is read and the pipeline is exactly the
 * rule-based one). A stage that asks a model without AI_BASE_URL or its
 * model name is a ValidationError naming the variable.
 */
import type { Cache } from '../../cache/cache.js';
import type { Config } from '../../config/schema.js';
import type { Clock } from '../../domain/clock.js';
import { ValidationError } from '../../domain/errors.js';
import { Semaphore } from '../../lib/semaphore.js';
import type { ModelCallRepository } from '../../store/model-call-repository.js';
import { ChatModel } from './chat-model.js';
import { ModelAsker } from './model-asker.js';
import { ModelBudget } from './model-budget.js';
import { ModelStages } from './model-stages.js';
import { parsePriceTable } from './price-table.js';

export interface ModelStagesDeps {
  cache: Cache;
  calls: ModelCallRepository;
  clock: Clock;
  venue: string;
  timeframe: string;
}

function required(config: Config): string[] {
  const missing: string[] = [];
  const asks = config.pipelineAnalyst === 'ai' || config.pipelineDecider !== 'rules';
  if (asks && config.aiBaseUrl === '') missing.push('AI_BASE_URL');
  if (config.pipelineAnalyst === 'ai' && config.aiAnalystModel === '') missing.push('AI_ANALYST_MODEL');
  if (config.pipelineDecider !== 'rules' && config.aiDeciderModel === '') missing.push('AI_DECIDER_MODEL');
  return missing;
}

/**
 * @example
 * const models = createModelStages(config, { cache, calls: new ModelCallRepository(db), clock, venue: 'simulated', timeframe: '1h' });
 */
export function createModelStages(config: Config, deps: ModelStagesDeps): ModelStages | undefined {
  if (config.pipelineAnalyst === 'rules' && config.pipelineDecider === 'rules') return undefined;
  const missing = required(config);
  if (missing.length > 0) {
    throw new ValidationError(
      `PIPELINE_ANALYST=${config.pipelineAnalyst} and PIPELINE_DECIDER=${config.pipelineDecider} ask a model: set ${missing.join(', ')}`,
      { details: missing.map((path) => ({ path, message: `${path} is required` })) },
    );
  }
  const chat = new ChatModel({
    baseUrl: config.aiBaseUrl,
    apiKey: config.aiApiKey,
    timeoutMs: config.aiTimeoutMs,
    responseFormat: config.aiResponseFormat,
    maxOutputTokens: config.aiMaxOutputTokens,
  });
  const budget = new ModelBudget(deps.calls, {
    callsPerHour: config.aiMaxCallsPerHour,
    tokensPerDay: config.aiMaxTokensPerDay,
  });
  const asker = new ModelAsker({
    chat,
    cache: deps.cache,
    calls: deps.calls,
    budget,
    semaphore: new Semaphore(config.aiConcurrency),
    clock: deps.clock,
    prices: parsePriceTable(config.aiPrices),
    maxOutputTokens: config.aiMaxOutputTokens,
  });
  return new ModelStages(asker, budget, {
    analyst: config.pipelineAnalyst,
    decider: config.pipelineDecider,
    analystModel: config.aiAnalystModel,
    deciderModel: config.aiDeciderModel,
    venue: deps.venue,
    timeframe: deps.timeframe,
  });
}
