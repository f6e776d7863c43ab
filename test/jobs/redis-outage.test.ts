/**
 * Job submission through BullMQ while Redis is down, over HTTP, on every
 * database, against a throwaway redis-server of this suite (killed by PID
 * and restarted on the same port; the shared Redis is never touched):
 * - during the outage, POST /backtests and /montecarlo answer 503
 *   DEPENDENCY_UNAVAILABLE with Retry-After within JOB_SUBMIT_TIMEOUT_MS,
 *   and /readyz answers 503 naming redis;
 * - after Redis returns, /readyz answers 200, nothing submitted during the
 *   outage ever runs or shows in GET /jobs, submitting works again, and a
 *   retried Idempotency-Key makes one job;
 * - the outage is logged once when it starts and once when it ends, with
 *   its duration (pino output captured), however many requests failed;
 * - a queue add that lands after its submit gave up (Redis paused with
 *   CLIENT PAUSE, so the connection stays up) finds no row and runs nothing.
 */
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/store/prepared.js';
import { databaseTargets } from '../support/databases.js';
import { type RedisServer, redisServerAvailable, startRedisServer } from '../support/redis-server.js';
import { testApp } from '../support/services.js';
import { SHORT_JOB, SPX_BACKTEST, uniquePrefix } from './harness.js';

const SUBMIT_TIMEOUT_MS = 1000;
const READY_TIMEOUT_MS = 500;
/** Slack for a loaded machine on top of a deadline. */
const SLACK_MS = 400;

interface LogLine {
  level: number;
  msg: string;
  dependency?: string;
  durationMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const suite = redisServerAvailable() ? describe.each(await databaseTargets()) : describe.skip.each([]);

suite('job submit during a Redis outage on $name', (target) => {
  let redis: RedisServer;
  let t: Awaited<ReturnType<typeof testApp>>;
  let prefix: string;
  const logs: LogLine[] = [];
  let jobsBefore: number[] = [];
  let outageMs = 0;

  beforeAll(async () => {
    redis = await startRedisServer();
    prefix = uniquePrefix('outage');
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line) as LogLine);
        done();
      },
    });
    t = await testApp(
      target,
      {
        redisUrl: redis.url,
        jobExecutor: 'bullmq',
        jobQueuePrefix: prefix,
        jobStallMs: 1000,
        maxConcurrentJobs: 1,
        jobSubmitTimeoutMs: SUBMIT_TIMEOUT_MS,
        readyTimeoutMs: READY_TIMEOUT_MS,
      },
      { realClock: true, logger: pino({ level: 'debug' }, sink) },
    );
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  const submit = (url: string, body: unknown, key?: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      headers: { ...t.alice.headers, ...(key ? { 'idempotency-key': key } : {}) },
      payload: body as object,
    });
  const listIds = async (): Promise<number[]> => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/jobs?limit=200', headers: t.alice.headers });
    return (r.json() as { items: { id: number }[] }).items.map((j) => j.id).sort((a, b) => a - b);
  };
  const rowCount = async () =>
    Number(
      (
        await t.services.db.first<{ n: number | string }>({
          sql: 'select count(*) as n from jobs',
          parameters: [],
        })
      )?.n,
    );
  const readyz = () => t.app.inject({ method: 'GET', url: '/readyz' });
  const waitDone = async (id: number) => {
    for (let i = 0; i < 500; i++) {
      const j = (
        await t.app.inject({ method: 'GET', url: `/api/v1/jobs/${id}`, headers: t.alice.headers })
      ).json();
      if (!['queued', 'running'].includes(j.status)) return j;
      await sleep(20);
    }
    throw new Error(`job ${id} did not finish`);
  };
  const outageLogs = () => logs.filter((l) => l.dependency === 'redis');

  it('queues for real and is ready while Redis is up', async () => {
    const r = await submit('/backtests', SPX_BACKTEST);
    expect(r.statusCode).toBe(202);
    expect((await waitDone(r.json().id)).status).toBe('succeeded');
    expect((await readyz()).statusCode).toBe(200);
    jobsBefore = await listIds();
    expect(outageLogs()).toEqual([]);
  });

  it('answers 503 with Retry-After within JOB_SUBMIT_TIMEOUT_MS during the outage, leaving no job', async () => {
    const rowsBefore = await rowCount();
    const down = Date.now();
    await redis.stop();
    const attempts: [string, unknown, string?][] = [
      ['/backtests', SPX_BACKTEST],
      ['/montecarlo', SHORT_JOB],
      ['/backtests', SPX_BACKTEST, 'outage-retry'],
      ['/backtests', SPX_BACKTEST, 'outage-retry'],
      ['/montecarlo', SHORT_JOB],
      ['/backtests', SPX_BACKTEST, 'outage-retry'],
    ];
    for (const [url, body, key] of attempts) {
      const t0 = performance.now();
      const r = await submit(url, body, key);
      const ms = performance.now() - t0;
      expect(r.statusCode, r.body).toBe(503);
      expect(r.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(r.headers['retry-after']).toBe('5');
      expect(ms).toBeLessThan(SUBMIT_TIMEOUT_MS + SLACK_MS);
    }
    const t0 = performance.now();
    const ready = await readyz();
    expect(performance.now() - t0).toBeLessThan(READY_TIMEOUT_MS + SLACK_MS);
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(ready.json().error.message).toMatch(/^redis not ready/);
    expect(await listIds()).toEqual(jobsBefore);
    expect(await rowCount()).toBe(rowsBefore);
    await sleep(1500); // a longer outage
    outageMs = Date.now() - down;
  });

  it('after Redis returns: ready again, nothing from the outage runs, the retried key makes one job', async () => {
    await redis.start();
    const until = Date.now() + 15_000;
    while ((await readyz()).statusCode !== 200) {
      if (Date.now() > until) throw new Error('/readyz did not answer 200 within 15 s of Redis returning');
      await sleep(50);
    }
    // Anything the queue took late has had time to reach a worker.
    await sleep(1500);
    expect(await listIds()).toEqual(jobsBefore);
    const first = await submit('/backtests', SPX_BACKTEST, 'outage-retry');
    expect(first.statusCode).toBe(202);
    const again = await submit('/backtests', SPX_BACKTEST, 'outage-retry');
    expect(again.statusCode).toBe(202);
    expect(again.body).toBe(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await waitDone(first.json().id)).status).toBe('succeeded');
    expect(await listIds()).toEqual([...jobsBefore, first.json().id]);
    const mc = await submit('/montecarlo', SHORT_JOB);
    expect(mc.statusCode).toBe(202);
    expect((await waitDone(mc.json().id)).status).toBe('succeeded');
  });

  it('logged the outage once when it started and once when it ended, with its duration', () => {
    const lines = outageLogs();
    const started = lines.filter((l) => l.level === 40);
    const ended = lines.filter((l) => l.level === 30);
    expect(started).toHaveLength(1);
    expect(started[0]!.msg).toMatch(/^dependency redis unavailable/);
    expect(ended).toHaveLength(1);
    expect(ended[0]!.msg).toMatch(/^dependency redis recovered after \d+\.\d s$/);
    expect(ended[0]!.durationMs).toBeGreaterThanOrEqual(outageMs - SLACK_MS);
    expect(ended[0]!.durationMs).toBeLessThan(outageMs + 10_000);
    expect(lines).toHaveLength(2);
  });

  it('runs nothing when the queue takes a job after its submit gave up (CLIENT PAUSE)', async () => {
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      const stream = `${prefix}:research-jobs:events`;
      const last = ((await admin.xrevrange(stream, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0') as string;
      const ids = await listIds();
      const rows = await rowCount();
      await admin.call('CLIENT', 'PAUSE', '2500', 'WRITE');
      const t0 = performance.now();
      const r = await submit('/backtests', SPX_BACKTEST);
      expect(performance.now() - t0).toBeLessThan(SUBMIT_TIMEOUT_MS + SLACK_MS);
      expect(r.statusCode).toBe(503);
      expect(await rowCount()).toBe(rows);
      // The add lands when the pause ends; a worker takes it and finds no row.
      const fields = (entry: [string, string[]]) => {
        const f: Record<string, string> = {};
        for (let i = 0; i + 1 < entry[1].length; i += 2) f[entry[1][i]!] = entry[1][i + 1]!;
        return f;
      };
      let added: string | undefined;
      let completed = false;
      const until = Date.now() + 15_000;
      while (!completed) {
        if (Date.now() > until) throw new Error(`the late add never completed (added: ${added})`);
        await sleep(100);
        const events = (await admin.xrange(stream, `(${last}`, '+')).map(fields);
        added = events.find((e) => e['event'] === 'added')?.['jobId'];
        completed =
          added !== undefined && events.some((e) => e['event'] === 'completed' && e['jobId'] === added);
      }
      const lateId = Number(added!.replace('job-', ''));
      expect(await listIds()).toEqual(ids);
      expect(await rowCount()).toBe(rows);
      const db = t.services.db;
      expect(
        await db.first(compile(db.kysely.selectFrom('jobs').select('id').where('id', '=', lateId))),
      ).toBe(undefined);
    } finally {
      admin.disconnect();
    }
  });
});
