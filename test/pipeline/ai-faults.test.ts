/**
 * When the model fails, the pipeline goes on with the rules for that
 * candidate and records why: 429 with Retry-After (and no call until it has
 * passed), 500, an answer slower than AI_TIMEOUT_MS, malformed JSON, an answer
 * failing the schema, a spent budget. A schema-valid answer that breaks a
 * rule is rejected and never trades; risk limits still apply to what the
 * model decided; under `both` the model may only veto or shrink.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import type { Pipeline } from '../../src/pipeline/pipeline.js';
import type { ChatCompletionsServer, Reply } from '../fakes/openai/chat-completions-server.js';
import { databaseTargets } from '../support/databases.js';
import { aiConfig, aiPipeline, analystAnswer, isDecider, modelLike, startModel } from './ai-support.js';
import { nextHour, type PipelineContext, pipelineContext } from './support.js';

const targets = await databaseTargets();

describe.each(targets)('model faults on $name', (target) => {
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

  /** A warmed pipeline whose decider answers `fault` on the next bar; returns that bar's decisions and calls. */
  async function deciderFault(fault: Reply, over: Partial<Config> = {}) {
    server.respond(modelLike());
    const config = aiConfig(ctx, server, over);
    const p = aiPipeline(ctx, config);
    await p.runOnce();
    server.respond((req) => (isDecider(req) ? fault : { content: JSON.stringify(analystAnswer(req)) }));
    return { p, config, ...(await nextBar(p)) };
  }

  async function nextBar(p: Pipeline) {
    const seen = new Set((await p.history.listDecisions(500, null)).map((d) => d.id));
    const callsSeen = new Set((await ctx.repo.modelCalls.list(500, null)).map((c) => c.id));
    await nextHour(ctx, p);
    const decisions = (await p.history.listDecisions(500, null)).filter((d) => !seen.has(d.id));
    const calls = (await ctx.repo.modelCalls.list(500, null)).filter((c) => !callsSeen.has(c.id));
    return { decisions, deciderCalls: calls.filter((c) => c.stage === 'decider'), calls };
  }

  const expectRulesDecided = (
    decisions: { decidedBy: string; reason: string; modelNote: string | null }[],
    note: RegExp,
  ) => {
    expect(decisions.length).toBeGreaterThan(0);
    for (const d of decisions) {
      expect(d.decidedBy).toBe('rules');
      expect(d.reason).toBe('always in');
      expect(d.modelNote).toMatch(note);
    }
  };

  it('429 with Retry-After: falls back, sends nothing until it has passed, then asks again', async () => {
    const { p, decisions, calls } = await deciderFault(
      { status: 429, retryAfterS: 120 },
      { aiConcurrency: 1 },
    );
    const deciderCalls = calls.filter((c) => c.stage === 'decider').reverse(); // oldest first
    expect(deciderCalls[0]).toMatchObject({
      outcome: 'rate-limited',
      detail: 'HTTP 429 rate_limit_exceeded',
    });
    expect(deciderCalls.slice(1).every((c) => c.outcome === 'skipped-retry-after')).toBe(true);
    expect(deciderCalls.length).toBeGreaterThan(1);
    expectRulesDecided(
      decisions,
      /fell back to the rules: decider model (rate-limited|skipped: provider asked to retry after)/,
    );
    server.respond(modelLike());
    const later = await nextBar(p); // an hour later the Retry-After has passed
    expect(later.deciderCalls.length).toBeGreaterThan(0);
    expect(later.deciderCalls.every((c) => c.outcome === 'ok')).toBe(true);
  });

  it('500: falls back to the rules with the reason', async () => {
    const { decisions, deciderCalls } = await deciderFault({ status: 500 });
    expect(
      deciderCalls.every((c) => c.outcome === 'server-error' && c.detail === 'HTTP 500 server_error'),
    ).toBe(true);
    expectRulesDecided(decisions, /decider model server-error: HTTP 500/);
  });

  it('an answer slower than AI_TIMEOUT_MS: the call is abandoned and the run goes on with the rules', async () => {
    const { p, decisions, deciderCalls } = await deciderFault(
      { content: '{}', delayMs: 1500 },
      { aiTimeoutMs: 200 },
    );
    expect(deciderCalls.every((c) => c.outcome === 'timeout')).toBe(true);
    expectRulesDecided(decisions, /decider model timeout: no answer within 200 ms/);
    expect((await p.status()).lastRun).toMatchObject({ status: 'ok' });
  });

  it('no answer at all: the same, within the timeout', async () => {
    const { decisions, deciderCalls } = await deciderFault({ hang: true }, { aiTimeoutMs: 200 });
    expect(deciderCalls.every((c) => c.outcome === 'timeout')).toBe(true);
    expectRulesDecided(decisions, /timeout/);
  });

  it('a cut connection is sent once more; cut twice, the rules decide', async () => {
    const once = new Set<string>();
    const flaky = await deciderFault({ content: '' });
    server.respond((req) => {
      if (!isDecider(req)) return { content: JSON.stringify(analystAnswer(req)) };
      const key = req.messages[1]!.content;
      if (once.has(key)) return modelLike()(req);
      once.add(key);
      return { drop: true };
    });
    const again = await nextBar(flaky.p);
    expect(again.deciderCalls.length).toBeGreaterThan(0);
    expect(again.deciderCalls.every((c) => c.outcome === 'ok')).toBe(true);
    const { decisions, deciderCalls } = await deciderFault({ drop: true });
    expect(deciderCalls.every((c) => c.outcome === 'unavailable')).toBe(true);
    expectRulesDecided(decisions, /decider model unavailable: cannot reach the provider/);
  });

  it('malformed JSON, and JSON failing the schema, are rejected: the rules decide', async () => {
    const garbage = await deciderFault({ content: 'Sure! {"action": "enter", ' });
    expect(garbage.deciderCalls.every((c) => c.outcome === 'rejected' && c.answer === null)).toBe(true);
    expectRulesDecided(garbage.decisions, /decider model rejected: answer is not JSON/);
    const bad = JSON.stringify({
      action: 'enter',
      size: 0.5,
      stop: null,
      target: null,
      confidence: 2,
      rationale: 'x',
    });
    const invalid = await deciderFault({ content: bad });
    expectRulesDecided(invalid.decisions, /answer fails the schema: \/confidence must be <= 1/);
  });

  it('an answer cut at the output cap (finish_reason length) is rejected', async () => {
    const { decisions } = await deciderFault({ content: '{"action":"enter"}', finishReason: 'length' });
    expectRulesDecided(decisions, /answer cut short \(finish_reason length\)/);
  });

  it('a schema-valid entry that breaks a rule (stop above the price) is rejected and never trades', async () => {
    server.respond(modelLike());
    const config = aiConfig(ctx, server);
    const p = aiPipeline(ctx, config);
    await p.runOnce();
    server.respond(modelLike(() => ({ stop: 1e9 })));
    const orders = (await ctx.repo.listOrders(500, null)).length;
    const { decisions } = await nextBar(p);
    expect(decisions.length).toBeGreaterThan(0);
    for (const d of decisions) {
      expect(d).toMatchObject({ action: 'skip', decidedBy: 'ai', qty: '0' });
      expect(d.blockedBy).toMatch(/^model answer rejected: stop 1000000000 is not between 0 and the price /);
      expect(d.modelNote).toBe(d.blockedBy);
    }
    expect((await ctx.repo.listOrders(500, null)).length).toBe(orders);
  });

  it('risk limits still apply after the model: max open positions blocks its second entry', async () => {
    server.respond(modelLike());
    const p = aiPipeline(ctx, aiConfig(ctx, server), {
      risk: { positionFraction: 0.1, maxOpenPositions: 1 },
    });
    await p.runOnce();
    const { decisions: next } = await nextBar(p);
    const entered = next.filter((d) => d.action === 'enter');
    const blocked = next.filter((d) => d.action === 'skip');
    expect(entered).toHaveLength(1);
    expect(blocked.length).toBeGreaterThan(0);
    for (const d of blocked)
      expect(d).toMatchObject({ decidedBy: 'ai', blockedBy: 'max open positions 1 reached' });
  });

  it('a spent budget falls back with the limit named, and sends nothing', async () => {
    server.respond(modelLike());
    const before = server.calls.length;
    const config = aiConfig(ctx, server, { aiMaxCallsPerHour: 0, pipelineDecider: 'rules' });
    await aiPipeline(ctx, config).runOnce();
    expect(server.calls.length).toBe(before);
    const signals = await ctx.repo.signalsOfRun((await ctx.repo.lastRun())!.id);
    for (const s of signals) {
      expect(s.modelAnalysis).toBeNull();
      expect(s.modelNote).toMatch(/analyst model skipped: budget spent: AI_MAX_CALLS_PER_HOUR 0 reached/);
    }
    const tokens = aiConfig(ctx, server, { aiMaxTokensPerDay: 50, pipelineDecider: 'rules' });
    await aiPipeline(ctx, tokens).runOnce();
    expect(server.calls.length).toBe(before);
    const calls = await ctx.repo.modelCalls.list(3, null);
    expect(calls.map((c) => [c.outcome, c.tokensIn])).toEqual([
      ['skipped-budget', 0],
      ['skipped-budget', 0],
      ['skipped-budget', 0],
    ]);
    expect(calls[0]!.detail).toMatch(/AI_MAX_TOKENS_PER_DAY 50 would be passed/);
  });

  it('under PIPELINE_DECIDER=both the model vetoes the rules’ entries, or shrinks them, never more', async () => {
    server.respond(modelLike(() => ({ action: 'hold' })));
    const veto = aiPipeline(ctx, aiConfig(ctx, server, { pipelineDecider: 'both' }));
    await veto.runOnce();
    const vetoed = await nextBar(veto);
    expect(vetoed.decisions.length).toBeGreaterThan(0);
    for (const d of vetoed.decisions) {
      expect(d).toMatchObject({
        action: 'skip',
        decidedBy: 'both',
        reason: 'always in',
        blockedBy: 'vetoed by model (hold)',
      });
    }
    server.respond(modelLike(() => ({ size: 0.25, stop: null })));
    const config = aiConfig(ctx, server, { pipelineDecider: 'both' });
    const p = aiPipeline(ctx, config);
    await p.runOnce();
    const shrunk = await nextBar(p);
    const entries = shrunk.decisions.filter((d) => d.action === 'enter');
    expect(entries.length).toBeGreaterThan(0);
    for (const d of entries) {
      expect(d).toMatchObject({ decidedBy: 'both', reason: 'always in' });
      expect(d.modelNote).toBe('model shrank the entry to 0.25 of the size risk allows');
      expect(Number(d.qty) * Number(d.price)).toBeCloseTo(250, 0);
    }
  });
});
