/**
 * `POST /api/v1/backtests` on the real server (BullMQ on a throwaway
 * redis-server of this run) during a Redis outage, beside the same route
 * with Redis up, measured in the same run. Phases, each bounded in count and
 * time: up (the reference), Redis killed (connection refused), Redis hung
 * (SIGSTOP: the connection stays open and nothing answers, so each submit
 * waits its JOB_SUBMIT_TIMEOUT_MS), then Redis back (SIGCONT, then killed
 * and restarted empty). Every outage request carries an Idempotency-Key and
 * is retried once at once; after recovery each key is retried until accepted,
 * and once more. Targets: p99 of the outage requests <= 2.5 s, and 0
 * duplicates: one job per accepted key, and no job from a refused request.
 */
import { randomBytes } from 'node:crypto';
import { startServer } from '../src/main.js';
import { compile } from '../src/store/prepared.js';
import { startRedisServer } from '../test/support/redis-server.js';
import type { Benchmark } from './lib/context.js';
import { benchConfig } from './lib/fixtures.js';
import { latencyResult } from './lib/latency.js';

const SUBMIT_TIMEOUT_MS = 2000;
const LIMIT_MS = 2500;
const REFERENCE_REQUESTS = 200;
const CLIENTS = 16;
/** Per client and outage phase. */
const REQUESTS_PER_CLIENT = 8;
const PHASE_BUDGET_MS = 30_000;

/** A short backtest: SMA(10/50) on the replay venue's S&P 500, one year. */
const BACKTEST = {
  strategy: 'sma-cross',
  params: { fast: 10, slow: 50 },
  venue: 'replay',
  symbol: 'SPX',
  timeframe: '1d',
  from: '2019-01-01',
  to: '2019-12-31',
  feeRate: 0.001,
  initialCapital: 10_000,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const jobsSubmitRedisOutage: Benchmark = {
  name: 'jobs-submit-redis-outage',
  async run(ctx) {
    const redis = await startRedisServer();
    ctx.defer(async () => {
      if (redis.pid) process.kill(redis.pid, 'SIGCONT');
      await redis.stop();
    });
    const server = await startServer(
      benchConfig(ctx.tempDir('jobs-submit-redis-outage'), {
        redisUrl: redis.url,
        jobExecutor: 'bullmq',
        // One user submits every probe of the run: the per-user quota is not what this measures.
        jobQuotaPerUser: 100_000,
        jobQueuePrefix: `tl-bench-${randomBytes(4).toString('hex')}`,
        maxConcurrentJobs: 1,
        jobSubmitTimeoutMs: SUBMIT_TIMEOUT_MS,
      }),
      { quiet: true },
    );
    ctx.defer(() => server.stop());
    const { token } = await server.services.users.create('bench');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const statuses = new Map<number, number>();
    const post = async (key?: string) => {
      const t0 = performance.now();
      const r = await fetch(`${server.url}/api/v1/backtests`, {
        method: 'POST',
        headers: key ? { ...headers, 'idempotency-key': key } : headers,
        body: JSON.stringify(BACKTEST),
      });
      const body = await r.text();
      const us = (performance.now() - t0) * 1000;
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      return { status: r.status, us, body };
    };
    const jobRows = async () =>
      Number(
        (
          await server.services.db.first<{ n: number | string | bigint }>(
            compile(server.services.db.kysely.selectFrom('jobs').select((eb) => eb.fn.countAll().as('n'))),
          )
        )?.n,
      );

    ctx.log('reference: Redis up');
    const reference: number[] = [];
    for (let i = 0; i < 20; i++) await post(); // warm-up
    for (let i = 0; i < REFERENCE_REQUESTS; i++) {
      const r = await post();
      if (r.status !== 202) throw new Error(`Redis up: POST /backtests answered ${r.status}: ${r.body}`);
      reference.push(r.us);
    }
    statuses.clear();
    const rowsBefore = await jobRows();

    const samples: number[] = [];
    const keys: string[] = [];
    const accepted = new Map<string, string>();
    const outagePhase = async (label: string) => {
      const until = performance.now() + PHASE_BUDGET_MS;
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, c) => {
          for (let i = 0; i < REQUESTS_PER_CLIENT && performance.now() < until; i++) {
            const key = `${label}-${c}-${i}`;
            keys.push(key);
            for (let attempt = 0; attempt < 2; attempt++) {
              const r = await post(key);
              samples.push(r.us);
              if (r.status === 202) {
                accepted.set(key, r.body);
                break;
              }
            }
          }
        }),
      );
    };
    ctx.log('outage: Redis killed');
    await redis.stop();
    const down = performance.now();
    await outagePhase('killed');
    ctx.log('outage: Redis restarted, then hung (SIGSTOP)');
    await redis.start();
    for (let i = 0; (await fetch(`${server.url}/readyz`)).status !== 200; i++) {
      if (i > 300) throw new Error('/readyz not 200 within 15 s of Redis returning');
      await sleep(50);
    }
    process.kill(redis.pid!, 'SIGSTOP');
    await outagePhase('hung');
    const outageMs = performance.now() - down;
    const refusedDuringOutage = keys.filter((k) => !accepted.has(k)).length;
    const outageStatuses = Object.fromEntries(statuses);

    ctx.log('recovery: SIGCONT, every key retried until accepted, then once more');
    process.kill(redis.pid!, 'SIGCONT');
    const deadline = performance.now() + 30_000;
    for (const key of keys) {
      while (!accepted.has(key)) {
        if (performance.now() > deadline) throw new Error(`key ${key} not accepted within 30 s of recovery`);
        const r = await post(key);
        if (r.status === 202) accepted.set(key, r.body);
        else await sleep(100);
      }
    }
    let replayMismatches = 0;
    for (const key of keys) {
      const r = await post(key);
      if (r.status !== 202 || r.body !== accepted.get(key)) replayMismatches++;
    }
    // Anything the queue took late has had time to reach the worker.
    await sleep(2000);
    const ids = new Set([...accepted.values()].map((b) => (JSON.parse(b) as { id: number }).id));
    const created = (await jobRows()) - rowsBefore;
    const duplicates = created - ids.size;
    return [
      latencyResult({
        name: 'jobs-submit-redis-outage',
        stat: 'p99',
        limitUs: LIMIT_MS * 1000,
        target: `p99 <= ${LIMIT_MS / 1000} s, 0 duplicates on retry`,
        samples,
        reference: { name: 'Redis up', samples: reference },
        millis: true,
        checks: [
          {
            ok: duplicates === 0,
            note: `${keys.length} keys, ${ids.size} jobs for them, ${created} job rows created since the reference: ${duplicates} duplicates`,
          },
          {
            ok: replayMismatches === 0,
            note: `replays after recovery: ${replayMismatches} differed from the first answer`,
          },
          {
            ok: Object.keys(outageStatuses).every((s) => s === '202' || s === '503'),
            note: `outage answers by status: ${JSON.stringify(outageStatuses)}`,
          },
        ],
        notes: [
          `POST /api/v1/backtests over HTTP (fetch, keep-alive), BullMQ on a throwaway redis-server, SQLite, JOB_SUBMIT_TIMEOUT_MS=${SUBMIT_TIMEOUT_MS}`,
          `outage: ${CLIENTS} concurrent clients x ${REQUESTS_PER_CLIENT} keys per phase (killed, then hung by SIGSTOP), each refused request retried once at once; ${samples.length} requests in ${(outageMs / 1000).toFixed(1)} s, ${refusedDuringOutage} keys refused until recovery`,
          `reference: ${REFERENCE_REQUESTS} requests one after another with Redis up, same server`,
        ],
      }),
    ];
  },
};
