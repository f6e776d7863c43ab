/**
 * Job submit -> running: wall time from `jobs.submit()` (validation, insert,
 * enqueue) until the job's row says running, polled every millisecond, for
 * tiny Monte Carlo jobs one after another on an idle executor. Embedded
 * (worker threads in this process) and BullMQ (Redis from TEST_REDIS_URL or
 * REDIS_URL, consumed by this process; skipped with a recorded note without
 * one). Targets: p50 <= 50 ms embedded, <= 100 ms BullMQ.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Config } from '../src/config/schema.js';
import { finished, jobsOf, pollJob, TINY_MONTECARLO } from './jobs-fixtures.js';
import type { BenchContext, Benchmark } from './lib/context.js';
import { openServices } from './lib/fixtures.js';
import { latencyResult } from './lib/latency.js';
import { type BenchResult, result } from './lib/result.js';

const WARMUP = 10;
const SAMPLES = 100;

async function submitToRunning(
  ctx: BenchContext,
  label: string,
  overrides: Partial<Config>,
): Promise<number[]> {
  const s = await openServices(ctx.tempDir(`jobs-submit-${label}`), { maxConcurrentJobs: 2, ...overrides });
  ctx.defer(() => s.close());
  const { jobs, close } = await jobsOf(s);
  ctx.defer(close);
  const { user } = await s.users.create('bench');
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const t0 = performance.now();
    const job = await jobs.submit({ type: 'montecarlo', params: TINY_MONTECARLO, userId: user.id });
    await pollJob(jobs, job.id, (j) => j.status !== 'queued');
    const us = (performance.now() - t0) * 1000;
    const done = await pollJob(jobs, job.id, finished);
    if (done.status !== 'succeeded') throw new Error(`job ${done.status}: ${done.error?.message}`);
    if (i >= WARMUP) samples.push(us);
  }
  return samples;
}

async function reachable(url: string): Promise<boolean> {
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export const jobsSubmit: Benchmark = {
  name: 'jobs-submit',
  async run(ctx) {
    const out: BenchResult[] = [];
    const notes = [
      `${SAMPLES} tiny Monte Carlo jobs one after another (after ${WARMUP} warm-up jobs), idle executor, row polled every 1 ms`,
    ];
    ctx.log('embedded');
    const embedded = await submitToRunning(ctx, 'embedded', { jobExecutor: 'embedded' });
    out.push(
      latencyResult({
        name: 'jobs-submit-running-embedded',
        stat: 'p50',
        limitUs: 50_000,
        target: 'p50 <= 50 ms',
        samples: embedded,
        millis: true,
        notes: [...notes, 'embedded executor (priority queue in process, piscina worker threads), SQLite'],
      }),
    );
    const url = process.env['TEST_REDIS_URL'] ?? process.env['REDIS_URL'];
    if (!url || !(await reachable(url))) {
      out.push(
        result({
          name: 'jobs-submit-running-bullmq',
          value: Number.NaN,
          unit: 'ms',
          target: 'p50 <= 100 ms',
          pass: false,
          notes: `skipped: no Redis (set TEST_REDIS_URL=redis://127.0.0.1:6379)${url ? `; ${url} unreachable` : ''}`,
        }),
      );
      return out;
    }
    ctx.log('BullMQ');
    const prefix = `tl-bench-${randomBytes(4).toString('hex')}`;
    ctx.defer(async () => {
      const r = new Redis(url);
      for await (const keys of r.scanStream({ match: `${prefix}:*`, count: 500 }))
        if ((keys as string[]).length > 0) await r.del(...(keys as string[]));
      r.disconnect();
    });
    const bull = await submitToRunning(ctx, 'bullmq', {
      jobExecutor: 'bullmq',
      redisUrl: url,
      jobQueuePrefix: prefix,
    });
    out.push(
      latencyResult({
        name: 'jobs-submit-running-bullmq',
        stat: 'p50',
        limitUs: 100_000,
        target: 'p50 <= 100 ms',
        samples: bull,
        millis: true,
        notes: [...notes, `BullMQ on ${url}, consumed by a worker in the same process, SQLite`],
      }),
    );
    return out;
  },
};
