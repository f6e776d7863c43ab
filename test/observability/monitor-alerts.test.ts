/** The performance monitor's bounded ring, alerts firing and clearing, and the system summary. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CACHE_KINDS, type KindMetrics } from '../../src/cache/cache.js';
import { ManualClock } from '../../src/domain/clock.js';
import { AlertEvaluator } from '../../src/observability/alerts.js';
import type { RouteLatency } from '../../src/observability/http-metrics.js';
import { PerformanceMonitor } from '../../src/observability/performance-monitor.js';
import { sqliteTarget } from '../support/databases.js';
import { observedApp } from './support.js';

describe('PerformanceMonitor', () => {
  it('samples every minute on the Clock and keeps at most 1,440 samples, oldest dropped', () => {
    const clock = new ManualClock(0);
    let n = 0;
    const m = new PerformanceMonitor({
      clock,
      measure: () => ({
        requests: ++n,
        p50Ms: 1,
        p99Ms: 2,
        eventLoopLagP99Ms: 0,
        rssBytes: 1,
        cacheHitRate: null,
        queueBacklog: null,
      }),
    });
    m.start();
    clock.advance(60_000 * 2000);
    m.stop();
    const s = m.samples();
    expect(s).toHaveLength(1440);
    expect(s[0]!.requests).toBe(2000 - 1440 + 1);
    expect(s.at(-1)).toMatchObject({ requests: 2000, at: 60_000 * 2000 });
    expect(m.samples(60_000 * 1998).map((x) => x.requests)).toEqual([1999, 2000]);
    clock.advance(60_000 * 10);
    expect(m.samples()).toHaveLength(1440); // stopped
  });
});

function kind(hits: number, misses: number): KindMetrics {
  return {
    kind: 'price',
    hits,
    misses,
    staleServed: 0,
    evictions: 0,
    errors: 0,
    loads: misses,
    hitRate: hits + misses === 0 ? null : hits / (hits + misses),
    factoryLatencyMs: { p50: 0, p99: 0, count: 0 },
  };
}

describe('AlertEvaluator', () => {
  it('fires each rule with its metric, value, threshold and start time, and clears it', () => {
    const clock = new ManualClock(1_000);
    let cache = [kind(0, 0)];
    let routes: RouteLatency[] = [];
    let lag = 0;
    let backlog: number | null = null;
    const a = new AlertEvaluator(
      clock,
      { cacheHitRate: 0.5, cacheMinRequests: 100, routeP99Ms: 250, eventLoopLagMs: 100, jobBacklog: 10 },
      { cache: () => cache, routes: () => routes, eventLoopLagP99Ms: () => lag, jobBacklog: () => backlog },
    );
    expect(a.evaluate()).toEqual([]);

    cache = [kind(10, 40)]; // too few reads to judge
    expect(a.evaluate()).toEqual([]);
    cache = [kind(30, 120)];
    routes = [{ method: 'GET', route: '/api/v1/prices', count: 100, p50Ms: 5, p99Ms: 400 }];
    lag = 150;
    backlog = 11;
    const fired = a.evaluate();
    expect(fired.map((x) => x.id).sort()).toEqual([
      'cache-hit-rate:price',
      'event-loop-lag',
      'job-backlog',
      'route-p99:GET /api/v1/prices',
    ]);
    expect(fired.find((x) => x.metric === 'cache_hit_rate')).toMatchObject({
      labels: { kind: 'price' },
      value: 0.2,
      threshold: 0.5,
      breach: 'below',
      since: 1_000,
    });
    expect(fired.find((x) => x.metric === 'route_p99_ms')).toMatchObject({
      value: 400,
      threshold: 250,
      breach: 'above',
    });

    clock.advance(60_000);
    cache = [kind(50, 140)]; // 20 more reads: not enough to judge again, the alert stands
    expect(a.evaluate().find((x) => x.metric === 'cache_hit_rate')?.since).toBe(1_000);

    cache = [kind(200, 140)]; // 150 reads since the last judgement, all hits
    routes = [{ method: 'GET', route: '/api/v1/prices', count: 512, p50Ms: 5, p99Ms: 20 }];
    lag = 5;
    backlog = 0;
    expect(a.evaluate()).toEqual([]);
  });
});

describe('performance endpoints', () => {
  let t: Awaited<ReturnType<typeof observedApp>>;
  beforeAll(async () => {
    t = await observedApp(sqliteTarget, { alertCacheMinRequests: 10 });
  });
  afterAll(() => t.close());
  const get = (url: string) => t.app.inject({ url: `/api/v1${url}`, headers: t.admin.headers });

  it('answers /performance/system with CPU, memory, disk, lag and uptime', async () => {
    const r = await get('/performance/system');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      uptimeSeconds: expect.any(Number),
      cpu: { percent: expect.any(Number), cores: expect.any(Number), loadAverage: expect.any(Array) },
      memory: { rssBytes: expect.any(Number), heapUsedBytes: expect.any(Number) },
      disk: { path: expect.any(String), freeBytes: expect.any(Number), totalBytes: expect.any(Number) },
      eventLoopLagMs: { p50Ms: expect.any(Number), p99Ms: expect.any(Number) },
    });
  });

  it('answers /performance/monitor with one sample a minute of the Clock', async () => {
    t.obs.start();
    t.obs.http.drainInterval(); // earlier tests' requests
    for (let i = 0; i < 3; i++) await get('/performance/system');
    t.clock.advance(60_000);
    await get('/performance/system');
    t.clock.advance(60_000);
    const body = (await get('/performance/monitor')).json();
    expect(body).toMatchObject({ intervalMs: 60_000, capacity: 1440 });
    expect(body.samples).toHaveLength(2);
    expect(body.samples.map((s: { requests: number }) => s.requests)).toEqual([3, 1]);
    expect(body.samples[0]).toMatchObject({
      at: new Date(t.clock.now() - 60_000).toISOString(),
      p99Ms: expect.any(Number),
      rssBytes: expect.any(Number),
      queueBacklog: 0, // the job system is connected, and idle
    });
    expect([null, 'number']).toContain(
      body.samples[0].cacheHitRate === null ? null : typeof body.samples[0].cacheHitRate,
    );
    const since = Date.parse(body.samples[0].at);
    expect((await get(`/performance/monitor?since=${since}`)).json().samples).toHaveLength(1);
  });

  it('answers /performance/alerts: a cache kind under 50 % fires, then clears', async () => {
    const c = t.services.cache;
    for (const k of CACHE_KINDS) c.peek(k, 'warm'); // reads spread thin: no kind judged yet
    for (let i = 0; i < 20; i++) c.peek('ticker', `missing-${i}`);
    let body = (await get('/performance/alerts')).json();
    expect(body.alerts).toEqual([
      expect.objectContaining({
        id: 'cache-hit-rate:ticker',
        metric: 'cache_hit_rate',
        value: 0,
        threshold: 0.5,
      }),
    ]);
    expect(body.alerts[0].since).toBe(new Date(t.clock.now()).toISOString());
    t.obs.connectJobs(() => ({
      queued: 5000,
      running: 0,
      succeeded: 0,
      failed: 0,
      cancelled: 0,
      durations: [],
    }));
    body = (await get('/performance/alerts')).json();
    expect(body.alerts.map((a: { id: string }) => a.id)).toEqual(['cache-hit-rate:ticker', 'job-backlog']);

    await c.set('ticker', 'hot', { bid: '1' });
    for (let i = 0; i < 20; i++) c.peek('ticker', 'hot');
    t.obs.connectJobs(() => ({
      queued: 0,
      running: 0,
      succeeded: 0,
      failed: 0,
      cancelled: 0,
      durations: [],
    }));
    body = (await get('/performance/alerts')).json();
    expect(body.alerts).toEqual([]);
  });
});
