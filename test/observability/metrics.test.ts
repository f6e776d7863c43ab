/** `GET /metrics` after real traffic: parsed, and checked for every family the issue names. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../support/databases.js';
import { observedApp, type PromText, parsePromText } from './support.js';

type Ctx = Awaited<ReturnType<typeof observedApp>>;

describe.each(await databaseTargets())('/metrics on $name', (target) => {
  let t: Ctx;
  let prom: PromText;
  let contentType: string | undefined;

  beforeAll(async () => {
    t = await observedApp(target, {}, { realClock: true });
    const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.inject({
        method,
        url: `/api/v1${url}`,
        headers: t.alice.headers,
        ...(payload ? { payload } : {}),
      });
    const created = await api('POST', '/traders', {
      name: 'A',
      source: 'manual',
      address: 'wallet-a',
      allocation: '10',
    });
    const id = created.json().id as number;
    for (let i = 0; i < 3; i++) await api('GET', `/traders/${id}`);
    await api('GET', '/traders/987654');
    await t.app.inject({ url: '/no/such/path/123' });
    await api('GET', '/prices?symbols=BTC/USDT,ETH/USDT');
    await api('GET', '/prices?symbols=BTC/USDT,ETH/USDT');
    await t.services.metricsLease.start(); // the lone instance holds it: it exports the job families
    t.obs.connectJobs(() => ({
      cancelled: 0,
      queued: 2,
      running: 1,
      succeeded: 5,
      failed: 1,
      durations: [{ type: 'backtest', count: 6, sumMs: 1200, p50Ms: 150, p99Ms: 400 }],
    }));
    const q = t.services.db.kysely.selectFrom('traders').select('id').where('id', '=', id).compile();
    for (let i = 0; i < 5; i++) await t.db.first(q);
    await t.db.transaction((tx) => tx.all(q));
    const r = await t.app.inject({ url: '/metrics' });
    expect(r.statusCode).toBe(200);
    contentType = r.headers['content-type'] as string | undefined;
    prom = parsePromText(r.body);
  });
  afterAll(() => t.close());

  const samples = (name: string) => prom.samples.filter((s) => s.name === name);

  it('answers in Prometheus text format without auth', () => {
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(prom.samples.length).toBeGreaterThan(50);
  });

  it('has HTTP duration histograms labelled by route pattern and status, never the raw URL', () => {
    expect(prom.types.get('tradeloop_http_request_duration_seconds')).toBe('histogram');
    const counts = samples('tradeloop_http_request_duration_seconds_count');
    const byRoute = (route: string, status: string) =>
      counts.find((s) => s.labels['route'] === route && s.labels['status_code'] === status)?.value;
    expect(byRoute('/api/v1/traders/:id', '200')).toBe(3);
    expect(byRoute('/api/v1/traders/:id', '404')).toBe(1);
    expect(byRoute('/api/v1/traders', '201')).toBe(1);
    expect(byRoute('(unmatched)', '404')).toBe(1);
    for (const s of counts) expect(s.labels['route']).not.toMatch(/\d{3,}|\?/);
    const buckets = samples('tradeloop_http_request_duration_seconds_bucket').filter(
      (s) => s.labels['route'] === '/api/v1/traders/:id' && s.labels['status_code'] === '200',
    );
    expect(buckets.at(-1)).toMatchObject({ labels: { le: '+Inf' }, value: 3 });
  });

  it('has cache families per kind', () => {
    for (const name of [
      'tradeloop_cache_hits_total',
      'tradeloop_cache_misses_total',
      'tradeloop_cache_stale_served_total',
      'tradeloop_cache_evictions_total',
      'tradeloop_cache_errors_total',
      'tradeloop_cache_loads_total',
    ]) {
      expect(prom.types.get(name.replace(/_total$/, '_total'))).toBe('counter');
      expect(samples(name).map((s) => s.labels['kind'])).toContain('price');
    }
    const price = samples('tradeloop_cache_hit_ratio').find((s) => s.labels['kind'] === 'price');
    expect(price?.value).toBeGreaterThan(0);
    expect(price?.value).toBeLessThanOrEqual(1);
  });

  it('has upstream calls per venue', () => {
    const calls = samples('tradeloop_upstream_calls_total');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.labels['venue']).toBeTruthy();
    expect(calls[0]!.value).toBeGreaterThan(0);
    expect(samples('tradeloop_marketdata_requests_total')[0]!.value).toBeGreaterThanOrEqual(calls[0]!.value);
  });

  it('has query durations per query family', () => {
    const fam = samples('tradeloop_db_query_duration_seconds_count').find(
      (s) => s.labels['family'] === 'select traders',
    );
    // At least the six reads this suite made (the services' own reads are timed too).
    expect(fam?.value).toBeGreaterThanOrEqual(6);
  });

  it('has job counts and durations from the connected job system, as gauges', () => {
    expect(samples('tradeloop_jobs').find((s) => s.labels['state'] === 'queued')?.value).toBe(2);
    expect(samples('tradeloop_jobs_finished').find((s) => s.labels['outcome'] === 'failed')?.value).toBe(1);
    expect(samples('tradeloop_jobs_finished_last_hour')).toEqual([
      { name: 'tradeloop_jobs_finished_last_hour', labels: { type: 'backtest' }, value: 6 },
    ]);
    expect(samples('tradeloop_job_duration_p99_seconds')[0]?.value).toBe(0.4);
    for (const name of ['tradeloop_jobs', 'tradeloop_jobs_finished', 'tradeloop_job_duration_p50_seconds'])
      expect(prom.types.get(name)).toBe('gauge');
    expect(prom.types.has('tradeloop_jobs_finished_total')).toBe(false);
  });

  it('has event-loop lag, process memory and CPU', () => {
    for (const figure of ['p50', 'p99', 'max']) {
      const lag = samples(`tradeloop_event_loop_lag_${figure}_seconds`);
      expect(lag).toHaveLength(1);
      expect(lag[0]!.labels).toEqual({});
    }
    expect(samples('process_resident_memory_bytes')[0]!.value).toBeGreaterThan(0);
    expect(samples('nodejs_heap_size_used_bytes')[0]!.value).toBeGreaterThan(0);
    expect(samples('process_cpu_seconds_total')[0]!.value).toBeGreaterThan(0);
  });
});
