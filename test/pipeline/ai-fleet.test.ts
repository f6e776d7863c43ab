/**
 * Two instances (each its own database, one Redis): what one instance's
 * analyst answered about a closed candle, the other finds in the Redis L2
 * and never asks again — its own call log stays empty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatCompletionsServer } from '../fakes/openai/chat-completions-server.js';
import { sqliteTarget } from '../support/databases.js';
import { redisUrlForTests } from '../support/redis.js';
import { aiConfig, aiPipeline, startModel } from './ai-support.js';
import { type PipelineContext, pipelineContext } from './support.js';

const redisUrl = await redisUrlForTests();

describe.skipIf(!redisUrl)('model answers shared through the Redis L2', () => {
  let a: PipelineContext;
  let b: PipelineContext;
  let server: ChatCompletionsServer;
  beforeAll(async () => {
    a = await pipelineContext(sqliteTarget, { redisUrl: redisUrl! });
    b = await pipelineContext(sqliteTarget, { redisUrl: redisUrl! });
    server = await startModel();
  });
  afterAll(async () => {
    await server.close();
    await a.close();
    await b.close();
  });

  it('asks once for the fleet about the same closed candles', async () => {
    const config = aiConfig(a, server, { pipelineDecider: 'rules' });
    await aiPipeline(a, config).runOnce();
    expect(server.calls).toHaveLength(3);
    await aiPipeline(b, config).runOnce();
    expect(server.calls).toHaveLength(3);
    expect(await b.repo.modelCalls.list(10, null)).toEqual([]);
    const signals = await b.repo.signalsOfRun((await b.repo.lastRun())!.id);
    for (const s of signals) expect(s.modelAnalysis).toMatchObject({ trend: 'up' });
  });
});
