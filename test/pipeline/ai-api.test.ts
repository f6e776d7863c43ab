/**
 * The model stages through the real app: each decision lists the model calls
 * behind its bar and who decided; the call log pages by cursor and refuses a
 * bad query with 400; the cache report shows the model kinds' hit rate; and
 * the API key is never in an answer, a log line or the call log — not even
 * when the provider echoes it back in a 401.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { Pipeline } from '../../src/pipeline/pipeline.js';
import { ChatCompletionsServer } from '../fakes/openai/chat-completions-server.js';
import { databaseTargets } from '../support/databases.js';
import { API_KEY, aiConfig, aiPipeline, modelLike, startModel } from './ai-support.js';
import { nextHour, type PipelineContext, pipelineContext } from './support.js';

const targets = await databaseTargets();

describe.each(targets)('model stages in the API on $name', (target) => {
  let ctx: PipelineContext;
  let server: ChatCompletionsServer;
  let app: FastifyInstance;
  let pipeline: Pipeline;
  let admin: Record<string, string>;
  const seen: string[] = [];
  const get = async (url: string) => {
    const r = await app.inject({ url, headers: admin });
    seen.push(r.body);
    return r;
  };
  beforeAll(async () => {
    ctx = await pipelineContext(target);
    server = await startModel();
    pipeline = aiPipeline(ctx, aiConfig(ctx, server));
    app = await buildApp({ ...ctx.services, pipeline });
    admin = { authorization: `Bearer ${(await ctx.services.users.create('root', { admin: true })).token}` };
    await pipeline.runOnce();
    await nextHour(ctx, pipeline);
  });
  afterAll(async () => {
    await app.close();
    await server.close();
    await ctx.close();
  });

  it('shows who decided each decision and the analyst and decider calls behind its bar', async () => {
    const r = await get('/api/v1/pipeline/decisions?limit=50');
    expect(r.statusCode).toBe(200);
    const entries = r.json().items.filter((d: { action: string }) => d.action === 'enter');
    expect(entries.length).toBeGreaterThan(0);
    for (const d of entries) {
      expect(d).toMatchObject({ decidedBy: 'ai', modelNote: null });
      expect(d.modelCalls.map((c: { stage: string }) => c.stage)).toEqual(['analyst', 'decider']);
      for (const c of d.modelCalls) {
        expect(c).toMatchObject({
          outcome: 'ok',
          symbol: d.symbol,
          barTime: d.barTime,
          templateVersion: 'v1',
        });
        expect(c.tokensIn).toBeGreaterThan(0);
        expect(c.cost).toMatch(/^0\.\d+$/);
      }
      expect(d.modelCalls[1].answer).toMatchObject({ action: 'enter', size: 0.5 });
    }
  });

  it('pages the call log by cursor and answers 400 naming a bad limit', async () => {
    const first = (await get('/api/v1/pipeline/model-calls?limit=2')).json();
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await get(`/api/v1/pipeline/model-calls?limit=2&cursor=${first.nextCursor}`)).json();
    const ids = [...first.items, ...second.items].map((c: { id: number }) => c.id);
    expect(new Set(ids).size).toBe(4);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const bad = await get('/api/v1/pipeline/model-calls?limit=0');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/limit/);
  });

  it('reports the model kinds in /performance/cache with their hit rate', async () => {
    await pipeline.runOnce(); // the same closed candles again: the analyst's answers come from the cache
    const kinds = (await get('/api/v1/performance/cache')).json().kinds;
    const analysis = kinds.find((k: { kind: string }) => k.kind === 'aiAnalysis');
    expect(analysis.hits).toBeGreaterThan(0);
    expect(analysis.hitRate).toBeGreaterThan(0);
    expect(kinds.find((k: { kind: string }) => k.kind === 'aiDecision')).toBeDefined();
  });

  it('never returns nor logs the API key, even when the provider echoes it in a 401', async () => {
    const wrongKey = await new ChatCompletionsServer(modelLike(), 'sk-some-other-key').start();
    try {
      const p = aiPipeline(ctx, aiConfig(ctx, wrongKey, { pipelineDecider: 'rules' }));
      await p.runOnce();
      const calls = await ctx.repo.modelCalls.list(3, null);
      expect(calls.map((c) => [c.outcome, c.detail])).toEqual([
        ['refused', 'HTTP 401 invalid_api_key'],
        ['refused', 'HTTP 401 invalid_api_key'],
        ['refused', 'HTTP 401 invalid_api_key'],
      ]);
      expect(wrongKey.calls).toHaveLength(0); // refused before being recorded: the key was sent
      const signals = await ctx.repo.signalsOfRun((await ctx.repo.lastRun())!.id);
      expect(signals[0]!.modelNote).toBe('analyst model refused: HTTP 401 invalid_api_key');
    } finally {
      await wrongKey.close();
    }
    await get('/api/v1/pipeline/status');
    await get('/api/v1/pipeline/model-calls?limit=500');
    await get('/api/v1/pipeline/decisions?limit=500');
    expect(seen.length).toBeGreaterThan(4);
    const everything = [
      ...seen,
      JSON.stringify(ctx.logs),
      JSON.stringify(await ctx.repo.modelCalls.list(500, null)),
    ];
    for (const text of everything) expect(text).not.toContain(API_KEY);
    expect(server.calls[0]!.authorization).toBe(`Bearer ${API_KEY}`);
  });
});
