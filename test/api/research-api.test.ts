/**
 * /api/v1 research end to end on every database, with the embedded executor:
 * the strategy catalogue, 202 + the job on submit, results read back, 400s
 * that name the field (and write nothing), 403 for another user's job, list
 * pages with a cursor, cancel, and the API answering while a job runs.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAuth } from '../../src/api/auth.js';
import { AuthFailureLimiter } from '../../src/api/client-guard.js';
import { researchRoutes } from '../../src/api/routes/research.js';
import { systemClock } from '../../src/domain/clock.js';
import { createJobs, type JobManager } from '../../src/jobs/index.js';
import { venueConfig } from '../../src/part-config.js';
import { LONG_JOB, SHORT_JOB, SPX_BACKTEST } from '../jobs/harness.js';
import { databaseTargets } from '../support/databases.js';
import { testApp } from '../support/services.js';

type Ctx = Awaited<ReturnType<typeof testApp>>;

/** The research routes as the app will have them: `services.jobs` once wired, else built and mounted here. */
async function withResearch(t: Ctx): Promise<{ jobs: JobManager; own: boolean }> {
  const s = t.services;
  const wired = (s as unknown as { jobs?: JobManager }).jobs;
  const jobs =
    wired ?? (await createJobs({ db: s.db, clock: s.clock, venueConfig: venueConfig(s.config) }, s.config));
  if (!t.app.hasRoute({ method: 'GET', url: '/api/v1/strategies' })) {
    await t.app.register(
      async (api: FastifyInstance) => {
        registerAuth(api, s.users, new AuthFailureLimiter(systemClock, 60));
        researchRoutes(api, { jobs });
      },
      { prefix: '/api/v1' },
    );
  }
  return { jobs, own: wired === undefined };
}

describe.each(await databaseTargets())('research API on $name', (target) => {
  let t: Ctx;
  let jobs: JobManager;
  let own = false;
  beforeAll(async () => {
    t = await testApp(
      target,
      // LONG_JOB (10^9 steps) is over the default MONTECARLO_MAX_STEPS.
      { maxConcurrentJobs: 1, jobExecutor: 'embedded', monteCarloMaxSteps: 1_000_000_000 },
      { realClock: true },
    );
    ({ jobs, own } = await withResearch(t));
  });
  afterAll(async () => {
    if (own) await jobs?.close();
    await t?.close();
  });

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, who = t.alice, payload?: object) =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who.headers,
      ...(payload === undefined ? {} : { payload }),
    });

  const waitDone = async (id: number, who = t.alice) => {
    for (let i = 0; i < 1000; i++) {
      const j = (await call('GET', `/jobs/${id}`, who)).json();
      if (!['queued', 'running'].includes(j.status)) return j;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`job ${id} did not finish`);
  };

  it('lists the strategies with their parameters', async () => {
    const r = await call('GET', '/strategies');
    expect(r.statusCode).toBe(200);
    const ids = r.json().items.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['sma-cross', 'rsi-reversion', 'breakout']));
    const sma = r.json().items.find((s: { id: string }) => s.id === 'sma-cross');
    expect(sma.params.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['fast', 'slow']));
  });

  it('answers 202 with the queued job, then serves its result', async () => {
    const r = await call('POST', '/backtests', t.alice, { ...SPX_BACKTEST, priority: 'high' });
    expect(r.statusCode).toBe(202);
    const job = r.json();
    expect(job).toMatchObject({
      type: 'backtest',
      status: 'queued',
      priority: 'high',
      progress: 0,
      result: null,
    });
    expect(job.params).toEqual(SPX_BACKTEST);
    expect(r.headers.location).toBe(`/api/v1/jobs/${job.id}`);
    const done = await waitDone(job.id);
    expect(done).toMatchObject({ status: 'succeeded', progress: 100, error: null });
    // Sent as stored, spliced into the job: the same fields as any job, JSON, the result complete.
    const got = await call('GET', `/jobs/${job.id}`);
    expect(got.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Object.keys(got.json()).sort()).toEqual(Object.keys(job).sort());
    expect(got.json()).toEqual(done);
    expect(done.result.metrics).toHaveProperty('maxDrawdown');
    // Holding the symbol over the same bars: 10,000 at the first close, the same span as the strategy's curve.
    const hold = done.result.buyAndHold;
    expect(hold.equityCurve[0]).toEqual(done.result.equityCurve[0]);
    expect(hold.equityCurve.at(-1).ts).toBe(done.result.equityCurve.at(-1).ts);
    expect(hold.equityCurve.at(-1).equity / 10_000 - 1).toBeCloseTo(hold.totalReturn, 10);
    expect(hold.totalReturn).not.toBe(done.result.metrics.totalReturn);
    expect(new Date(done.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(done.startedAt).getTime());

    const mc = await call('POST', '/montecarlo', t.alice, {
      fromJob: job.id,
      method: 'bootstrap',
      paths: 1000,
    });
    expect(mc.statusCode).toBe(202);
    expect((await waitDone(mc.json().id)).result).toMatchObject({ paths: 1000, method: 'bootstrap' });
  });

  it("runs a Monte Carlo from a backtest with that backtest's initial capital", async () => {
    const bt = (
      await call('POST', '/backtests', t.alice, {
        ...SPX_BACKTEST,
        from: '2010-01-01',
        initialCapital: 5_000,
      })
    ).json();
    expect((await waitDone(bt.id)).status).toBe('succeeded');
    const mc = (await call('POST', '/montecarlo', t.alice, { fromJob: bt.id, paths: 200 })).json();
    expect(mc.params).toMatchObject({ fromJob: bt.id, initialCapital: 5_000 });
    expect((await waitDone(mc.id)).result).toMatchObject({ initialCapital: 5_000 });
    // A capital the client names is its own question ("what if I had started with 20,000").
    const own = (
      await call('POST', '/montecarlo', t.alice, { fromJob: bt.id, paths: 200, initialCapital: 20_000 })
    ).json();
    expect((await waitDone(own.id)).result).toMatchObject({ initialCapital: 20_000 });
  });

  it('rejects bad parameters with 400 naming the field and the limit, writing nothing', async () => {
    const count = async () => (await call('GET', '/jobs?limit=200')).json().items.length;
    const before = await count();
    const cases: [string, object, string, string][] = [
      ['/backtests', { ...SPX_BACKTEST, strategy: 'moon' }, 'strategy', 'sma-cross'],
      ['/backtests', { ...SPX_BACKTEST, from: '2020-01-01', to: '2019-12-31' }, 'to', 'empty'],
      ['/backtests', { ...SPX_BACKTEST, venue: 'nasdaq' }, 'venue', 'replay'],
      ['/backtests', { ...SPX_BACKTEST, symbol: 'NOPE' }, 'symbol', 'venue replay has no market "NOPE"'],
      [
        '/backtests',
        { ...SPX_BACKTEST, venue: 'simulated', symbol: 'SPX', timeframe: '1h' },
        'symbol',
        'venue simulated has no market "SPX"',
      ],
      ['/backtests', { ...SPX_BACKTEST, priority: 'urgent' }, 'priority', 'high, normal, low'],
      ['/backtests', { ...SPX_BACKTEST, timeoutMs: 1e12 }, 'timeoutMs', '600000'],
      ['/montecarlo', { ...SHORT_JOB, paths: 1e9 }, 'paths', '1,000,000'],
      ['/montecarlo', { fromJob: 999_999 }, 'fromJob', 'does not exist'],
    ];
    for (const [url, body, field, limit] of cases) {
      const r = await call('POST', url, t.alice, body);
      expect(r.statusCode, `${url} ${field}`).toBe(400);
      const detail = r.json().error.details.find((d: { path: string }) => d.path === field);
      expect(detail, `${field} in ${JSON.stringify(r.json())}`).toBeDefined();
      expect(detail.message).toContain(limit);
    }
    expect((await call('POST', '/backtests', t.alice)).statusCode).toBe(400);
    expect(await count()).toBe(before);
  });

  it("answers 403 for another user's job and 404 for none", async () => {
    const job = (await call('POST', '/montecarlo', t.alice, SHORT_JOB)).json();
    expect((await call('GET', `/jobs/${job.id}`, t.bob)).statusCode).toBe(403);
    expect((await call('DELETE', `/jobs/${job.id}`, t.bob)).statusCode).toBe(403);
    expect((await call('GET', '/jobs/99999999')).statusCode).toBe(404);
    const bobs = (await call('GET', '/jobs', t.bob)).json();
    expect(bobs.items.map((j: { id: number }) => j.id)).not.toContain(job.id);
    expect((await t.app.inject({ url: `/api/v1/jobs/${job.id}` })).statusCode).toBe(401);
    await waitDone(job.id);
  });

  it('lists jobs newest first with a cursor and a status filter', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await call('POST', '/montecarlo', t.bob, SHORT_JOB)).json().id);
    const first = await call('GET', '/jobs?limit=2', t.bob);
    expect(first.statusCode).toBe(200);
    expect(first.json().items).toHaveLength(2);
    expect(first.json().items[0]).not.toHaveProperty('result');
    const seen = [...first.json().items];
    let cursor = first.json().nextCursor;
    while (cursor) {
      const page = (await call('GET', `/jobs?limit=2&cursor=${cursor}`, t.bob)).json();
      seen.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(seen.map((j) => j.id)).toEqual([...ids].reverse());
    for (const id of ids) await waitDone(id, t.bob);
    const ok = (await call('GET', '/jobs?status=succeeded&limit=50', t.bob)).json();
    expect(ok.items).toHaveLength(5);
    expect((await call('GET', '/jobs?status=running', t.bob)).json().items).toHaveLength(0);
    expect((await call('GET', '/jobs?status=done', t.bob)).statusCode).toBe(400);
    expect((await call('GET', '/jobs?cursor=not-ours', t.bob)).statusCode).toBe(400);
  });

  it('keeps answering while a job runs, and cancels it with DELETE', async () => {
    const job = (await call('POST', '/montecarlo', t.alice, LONG_JOB)).json();
    let running = await call('GET', `/jobs/${job.id}`);
    for (let i = 0; i < 500 && running.json().status !== 'running'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      running = await call('GET', `/jobs/${job.id}`);
    }
    expect(running.json().status).toBe('running');
    // Answered while the simulation runs: the work is on a worker thread, not this event loop.
    const health = await t.app.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
    const strategies = await call('GET', '/strategies');
    expect(strategies.statusCode).toBe(200);
    expect((await call('GET', `/jobs/${job.id}`)).json().status).toBe('running');

    const cancelled = await call('DELETE', `/jobs/${job.id}`);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    // Cancelling a finished job changes nothing.
    expect((await call('DELETE', `/jobs/${job.id}`)).json().status).toBe('cancelled');
  });
});
