/**
 * A backtest replays the decider's answers recorded by the pipeline for the
 * same candles: with a rules strategy that never trades, every trade starts
 * on a bar the model answered for, and the result lists the bars the rules
 * decided instead. No model is called.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { barsFromCandles } from '../../src/engine/bars.js';
import { Action } from '../../src/engine/intent.js';
import type { Strategy } from '../../src/engine/strategy.js';
import { closedCandles } from '../../src/pipeline/scout.js';
import { runReplayBacktest } from '../../src/research/model-replay.js';
import type { ChatCompletionsServer } from '../fakes/openai/chat-completions-server.js';
import { sqliteTarget } from '../support/databases.js';
import { aiConfig, aiPipeline, startModel } from './ai-support.js';
import { HOUR, nextHour, type PipelineContext, pipelineContext } from './support.js';

const never: Strategy = { warmup: 0, onBar() {} };

describe('replaying recorded model answers in a backtest', () => {
  let ctx: PipelineContext;
  let server: ChatCompletionsServer;
  beforeAll(async () => {
    ctx = await pipelineContext(sqliteTarget);
    server = await startModel();
  });
  afterAll(async () => {
    await server.close();
    await ctx.close();
  });

  it('decides the answered bars as the model did, says which bars fell back, and asks nothing', async () => {
    const config = aiConfig(ctx, server);
    const p = aiPipeline(ctx, config);
    await p.runOnce();
    await nextHour(ctx, p, 4);
    const decided = (await ctx.repo.modelCalls.list(500, null)).filter(
      (c) => c.stage === 'decider' && c.outcome === 'ok',
    );
    const symbol = decided[0]!.symbol;
    const got = await ctx.services.marketData.ohlcv(symbol, '1h', 100);
    const candles = closedCandles(got.value, HOUR, ctx.clock.now());
    const bars = barsFromCandles(candles);
    const recorded = await p.history.recordedDecisions({
      model: config.aiDeciderModel,
      symbol,
      from: candles[0]!.ts,
      to: candles.at(-1)!.ts + 1,
      limit: 100,
    });
    expect(recorded).toMatchObject({ more: false, unreadable: 0 });
    const answers = new Map(recorded.answers);
    expect(answers.size).toBe(decided.filter((c) => c.symbol === symbol).length);
    const asked = server.calls.length;

    const r = runReplayBacktest({
      strategy: never,
      symbol,
      bars,
      initialCapital: 10_000,
      risk: { positionFraction: 0.1 },
      barMs: HOUR,
      answers,
      mode: 'ai',
    });
    expect(server.calls.length).toBe(asked);
    expect(r.model.replayed.sort()).toEqual([...answers.keys()].sort());
    expect(r.model.fellBack).toHaveLength(bars.length - answers.size);
    expect(r.model.fellBack.filter((t) => answers.has(t))).toEqual([]);
    expect(r.trades.length).toBeGreaterThan(0);
    for (const t of r.trades) expect(answers.has(bars.ts[t.entryBar - 1]!)).toBe(true); // filled on the bar after

    const vetoes = new Map([...answers].map(([ts, a]) => [ts, { ...a, action: 'hold' as const }]));
    const always: Strategy = {
      warmup: 0,
      onBar(_b, _i, _pos, it) {
        it.action = Action.EnterLong;
      },
    };
    const vetoed = runReplayBacktest({
      strategy: always,
      symbol,
      bars,
      initialCapital: 10_000,
      barMs: HOUR,
      answers: vetoes,
      mode: 'both',
    });
    expect(vetoed.model.refused).toHaveLength(answers.size);
    expect(new Set(vetoed.model.refused.map((x) => x.blockedBy))).toEqual(
      new Set(['vetoed by model (hold)']),
    );
  });
});
