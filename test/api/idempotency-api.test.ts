/**
 * Idempotency-Key over HTTP on every database (SQLite, and PostgreSQL when
 * reachable), with the embedded executor: on each creating route a retry
 * with the same key replays the first answer and creates nothing; the key is
 * per user; a key reused with another body or route is 422; a key whose
 * first request is still in flight is 409; concurrent duplicates create one;
 * a failed request leaves the key free; bad keys are 400 naming the header
 * and write nothing; expired keys are claimed afresh and swept by maintenance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedVenue } from '../../src/venues/simulated/simulated-venue.js';
import { SHORT_JOB, SPX_BACKTEST } from '../jobs/harness.js';
import { databaseTargets } from '../support/databases.js';
import { testApp } from '../support/services.js';

type Ctx = Awaited<ReturnType<typeof testApp>>;
type Who = { headers: Record<string, string> };

const DAY = 86_400_000;

describe.each(await databaseTargets())('Idempotency-Key on $name', (target) => {
  let t: Ctx;
  let marketId: string;
  beforeAll(async () => {
    t = await testApp(target, { maxConcurrentJobs: 1, jobExecutor: 'embedded' }, { realClock: true });
    const markets = await (t.services.venue as SimulatedVenue).fetchMarkets();
    marketId = markets.find((m) => m.symbol === 'ETH/USDT')!.id;
  });
  afterAll(() => t?.close());

  const post = (url: string, who: Who, payload: unknown, key?: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      headers: { ...who.headers, ...(key === undefined ? {} : { 'idempotency-key': key }) },
      payload: payload as object,
    });
  const count = async (url: string, who: Who = t.alice) => {
    const r = await t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: who.headers });
    expect(r.statusCode).toBe(200);
    return (r.json() as { items: unknown[] }).items.length;
  };
  const keyRows = async () =>
    Number(
      (
        await t.services.db.first<{ n: number | string }>({
          sql: 'select count(*) as n from idempotency_keys',
          parameters: [],
        })
      )?.n,
    );

  const order = { pair: 'BTC/USDT', side: 'buy', type: 'limit', price: '64000.5', quantity: '0.01' };
  const routes = [
    { name: 'a backtest', url: '/backtests', list: '/jobs?limit=200', body: () => SPX_BACKTEST },
    { name: 'a Monte Carlo job', url: '/montecarlo', list: '/jobs?limit=200', body: () => SHORT_JOB },
    { name: 'an order', url: '/orders', list: '/orders?limit=500', body: () => order },
    {
      name: 'a bulk import',
      url: '/orders/bulk',
      list: '/orders?limit=500',
      body: () => ({
        orders: [
          { ...order, quantity: '0.02' },
          { ...order, side: 'sell', quantity: '0.03' },
        ],
      }),
    },
    {
      name: 'a position',
      url: '/positions',
      list: '/positions?status=all&limit=200',
      body: () => ({ marketId, side: 'long', size: '2' }),
    },
  ] as const;

  for (const route of routes) {
    it(`replays the first answer of ${route.name} and creates nothing more`, async () => {
      const key = `retry-${route.name}-${Math.random()}`;
      const before = await count(route.list);
      const first = await post(route.url, t.alice, route.body(), key);
      expect(first.statusCode).toBeGreaterThanOrEqual(200);
      expect(first.statusCode).toBeLessThan(300);
      const created = (await count(route.list)) - before;
      expect(created).toBeGreaterThan(0);
      for (let i = 0; i < 3; i++) {
        const again = await post(route.url, t.alice, route.body(), key);
        expect(again.statusCode).toBe(first.statusCode);
        expect(again.body).toBe(first.body);
        expect(again.headers['idempotent-replayed']).toBe('true');
        if (first.headers.location) expect(again.headers.location).toBe(first.headers.location);
      }
      expect((await count(route.list)) - before).toBe(created);
      // Without the key the same body is a new request.
      expect((await post(route.url, t.alice, route.body())).statusCode).toBe(first.statusCode);
      expect((await count(route.list)) - before).toBe(2 * created);
    });
  }

  it('keeps keys per user: the same key from another user is another request', async () => {
    const key = 'shared-key';
    const a = await post('/backtests', t.alice, SPX_BACKTEST, key);
    const bobBefore = await count('/jobs', t.bob);
    const b = await post('/backtests', t.bob, SPX_BACKTEST, key);
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect(b.json().id).not.toBe(a.json().id);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(await count('/jobs', t.bob)).toBe(bobBefore + 1);
  });

  it('refuses a key reused with another body or on another route: 422 naming the key, nothing created', async () => {
    const key = 'reused-key';
    expect((await post('/backtests', t.alice, SPX_BACKTEST, key)).statusCode).toBe(202);
    const jobs = await count('/jobs?limit=200');
    const orders = await count('/orders?limit=500');
    const other = await post('/backtests', t.alice, { ...SPX_BACKTEST, symbol: 'NDX' }, key);
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(other.json().error.message).toContain('Idempotency-Key "reused-key"');
    const elsewhere = await post('/orders', t.alice, order, key);
    expect(elsewhere.statusCode).toBe(422);
    expect(elsewhere.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await count('/jobs?limit=200')).toBe(jobs);
    expect(await count('/orders?limit=500')).toBe(orders);
  });

  it('creates one job from concurrent duplicates: the others replay it or get 409 with Retry-After', async () => {
    const jobs = await count('/jobs?limit=200');
    const results = await Promise.all(
      Array.from({ length: 8 }, () => post('/backtests', t.alice, SPX_BACKTEST, 'concurrent-key')),
    );
    const codes = results.map((x) => x.statusCode);
    expect(codes.filter((c) => c === 202)).not.toHaveLength(0);
    for (const x of results) {
      if (x.statusCode === 409) {
        expect(x.json().error.code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
        expect(x.headers['retry-after']).toBe('1');
      } else {
        expect(x.statusCode).toBe(202);
        expect(x.body).toBe(results.find((y) => y.statusCode === 202)!.body);
      }
    }
    // Concurrent duplicates created one job.
    expect(await count('/jobs?limit=200')).toBe(jobs + 1);
  });

  it('answers 409 for a retry whose first request has not answered (a pending claim)', async () => {
    const key = 'pending-key';
    const first = await post('/montecarlo', t.bob, SHORT_JOB, key);
    expect(first.statusCode).toBe(202);
    // Put the claim back to pending, as if the first request were still running.
    await t.services.db.run({
      sql: "update idempotency_keys set state = 'pending', response_status = null where key = 'pending-key'",
      parameters: [],
    });
    const retry = await post('/montecarlo', t.bob, SHORT_JOB, key);
    expect(retry.statusCode).toBe(409);
    expect(retry.json().error.code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
  });

  it('leaves the key free when the request fails: the retry runs afresh', async () => {
    const key = 'failed-first';
    const jobs = await count('/jobs?limit=200');
    const bad = await post('/backtests', t.alice, { ...SPX_BACKTEST, venue: 'nowhere' }, key);
    expect(bad.statusCode).toBe(400);
    const ok = await post('/backtests', t.alice, SPX_BACKTEST, key);
    expect(ok.statusCode).toBe(202);
    expect(ok.headers['idempotent-replayed']).toBeUndefined();
    expect(await count('/jobs?limit=200')).toBe(jobs + 1);
  });

  it.each([
    ['empty', '', 'must not be empty'],
    ['too long', 'k'.repeat(256), 'at most 255 characters'],
    ['a control character', 'abc\u0001def', 'printable ASCII'],
    ['a non-ASCII character', 'clé', 'printable ASCII'],
  ])(
    'answers 400 naming the header for a key that is %s, and writes nothing',
    async (_label, key, message) => {
      const before = {
        jobs: await count('/jobs?limit=200'),
        orders: await count('/orders?limit=500'),
        keys: await keyRows(),
      };
      for (const r of routes) {
        const res = await post(r.url, t.alice, r.body(), key);
        expect(res.statusCode).toBe(400);
        const err = res.json().error;
        expect(err.code).toBe('VALIDATION_FAILED');
        expect(err.message).toContain('Idempotency-Key header');
        expect(err.message).toContain(message);
        expect(err.details[0].path).toBe('headers.idempotency-key');
      }
      expect(await count('/jobs?limit=200')).toBe(before.jobs);
      expect(await count('/orders?limit=500')).toBe(before.orders);
      expect(await keyRows()).toBe(before.keys);
    },
  );

  it('accepts a 255-character key', async () => {
    const r = await post('/backtests', t.alice, SPX_BACKTEST, 'k'.repeat(255));
    expect(r.statusCode).toBe(202);
  });

  it('claims an expired key afresh, and maintenance sweeps expired keys', async () => {
    const repo = t.services.idempotency.repo;
    const now = Date.now();
    // A key claimed 25 h ago (kept 24 h): expired.
    expect((await repo.claim(t.alice.user.id, 'old-key', 'fp-1', now - 25 * 3_600_000, DAY)).kind).toBe(
      'claimed',
    );
    await repo.complete(t.alice.user.id, 'old-key', { status: 201, body: '{}', headers: {} });
    // Another request may use it now (even with another fingerprint).
    expect((await repo.claim(t.alice.user.id, 'old-key', 'fp-2', now, DAY)).kind).toBe('claimed');
    await repo.release(t.alice.user.id, 'old-key');
    expect((await repo.claim(t.bob.user.id, 'stale-key', 'fp', now - 2 * DAY, DAY)).kind).toBe('claimed');
    const keysBefore = await keyRows();
    const run = await t.services.observability.maintenance.runNow();
    const sweep = run.steps.find((s) => s.name === 'expired idempotency keys');
    expect(sweep).toMatchObject({ ok: true, detail: 'deleted 1 expired keys' });
    expect(await keyRows()).toBe(keysBefore - 1);
  });
});
