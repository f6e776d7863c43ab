/**
 * Risk limits stop (or cut) entries in the pipeline, and the decisions say
 * why: maximum open positions, maximum exposure per symbol, and the daily
 * loss limit that stops new entries for the rest of the UTC day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../support/databases.js';
import { nextHour, type PipelineContext, pipelineContext } from './support.js';

const targets = await databaseTargets();

describe.each(targets)('pipeline risk limits on $name', (target) => {
  let ctx: PipelineContext;
  /** Three fixed symbols: every one is a candidate in every run. */
  let symbols: string[];
  beforeAll(async () => {
    ctx = await pipelineContext(target);
    const markets = await ctx.venue.fetchMarkets();
    symbols = markets
      .filter((m) => m.kind === 'spot')
      .map((m) => m.symbol)
      .slice(0, 3);
  });
  afterAll(() => ctx.close());

  it('skips entries beyond the maximum of open positions, saying so', async () => {
    const p = ctx.custom({ symbols, risk: { positionFraction: 0.1, maxOpenPositions: 1 } });
    await p.runOnce();
    await nextHour(ctx, p);
    const run = await ctx.repo.lastRun();
    const decisions = (await p.history.listDecisions(50, null)).filter((d) => d.runId === run!.id);
    expect(decisions).toHaveLength(3);
    expect(decisions.filter((d) => d.action === 'enter')).toHaveLength(1);
    const skipped = decisions.filter((d) => d.action === 'skip');
    expect(skipped).toHaveLength(2);
    for (const d of skipped) {
      expect(d.blockedBy).toBe('max open positions 1 reached');
      expect(d.qty).toBe('0');
    }
    expect((await p.status()).account.openPositions).toBe(1);
    await p.stop();
  });

  it('cuts an entry to the maximum exposure per symbol', async () => {
    const p = ctx.custom({
      symbols,
      risk: { positionFraction: 1, maxSymbolExposure: 0.25, maxOpenPositions: 1 },
    });
    await p.runOnce();
    await nextHour(ctx, p);
    const run = await ctx.repo.lastRun();
    const entry = (await p.history.listDecisions(50, null)).find(
      (d) => d.runId === run!.id && d.action === 'enter',
    )!;
    // 25% of the 10,000 equity at the decision bar's close.
    expect(Number(entry.qty) * Number(entry.price)).toBeCloseTo(2500, 6);
    await p.stop();
  });

  it('stops new entries for the rest of the day once the daily loss limit is reached; exits still go', async () => {
    // 5% slippage on entries: filling them costs more than the 0.1% limit.
    const p = ctx.custom({
      symbols,
      execution: { kind: 'paper', initialCash: 10_000, feeRate: 0.001, slippageBps: 500 },
      risk: { positionFraction: 0.2, dailyLossLimit: 0.001 },
    });
    await p.runOnce();
    await nextHour(ctx, p); // entries decided
    await nextHour(ctx, p); // entries fill at a loss: halted
    expect((await p.status()).account.haltedByDailyLoss).toBe(true);
    await nextHour(ctx, p, 3); // held two bars: exits, then the strategy wants back in
    const all = await p.history.listDecisions(200, null);
    const exits = all.filter((d) => d.action === 'exit');
    expect(exits.length).toBeGreaterThan(0);
    const blocked = all.filter((d) => d.action === 'skip' && d.blockedBy?.startsWith('daily loss limit'));
    expect(blocked.length).toBeGreaterThan(0);
    expect(blocked[0]!.blockedBy).toBe('daily loss limit 0.1% reached');
    const lastEntry = Math.max(...all.filter((d) => d.action === 'enter').map((d) => d.createdAt));
    expect(Math.min(...blocked.map((d) => d.createdAt))).toBeGreaterThan(lastEntry);
    await p.stop();
  });
});
