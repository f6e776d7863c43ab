/**
 * "What if I had copied" through the API, as jobs on the embedded executor:
 * a copy backtest of a simulated leader (deterministic: the same request gives
 * the same result), Monte Carlo from it as from any backtest, one of a Solana
 * wallet read from a loopback JSON-RPC node (priced at the leader's fills),
 * and 400s that name the field with no job written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SolanaRpcLoopbackServer } from '../fakes/solana/solana-rpc-loopback-server.js';
import { randomAddress } from '../fakes/solana/solana-transactions.js';
import { sqliteTarget } from '../support/databases.js';
import { testApp } from '../support/services.js';

describe('copy backtests through the API', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let node: SolanaRpcLoopbackServer;

  beforeAll(async () => {
    node = await SolanaRpcLoopbackServer.start();
    t = await testApp(
      sqliteTarget,
      { simLeaders: 20, simLeaderIntervalMs: 600_000, solanaRpcUrl: node.url, copyEngine: 'off' },
      { realClock: true },
    );
  });
  afterAll(async () => {
    await t?.close();
    await node?.close();
  });

  const post = (url: string, payload: object) =>
    t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: t.alice.headers, payload });
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
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

  const simulated = () => ({
    kind: 'copy',
    source: 'simulated',
    address: 'sim-scalper-3',
    from: day(-20),
    to: day(-6),
    initialCapital: 5000,
    followOptions: { copyMode: 'fixed', fixedAmount: '100', stopLossPct: '5', takeProfitPct: '8' },
  });

  it('replays a simulated leader as a backtest job: metrics, equity curve, copied and skipped trades; deterministic', async () => {
    const r = await post('/backtests', simulated());
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json()).toMatchObject({
      type: 'backtest',
      params: { kind: 'copy', venue: 'simulated', timeframe: '1h' },
    });
    const job = await done(r.json().id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.progress).toBe(100);
    const res = job.result;
    expect(res.kind).toBe('copy');
    expect(res.leaderTrades).toBeGreaterThan(10);
    expect(res.copied.length + res.skipped.length).toBe(res.leaderTrades);
    expect(res.copied.length).toBeGreaterThan(0);
    expect(res.metrics.initialCapital).toBe(5000);
    expect(res.equityCurve.length).toBeGreaterThan(100);
    expect(res.tradeReturns.length).toBe(res.metrics.trades);
    for (const c of res.copied) expect(c.price).toMatch(/^\d+(\.\d+)?$/);
    const again = await done((await post('/backtests', simulated())).json().id);
    expect(again.result.metrics).toEqual(res.metrics);
    expect(again.result.copied).toEqual(res.copied);

    // Monte Carlo from it, as from any backtest: its returns and its capital.
    const mc = await post('/montecarlo', { fromJob: job.id, paths: 100 });
    expect(mc.statusCode, mc.body).toBe(202);
    expect(mc.json().params).toMatchObject({ fromJob: job.id, initialCapital: 5000 });
    expect((await done(mc.json().id)).status).toBe('succeeded');
  });

  it('replays a Solana wallet from the loopback RPC node at the leader fills plus slippage', async () => {
    const wallet = randomAddress();
    const mint = randomAddress();
    const at = Math.floor(Date.now() / 1000) - 3 * 86_400;
    node.addSwap(
      wallet,
      { side: 'buy', mint, tokenUnits: 1_000_000n, tokenDecimals: 6, quote: 'USDC', quoteUnits: 2_000_000n },
      at,
    );
    node.addTransfer(wallet, 5n, at + 10);
    node.addSwap(
      wallet,
      { side: 'sell', mint, tokenUnits: 1_000_000n, tokenDecimals: 6, quote: 'USDC', quoteUnits: 3_000_000n },
      at + 60,
    );
    const r = await post('/backtests', {
      kind: 'copy',
      source: 'solana',
      address: wallet,
      from: day(-5),
      to: day(1),
      initialCapital: 1000,
      slippage: '0.01',
      feeRate: '0',
      followOptions: { copyMode: 'fixed', fixedAmount: '101' },
    });
    expect(r.statusCode, r.body).toBe(202);
    const job = await done(r.json().id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(
      job.result.copied.map((c: { side: string; price: string; size: string }) => [c.side, c.price, c.size]),
    ).toEqual([
      ['buy', '2.02', '50'],
      ['sell', '2.97', '50'],
    ]);
    expect(job.result.metrics.finalEquity).toBeCloseTo(1000 + 50 * (2.97 - 2.02), 6);
  });

  it('a source that fails ends the job failed with DEPENDENCY_UNAVAILABLE, naming the call', async () => {
    node.failNext(503);
    const r = await post('/backtests', {
      kind: 'copy',
      source: 'solana',
      address: randomAddress(),
      from: day(-2),
      to: day(1),
      initialCapital: 1000,
      followOptions: { copyMode: 'fixed', fixedAmount: '10' },
    });
    const job = await done(r.json().id);
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    expect(job.error.message).toContain('getSignaturesForAddress');
  });

  it('bad input is a 400 naming the field, and no job is written', async () => {
    const before = (
      await t.app.inject({ method: 'GET', url: '/api/v1/jobs', headers: t.alice.headers })
    ).json().items.length;
    const cases: [Record<string, unknown>, string][] = [
      [{ source: 'solana', address: '0x56687bf447db6ffa42ffe2204a05edaa20f55839' }, '32 bytes in base58'],
      [{ source: 'nowhere' }, 'source'],
      [{ followOptions: { copyMode: 'fixed' } }, 'followOptions.fixedAmount'],
      [{ initialCapital: -5 }, 'initialCapital'],
      [{ followOptions: 'tight' }, 'followOptions'],
      [
        { followOptions: { copyMode: 'fixed', fixedAmount: {}, allowMarkets: 'BTC/USDT' } },
        'followOptions.allowMarkets',
      ],
      [{ allocation: [1] }, 'allocation'],
      [{ from: '2025-02-30' }, 'from'],
    ];
    for (const [change, named] of cases) {
      const r = await post('/backtests', { ...simulated(), ...change });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.body).toContain(named);
    }
    const after = (
      await t.app.inject({ method: 'GET', url: '/api/v1/jobs', headers: t.alice.headers })
    ).json().items.length;
    expect(after).toBe(before);
  });
});
