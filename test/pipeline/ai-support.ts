/**
 * The model stages over real services: a loopback chat-completions server
 * (test/fakes/openai) answering like a model that reads the prompt — the
 * analyst finds support and resistance around the close, the decider enters
 * with a stop and target around the price — and a pipeline built with the
 * real model stages from a Config, trading the always-in test strategy so the
 * rules' decisions are known.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import type { AnalystAnswer, DeciderAnswer } from '../../src/pipeline/ai/answers.js';
import { createModelStages } from '../../src/pipeline/ai/create-model-stages.js';
import type { Pipeline, PipelineOptions } from '../../src/pipeline/pipeline.js';
import {
  ChatCompletionsServer,
  type ChatRequest,
  type Reply,
} from '../fakes/openai/chat-completions-server.js';
import type { PipelineContext } from './support.js';

export const API_KEY = 'sk-test-Zq8uNvS3cr3tK3y';

const userText = (req: ChatRequest) => req.messages.find((m) => m.role === 'user')?.content ?? '';

/** The price the prompt states (the decider's `price`, the analyst's `close=`). */
export function priceIn(req: ChatRequest): number {
  const m = /(?:^symbol \S+ bar \S+ price |close=)([\d.e+-]+)/m.exec(userText(req));
  return m ? Number(m[1]) : Number.NaN;
}

export const isDecider = (req: ChatRequest) => userText(req).startsWith('tradeloop decider');

export function analystAnswer(req: ChatRequest): AnalystAnswer {
  const p = priceIn(req);
  return {
    trend: 'up',
    support: p * 0.95,
    resistance: p * 1.05,
    signal: 'bullish',
    confidence: 0.7,
    rationale: 'higher lows above the 20-bar average',
  };
}

export function deciderAnswer(req: ChatRequest, over: Partial<DeciderAnswer> = {}): DeciderAnswer {
  const p = priceIn(req);
  return {
    action: 'enter',
    size: 0.5,
    stop: p * 0.97,
    target: p * 1.06,
    confidence: 0.6,
    rationale: 'trend up, room to resistance',
    ...over,
  };
}

/** Answers both stages sensibly; `decider` may change the decider's answer. */
export function modelLike(decider: (req: ChatRequest) => Partial<DeciderAnswer> = () => ({})) {
  return (req: ChatRequest): Reply => ({
    content: JSON.stringify(isDecider(req) ? deciderAnswer(req, decider(req)) : analystAnswer(req)),
  });
}

export async function startModel(): Promise<ChatCompletionsServer> {
  return new ChatCompletionsServer(modelLike(), API_KEY).start();
}

/**
 * AI settings pointing at `server`, over the context's config. Model names
 * are new each call, so no answer cached by another test (or an earlier run,
 * in Redis) can be found again.
 */
export function aiConfig(
  ctx: PipelineContext,
  server: ChatCompletionsServer,
  over: Partial<Config> = {},
): Config {
  const tag = randomUUID().slice(0, 8);
  return loadConfig(
    {},
    {
      ...ctx.config,
      aiBaseUrl: server.baseUrl,
      aiApiKey: API_KEY,
      aiAnalystModel: `analyst-${tag}`,
      aiDeciderModel: `decider-${tag}`,
      pipelineAnalyst: 'ai',
      pipelineDecider: 'ai',
      aiPrices: `analyst-${tag}=0.15/0.6,decider-${tag}=2.5/10`,
      aiTimeoutMs: 2000,
      ...over,
    },
  );
}

/** The context's always-in pipeline with the model stages of `config`. */
export function aiPipeline(ctx: PipelineContext, config: Config, o: Partial<PipelineOptions> = {}): Pipeline {
  const models = createModelStages(config, {
    cache: ctx.services.cache,
    calls: ctx.repo.modelCalls,
    clock: ctx.clock,
    venue: ctx.venue.capabilities.id,
    timeframe: '1h',
  });
  return ctx.custom(models ? { ...o, models } : o);
}
