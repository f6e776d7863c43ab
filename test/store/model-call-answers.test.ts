/**
 * The call log's answers for a backtest replay, on every dialect: only `ok`
 * answers of the named stage, model and symbol, bars opened in [from, to),
 * the newest answer per bar, oldest bar first, and at most `limit` bars with
 * `more` saying the range held others; and each answer checked against the
 * decider's schema again before a backtest may replay it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineHistory } from '../../src/pipeline/pipeline-history.js';
import { ModelCallRepository, type NewModelCall } from '../../src/store/model-call-repository.js';
import { PipelineRepository } from '../../src/store/pipeline-repository.js';
import { databaseTargets } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 0, 10);
const ENTER = { action: 'enter', size: 0.5, stop: 90, target: 120, confidence: 0.6, rationale: 'up' };

describe.each(await databaseTargets())('recorded answers on $name', (target) => {
  let ctx: TestContext;
  let calls: ModelCallRepository;
  beforeAll(async () => {
    ctx = await testServices(target);
    calls = new ModelCallRepository(ctx.services.db);
    const call = (over: Partial<NewModelCall>): NewModelCall => ({
      runId: null,
      stage: 'decider',
      symbol: 'BTC/USDT',
      barTs: T,
      model: 'm1',
      templateVersion: 'v1',
      promptHash: 'h',
      tokensIn: 10,
      tokensOut: 5,
      latencyMs: 1,
      cost: null,
      outcome: 'ok',
      detail: null,
      answer: { n: 0 },
      createdAt: T,
      ...over,
    });
    for (const c of [
      call({ barTs: T, answer: { n: 1 } }),
      call({ barTs: T, answer: { n: 2 } }), // asked again about the same bar: the newest counts
      call({ barTs: T + HOUR, outcome: 'timeout', answer: null }),
      call({ barTs: T + 2 * HOUR, answer: { n: 3 } }),
      call({ barTs: T + 2 * HOUR, outcome: 'rejected', answer: null }), // newer, but not an answer
      call({ barTs: T + 3 * HOUR, answer: { n: 4 } }),
      call({ barTs: T + 4 * HOUR, answer: { n: 5 } }),
      call({ barTs: T + 3 * HOUR, model: 'm2', answer: { n: 6 } }),
      call({ barTs: T + 3 * HOUR, symbol: 'ETH/USDT', answer: { n: 7 } }),
      call({ barTs: T + 3 * HOUR, stage: 'analyst', answer: { n: 8 } }),
      call({ symbol: 'SOL/USDT', barTs: T, answer: ENTER }),
      call({ symbol: 'SOL/USDT', barTs: T + HOUR, answer: { ...ENTER, size: 2 } }), // a share above 1
    ])
      await calls.insert(c);
  });
  afterAll(() => ctx.close());

  const q = { stage: 'decider' as const, model: 'm1', symbol: 'BTC/USDT', from: T, to: T + 4 * HOUR };

  it('reads the newest ok answer per bar of one stage, model and symbol, in [from, to), oldest first', async () => {
    const { answers, more } = await calls.answersFor({ ...q, limit: 100 });
    expect([...answers]).toEqual([
      [T, { n: 2 }],
      [T + 2 * HOUR, { n: 3 }],
      [T + 3 * HOUR, { n: 4 }],
    ]);
    expect(more).toBe(false);
  });

  it('reads at most `limit` bars, the first ones, and says the range held more', async () => {
    const two = await calls.answersFor({ ...q, limit: 2 });
    expect([...two.answers.keys()]).toEqual([T, T + 2 * HOUR]);
    expect(two.more).toBe(true);
    const three = await calls.answersFor({ ...q, limit: 3 });
    expect(three.more).toBe(false);
  });

  it("replays only answers that still pass the decider's schema, and counts the others", async () => {
    const history = new PipelineHistory(new PipelineRepository(ctx.services.db));
    const read = await history.recordedDecisions({ ...q, symbol: 'SOL/USDT', limit: 10 });
    expect(read).toEqual({ answers: [[T, ENTER]], more: false, unreadable: 1 });
  });
});
