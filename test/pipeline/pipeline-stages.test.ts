/**
 * The paper pipeline end to end on real databases and the simulated venue:
 * each stage persists what it produced (run with stage timings, signals,
 * decisions with reasons, orders with fills), simulation mode is said in
 * status and logs, and a failing stage is recorded without stopping the loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedVenue } from '../../src/venues/simulated/simulated-venue.js';
import { databaseTargets } from '../support/databases.js';
import { HOUR, nextHour, type PipelineContext, pipelineContext } from './support.js';

const targets = await databaseTargets();

describe.each(targets)('paper pipeline on $name', (target) => {
  let ctx: PipelineContext;
  beforeAll(async () => {
    ctx = await pipelineContext(target, { pipelineTopN: 3, pipelineLookbackBars: 100 });
  });
  afterAll(() => ctx.close());

  it('says it runs in simulation mode, in status and logs, when no exchange keys are set', async () => {
    const p = await ctx.fromConfig();
    const s = await p.status();
    expect(s).toMatchObject({ running: false, mode: 'paper', simulation: true, lastRun: null });
    expect(s.modeReason).toMatch(/^no exchange keys/);
    p.start();
    await p.settled();
    const warn = ctx.logs.find((l) => l.msg.startsWith('simulation mode'));
    expect(warn?.level).toBe('warn');
    expect(warn?.msg).toContain('no exchange keys');
    const after = await p.status();
    expect(after.running).toBe(true);
    expect(after.lastRun).toMatchObject({ status: 'ok', mode: 'paper', candidates: 3 });
    expect(Object.keys(after.lastRun!.stages).sort()).toEqual(['analysis', 'decision', 'execution', 'scout']);
    expect(after.candidates.map((c) => c.rank)).toEqual([1, 2, 3]);
    expect(after.account.equity).toBe(10_000);
    await p.stop();
    expect((await p.status()).running).toBe(false);
  });

  it('persists signals with indicators (cached as technical), decisions with reasons and filled orders', async () => {
    const p = ctx.custom({});
    await p.runOnce(); // warm-up: history only, no decisions
    const first = await ctx.repo.lastRun();
    expect(first).toMatchObject({ status: 'ok', decisions: 0, candidates: 3 });
    const signals = await ctx.repo.signalsOfRun(first!.id);
    expect(signals.map((s) => s.rank)).toEqual([1, 2, 3]);
    expect(signals[0]!.indicators).toMatchObject({ rsi14: expect.any(Number), atr14: expect.any(Number) });
    expect(signals[0]!.score).toBeGreaterThanOrEqual(signals[1]!.score);
    const barTs = ctx.clock.now() - HOUR; // last closed bar
    const key = `${ctx.venue.capabilities.id}:${signals[0]!.symbol}:1h:${barTs}`;
    expect(ctx.services.cache.peek('technical', key)).toEqual(signals[0]!.indicators);

    await nextHour(ctx, p); // entries decided on the new bar
    const decided = await p.history.listDecisions(50, null);
    const entries = decided.filter((d) => d.action === 'enter');
    expect(entries.length).toBeGreaterThan(0);
    for (const d of entries) expect(d).toMatchObject({ reason: 'always in', blockedBy: null, mode: 'paper' });
    let orders = await ctx.repo.listOrders(50, null);
    expect(orders.filter((o) => o.status === 'open' && o.side === 'buy')).toHaveLength(entries.length);

    await nextHour(ctx, p, 4); // entries fill on the next bar, exits two bars later
    orders = await ctx.repo.listOrders(100, null);
    const buys = orders.filter((o) => o.side === 'buy' && o.status === 'filled');
    const sells = orders.filter((o) => o.side === 'sell' && o.status === 'filled');
    expect(buys.length).toBeGreaterThanOrEqual(entries.length);
    expect(sells.length).toBeGreaterThan(0);
    for (const o of [...buys, ...sells]) {
      expect(Number(o.filledQuantity)).toBeGreaterThan(0);
      expect(Number(o.averagePrice)).toBeGreaterThan(0);
      expect(Number(o.fee)).toBeGreaterThan(0);
      expect(o.decisionId).not.toBeNull();
    }
    const exits = (await p.history.listDecisions(100, null)).filter((d) => d.action === 'exit');
    expect(exits[0]).toMatchObject({ reason: 'held two bars' });
    const status = await p.status();
    expect(status.lastRun!.status).toBe('ok');
    expect(status.account.equity).not.toBe(10_000);
  });

  it('records a failing stage with its error and keeps the loop going', async () => {
    const p = ctx.custom({ intervalMs: HOUR });
    const venue = ctx.venue as SimulatedVenue;
    p.start();
    await p.settled();
    venue.setOutage(true);
    ctx.clock.advance(HOUR); // the loop's next run: the venue is down, the cached data expired
    await p.settled();
    const failed = await p.status();
    expect(failed.running).toBe(true);
    expect(failed.lastRun).toMatchObject({ status: 'failed', errorStage: 'scout' });
    expect(failed.lastError).toMatchObject({ stage: 'scout', runId: failed.lastRun!.id });
    expect(failed.lastError!.message).toMatch(/outage/);
    expect(ctx.logs.some((l) => l.level === 'error' && l.msg.startsWith('run failed in scout'))).toBe(true);
    venue.setOutage(false);
    ctx.clock.advance(HOUR);
    await p.settled();
    const ok = await p.status();
    expect(ok.lastRun).toMatchObject({ status: 'ok' });
    expect(ok.lastRun!.id).toBeGreaterThan(failed.lastRun!.id);
    expect(ok.lastError!.runId).toBe(failed.lastRun!.id); // the last error stays visible
    await p.stop();
    ctx.clock.advance(3 * HOUR);
    await p.settled();
    expect((await ctx.repo.lastRun())!.id).toBe(ok.lastRun!.id); // stopped: no more runs
  });
});
