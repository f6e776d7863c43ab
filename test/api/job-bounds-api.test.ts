/**
 * The job bounds over HTTP, on every database: POST /backtests and
 * /montecarlo beyond JOB_QUOTA_PER_USER answer 429 QUOTA_EXCEEDED naming the
 * quota and the count, and write nothing; a Monte Carlo over the default
 * MONTECARLO_MAX_STEPS (10^9 steps) is a 400 naming it; a job carries
 * `resultNote`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LONG_JOB, SHORT_JOB, SPX_BACKTEST } from '../jobs/harness.js';
import { databaseTargets } from '../support/databases.js';
import { testApp } from '../support/services.js';

type Ctx = Awaited<ReturnType<typeof testApp>>;

const targets = await databaseTargets();

function client(t: () => Ctx) {
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    t().app.inject({
      method,
      url: `/api/v1${url}`,
      headers: t().alice.headers,
      ...(payload === undefined ? {} : { payload }),
    });
  const jobCount = async () => (await call('GET', '/jobs?limit=200')).json().items.length as number;
  return { call, jobCount };
}

describe.each(targets)('job quota over HTTP on $name', (target) => {
  let t: Ctx;
  beforeAll(async () => {
    // LONG_JOB (10^9 steps, over the default cap) holds a slot while the others are tried.
    t = await testApp(target, {
      maxConcurrentJobs: 1,
      jobExecutor: 'embedded',
      jobQuotaPerUser: 2,
      monteCarloMaxSteps: 1_000_000_000,
    });
  });
  afterAll(() => t?.close());
  const { call, jobCount } = client(() => t);

  it('refuses a submit beyond the quota with 429 QUOTA_EXCEEDED on every submit route', async () => {
    const first = await call('POST', '/montecarlo', LONG_JOB);
    expect(first.statusCode).toBe(202);
    expect(first.json().resultNote).toBeNull();
    expect((await call('POST', '/montecarlo', SHORT_JOB)).statusCode).toBe(202);
    const before = await jobCount();
    for (const [url, body] of [
      ['/montecarlo', SHORT_JOB],
      ['/backtests', SPX_BACKTEST],
    ] as const) {
      const res = await call('POST', url, body);
      expect(res.statusCode).toBe(429);
      const { error } = res.json();
      expect(error.code).toBe('QUOTA_EXCEEDED');
      expect(error.message).toContain('JOB_QUOTA_PER_USER allows 2');
      expect(error.message).toContain('2 of your jobs are queued or running');
    }
    expect(await jobCount()).toBe(before);
    for (const j of (await call('GET', '/jobs?limit=200')).json().items as { id: number }[])
      await call('DELETE', `/jobs/${j.id}`);
  });
});

describe(`Monte Carlo work cap over HTTP, default settings (${targets[0]!.name})`, () => {
  let t: Ctx;
  beforeAll(async () => {
    t = await testApp(targets[0]!, { jobExecutor: 'embedded' });
  });
  afterAll(() => t?.close());
  const { call, jobCount } = client(() => t);

  it('refuses 10^9 Monte Carlo steps at the default cap with a 400 naming MONTECARLO_MAX_STEPS', async () => {
    const before = await jobCount();
    const res = await call('POST', '/montecarlo', LONG_JOB);
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details[0].path).toBe('paths');
    expect(error.details[0].message).toContain('MONTECARLO_MAX_STEPS');
    expect(error.details[0].message).toContain('1,000,000,000');
    expect(await jobCount()).toBe(before);
  });
});
