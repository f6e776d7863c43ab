/**
 * The model stages end to end on real databases: the official `openai`
 * client against a loopback chat-completions server. The analyst's answer is
 * stored with each signal and given to the decider; the decider's entries
 * trade at the share of the risk size it asked for; every call is in the log
 * with tokens, latency, cost and outcome; the same closed candle is never
 * asked about twice (same run, a restarted pipeline). With the settings at
 * `rules`, nothing asks a model. The request is what the API expects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import { createModelStages } from '../../src/pipeline/ai/create-model-stages.js';
import type { ChatCompletionsServer } from '../fakes/openai/chat-completions-server.js';
import { databaseTargets } from '../support/databases.js';
import { API_KEY, aiConfig, aiPipeline, startModel } from './ai-support.js';
import { nextHour, type PipelineContext, pipelineContext } from './support.js';

const targets = await databaseTargets();

describe.each(targets)('model stages on $name', (target) => {
  let ctx: PipelineContext;
  let server: ChatCompletionsServer;
  beforeAll(async () => {
    ctx = await pipelineContext(target);
    server = await startModel();
  });
  afterAll(async () => {
    await server.close();
    await ctx.close();
  });

  it('asks the analyst about each candidate, then the decider on the next bar, and trades what it decided', async () => {
    const config = aiConfig(ctx, server);
    const p = aiPipeline(ctx, config);
    const before = server.calls.length;
    await p.runOnce(); // warm-up: the analyst reads the candidates, nothing is decided
    const run = (await ctx.repo.lastRun())!;
    expect(run).toMatchObject({ status: 'ok', candidates: 3, decisions: 0 });
    const signals = await ctx.repo.signalsOfRun(run.id);
    for (const s of signals) {
      expect(s.modelAnalysis).toMatchObject({ trend: 'up', signal: 'bullish', confidence: 0.7 });
      expect(s.modelNote).toBeNull();
    }
    const asked = server.calls.slice(before);
    expect(asked).toHaveLength(3);
    const req = asked[0]!;
    expect(req.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req.body).toMatchObject({
      model: config.aiAnalystModel,
      stream: false,
      temperature: 0,
      max_completion_tokens: config.aiMaxOutputTokens,
      response_format: { type: 'json_schema', json_schema: { name: 'tradeloop_analysis', strict: true } },
    });
    expect(req.body.messages.map((m) => m.role)).toEqual(['system', 'user']);

    let calls = await ctx.repo.modelCalls.list(50, null);
    expect(calls.map((c) => [c.stage, c.outcome])).toEqual([
      ['analyst', 'ok'],
      ['analyst', 'ok'],
      ['analyst', 'ok'],
    ]);
    for (const c of calls) {
      expect(c.tokensIn).toBeGreaterThan(100);
      expect(c.tokensOut).toBeGreaterThan(10);
      expect(c.promptHash).toMatch(/^[0-9a-f]{64}$/);
      expect(c.runId).toBe(run.id);
      // 0.15 USD in, 0.6 USD out per million tokens (AI_PRICES).
      expect(Number(c.cost)).toBeCloseTo((c.tokensIn * 0.15 + c.tokensOut * 0.6) / 1e6, 10);
    }

    await nextHour(ctx, p); // a new bar: the decider answers for every symbol with an engine
    calls = await ctx.repo.modelCalls.list(50, null);
    const deciderCalls = calls.filter((c) => c.stage === 'decider');
    expect(deciderCalls.length).toBeGreaterThan(0);
    expect(deciderCalls.every((c) => c.outcome === 'ok' && c.model === config.aiDeciderModel)).toBe(true);
    const deciderPrompt = server.calls.at(-1)!.body.messages[1]!.content;
    expect(deciderPrompt).toContain('analysis {"trend":"up"');
    const decisions = await p.history.listDecisions(50, null);
    const entries = decisions.filter((d) => d.action === 'enter');
    expect(entries.length).toBe(deciderCalls.length);
    for (const d of entries) {
      expect(d).toMatchObject({ decidedBy: 'ai', modelNote: null, blockedBy: null });
      expect(d.reason).toBe('model: trend up, room to resistance');
      // Half (size 0.5) of the 10% of 10,000 the risk limits allow.
      expect(Number(d.qty) * Number(d.price)).toBeCloseTo(500, 0);
    }
    const orders = await ctx.repo.listOrders(50, null);
    expect(orders.filter((o) => o.side === 'buy')).toHaveLength(entries.length);
    expect((await p.status()).models).toEqual({
      analyst: 'ai',
      decider: 'ai',
      analystModel: config.aiAnalystModel,
      deciderModel: config.aiDeciderModel,
      callsLastHour: calls.length,
      tokensToday: calls.reduce((n, c) => n + c.tokensIn + c.tokensOut, 0),
    });
  });

  it('never asks twice about the same closed candle: not in the next run, not after a restart', async () => {
    const config = aiConfig(ctx, server);
    await aiPipeline(ctx, config).runOnce();
    const asked = server.calls.length;
    const p = aiPipeline(ctx, config);
    await p.runOnce();
    await p.runOnce();
    expect(server.calls.length).toBe(asked);
    // A restart loses the in-process cache: the answers come from the call log.
    await ctx.services.cache.invalidateTags(['kind:aiAnalysis', 'kind:aiDecision']);
    await aiPipeline(ctx, config).runOnce();
    expect(server.calls.length).toBe(asked);
    const kinds = ctx.services.cache.metrics().filter((k) => k.kind === 'aiAnalysis');
    expect(kinds[0]!.hits).toBeGreaterThan(0);
  });

  it('asks nothing with PIPELINE_ANALYST and PIPELINE_DECIDER at rules (the defaults)', async () => {
    const config = aiConfig(ctx, server, { pipelineAnalyst: 'rules', pipelineDecider: 'rules' });
    expect(
      createModelStages(config, {
        cache: ctx.services.cache,
        calls: ctx.repo.modelCalls,
        clock: ctx.clock,
        venue: 'x',
        timeframe: '1h',
      }),
    ).toBeUndefined();
    const p = await ctx.fromConfig();
    const asked = server.calls.length;
    await p.runOnce();
    await nextHour(ctx, p);
    expect(server.calls.length).toBe(asked);
    expect((await p.status()).models).toBeUndefined();
  });

  it('refuses to build a model stage without AI_BASE_URL or its model, naming them', () => {
    const config = { ...aiConfig(ctx, server), aiBaseUrl: '', aiDeciderModel: '' };
    const deps = {
      cache: ctx.services.cache,
      calls: ctx.repo.modelCalls,
      clock: ctx.clock,
      venue: 'x',
      timeframe: '1h',
    };
    expect(() => createModelStages(config, deps)).toThrow(ValidationError);
    expect(() => createModelStages(config, deps)).toThrow(/set AI_BASE_URL, AI_DECIDER_MODEL/);
  });

  it('sends JSON mode (json_object) with the schema in the system message when asked to', async () => {
    const config = aiConfig(ctx, server, { aiResponseFormat: 'json_object', pipelineDecider: 'rules' });
    const before = server.calls.length;
    await aiPipeline(ctx, config).runOnce();
    const req = server.calls[before]!.body;
    expect(req.response_format).toEqual({ type: 'json_object' });
    expect(req.messages[0]!.content).toContain('JSON schema: {"type":"object"');
    const calls = await ctx.repo.modelCalls.list(3, null);
    expect(calls.every((c) => c.outcome === 'ok')).toBe(true);
  });
});
