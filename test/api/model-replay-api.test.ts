/**
 * A backtest replaying the decider answers the pipeline recorded, through the
 * job API on every database: the pipeline runs with the loopback model for a
 * few hours, then `POST /backtests` with `modelReplay` queues a job that
 * decides exactly the answered bars as the model did and lists the others as
 * fallback runs; the model is not asked again. Bad replays get a 400 naming
 * the field, and no job is written.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REPLAY_ANSWERS } from '../../src/domain/model-replay.js';
import { resolveModelReplay } from '../../src/jobs/model-replay-submission.js';
import { parseBacktestRequest } from '../../src/research/index.js';
import type { ChatCompletionsServer } from '../fakes/openai/chat-completions-server.js';
import { API_KEY, startModel } from '../pipeline/ai-support.js';
import { databaseTargets } from '../support/databases.js';
import { testApp } from '../support/services.js';

const HOUR = 3_600_000;
const DECIDER = 'replayed-decider';
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(await databaseTargets())('model replay backtests through the API on $name', (target) => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let model: ChatCompletionsServer;
  let symbol: string;
  let answered: number[];
  let asked: number;

  beforeAll(async () => {
    model = await startModel();
    t = await testApp(target, {
      aiBaseUrl: model.baseUrl,
      aiApiKey: API_KEY,
      aiDeciderModel: DECIDER,
      pipelineDecider: 'ai',
      pipelineTimeframe: '1h',
      pipelineSymbols: 'BTC/USDT,ETH/USDT',
      pipelineWarmupBars: 50,
      pipelineLookbackBars: 100,
      marketDataBatchWindowMs: 0, // the manual clock never closes a batching window
    });
    const pipeline = t.services.pipeline;
    await pipeline.runOnce();
    for (let h = 0; h < 4; h++) {
      t.clock.advance(HOUR);
      await pipeline.runOnce();
    }
    const calls = (await pipeline.history.listModelCalls(500, null)).filter(
      (c) => c.stage === 'decider' && c.outcome === 'ok',
    );
    symbol = calls[0]!.symbol;
    answered = [...new Set(calls.filter((c) => c.symbol === symbol).map((c) => c.barTs))].sort();
    asked = model.calls.length;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await model?.close();
  });

  const request = (over: object = {}) => ({
    strategy: 'sma-cross',
    params: { fast: 5, slow: 20 },
    venue: 'simulated',
    symbol,
    timeframe: '1h',
    from: iso(answered[0]! - 5 * 24 * HOUR),
    to: iso(answered.at(-1)! + 3 * HOUR),
    initialCapital: 10_000,
    modelReplay: { stage: 'decider', mode: 'ai' },
    ...over,
  });
  const post = (payload: object) =>
    t.app.inject({ method: 'POST', url: '/api/v1/backtests', headers: t.alice.headers, payload });
  const done = async (id: number) => {
    for (let i = 0; i < 1500; i++) {
      const j = (
        await t.app.inject({ method: 'GET', url: `/api/v1/jobs/${id}`, headers: t.alice.headers })
      ).json();
      if (!['queued', 'running'].includes(j.status)) return j;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`job ${id} did not finish`);
  };
  const jobCount = async () =>
    (await t.app.inject({ url: '/api/v1/jobs?limit=200', headers: t.alice.headers })).json().items.length;

  it('decides the answered bars as recorded, lists the rest as fallback runs, and asks no model', async () => {
    expect(answered.length).toBeGreaterThan(1);
    const r = await post(request());
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json().params.modelReplay).toEqual({ stage: 'decider', mode: 'ai' }); // the client's fields
    const job = await done(r.json().id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const res = job.result;
    expect(res.request.modelReplay).toEqual({ stage: 'decider', model: DECIDER, mode: 'ai' });
    expect(res.model).toMatchObject({
      stage: 'decider',
      model: DECIDER,
      mode: 'ai',
      answers: answered.length,
      answersCapped: false,
      unreadable: 0,
    });
    expect(res.model.replayed).toEqual({ count: answered.length, bars: answered });
    expect(res.model.replayed.count + res.model.fellBack.count).toBe(res.bars);
    // The runs cover every other bar: one before the answers, then the gaps between them (hourly, no holes).
    const runs: [number, number][] = res.model.fellBack.ranges;
    const inRuns = runs.reduce((n, [a, b]) => n + (b - a) / HOUR + 1, 0);
    expect(inRuns).toBe(res.model.fellBack.count);
    expect(runs[0]![0]).toBe(res.firstBar);
    for (const ts of answered) expect(runs.some(([a, b]) => a <= ts && ts <= b)).toBe(false);
    expect(res.model.refused).toEqual({ count: 0, items: [] }); // the loopback model's entries break no rule
    expect(model.calls.length).toBe(asked);

    // /openapi.json documents the `model` part, and this answer matches it.
    const doc = (await t.app.inject({ url: '/openapi.json' })).json();
    const jobSchema = doc.paths['/api/v1/jobs/{id}'].get.responses['200'].content['application/json'].schema;
    expect(jobSchema.properties.result).toEqual({ $ref: '#/components/schemas/JobResult' });
    const backtest = doc.components.schemas.JobResult.anyOf.find(
      (v: { title?: string }) => v.title === 'BacktestResult',
    );
    expect(Object.keys(backtest.properties.model.properties)).toEqual(Object.keys(res.model));
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ $id: 'doc', components: doc.components });
    const validate = ajv.compile(
      JSON.parse(JSON.stringify(jobSchema).replaceAll('"#/components/', '"doc#/components/')),
    );
    expect(validate(job), JSON.stringify(validate.errors)).toBe(true);

    // Only the model's say changes: without the replay, the same bars are the rules' alone.
    const plain = await done((await post(request({ modelReplay: undefined }))).json().id);
    expect(plain.result.model).toBeUndefined();
    expect(plain.result.bars).toBe(res.bars);
  });

  it.each([
    [{ modelReplay: { stage: 'analyst' } }, 'modelReplay.stage', /must be "decider": only the decider's/],
    [{ modelReplay: { stage: 'decider', mode: 'sometimes' } }, 'modelReplay.mode', /one of ai, both/],
    [{ modelReplay: { stage: 'decider', model: 'm'.repeat(129) } }, 'modelReplay.model', /at most 128/],
    [{ modelReplay: { stage: 'decider', model: 'has space' } }, 'modelReplay.model', /a model name/],
    [{ modelReplay: { stage: 'decider', temperature: 0 } }, 'modelReplay.temperature', /not a field/],
    [{ modelReplay: 'yes' }, 'modelReplay', /must be an object/],
    [{ timeframe: '4h' }, 'timeframe', /must be 1h for a model replay/],
    [{ venue: 'replay', symbol: 'SPX' }, 'venue', /must be simulated for a model replay/],
    [
      { modelReplay: { stage: 'decider', model: 'never-asked' } },
      'modelReplay',
      /no decider answer of never-asked/,
    ],
  ])('refuses %j with a 400 naming %s, and writes no job', async (over, path, message) => {
    const before = await jobCount();
    const r = await post(request(over));
    expect(r.statusCode, r.body).toBe(400);
    const detail = r.json().error.details.find((d: { path: string }) => d.path === path);
    expect(detail?.message, r.body).toMatch(message);
    expect(await jobCount()).toBe(before);
  });

  it('refuses a range the pipeline never decided in, naming the model, symbol and dates', async () => {
    const from = answered[0]! - 30 * 24 * HOUR;
    const r = await post(request({ from: iso(from), to: iso(from + 5 * 24 * HOUR) }));
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toContain(`no decider answer of ${DECIDER} about ${symbol} between`);
  });

  it('reads at most the cap, the first bars first, and says the range held more', async () => {
    const source = {
      venue: 'simulated',
      timeframe: '1h',
      defaultModel: DECIDER,
      read: t.services.pipeline.history.recordedDecisions.bind(t.services.pipeline.history),
    };
    const parsed = parseBacktestRequest(request());
    const capped = await resolveModelReplay(parsed, source, 1);
    expect(capped.modelReplay).toMatchObject({ model: DECIDER, capped: true, unreadable: 0 });
    expect(capped.modelReplay!.answers.map(([ts]) => ts)).toEqual([answered[0]]);
    const whole = await resolveModelReplay(parsed, source);
    expect(whole.modelReplay!.answers.map(([ts]) => ts)).toEqual(answered);
    expect(whole.modelReplay!.capped).toBe(false);
    expect(MAX_REPLAY_ANSWERS).toBeGreaterThan(answered.length);
    // With no AI_DECIDER_MODEL, a replay has to name its model.
    await expect(resolveModelReplay(parsed, { ...source, defaultModel: '' })).rejects.toThrow(
      /modelReplay.model must be given: AI_DECIDER_MODEL is not set/,
    );
  });
});
