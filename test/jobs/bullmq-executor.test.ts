/**
 * The BullMQ executor against a real Redis (TEST_REDIS_URL; skipped with a
 * message without one, required under CI=true): the shared executor suite,
 * a queued job surviving a restart of the manager, real `tradeloop worker`
 * processes SIGKILLed mid-job (the job is retried once, then failed with
 * WORKER_LOST), and the same results as the embedded executor. Each suite
 * uses its own queue prefix. The database is PostgreSQL when reachable
 * (shared by this process and the workers), SQLite otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../support/databases.js';
import { redisUrlForTests } from '../support/redis.js';
import { killWorker, startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { registerExecutorSuite } from './executor-conformance.js';
import {
  isFinished,
  type JobsHarness,
  jobsHarness,
  monteCarlo,
  SHORT_JOB,
  SPX_BACKTEST,
  uniquePrefix,
  waitForJob,
} from './harness.js';

const redisUrl = await redisUrlForTests();
const targets = await databaseTargets();
const target = targets[targets.length - 1]!;

if (!redisUrl) {
  describe.skip('BullMQ executor (no Redis: set TEST_REDIS_URL)', () => {
    it('needs Redis', () => {});
  });
} else {
  const bullmq = (label: string, extra: Parameters<typeof jobsHarness>[1] = {}) =>
    jobsHarness(target, {
      redisUrl,
      jobExecutor: 'bullmq',
      jobQueuePrefix: uniquePrefix(label),
      jobStallMs: 1000,
      ...extra,
    });

  registerExecutorSuite(`bullmq (${target.name})`, () => bullmq('conformance'));

  describe(`BullMQ executor across restarts and lost workers (${target.name})`, () => {
    let h: JobsHarness;
    const workers: WorkerProcess[] = [];
    beforeAll(async () => {
      // This process only queues; `tradeloop worker` processes (or a reopened manager) run the jobs.
      h = await bullmq('restart', { jobApiWorker: 'off' });
    });
    afterAll(async () => {
      for (const w of workers) await killWorker(w);
      await h?.close();
    });

    const worker = async () => {
      const c = h.config;
      const w = await startWorkerProcess({
        DATABASE_URL: c.databaseUrl,
        REDIS_URL: redisUrl,
        JOB_EXECUTOR: 'bullmq',
        JOB_QUEUE_PREFIX: c.jobQueuePrefix,
        JOB_STALL_MS: String(c.jobStallMs),
        MAX_CONCURRENT_JOBS: '1',
      });
      workers.push(w);
      return w;
    };

    it('keeps queued jobs across a restart of the manager', async () => {
      const low = await h.jobs.submit({
        type: 'montecarlo',
        params: SHORT_JOB,
        priority: 'low',
        userId: h.alice,
      });
      const high = await h.jobs.submit({
        type: 'backtest',
        params: SPX_BACKTEST,
        priority: 'high',
        userId: h.alice,
      });
      expect((await h.jobs.get(low.id)).status).toBe('queued');
      const jobs = await h.reopen({ jobApiWorker: 'on' });
      expect(jobs.executorKind).toBe('bullmq');
      const [a, b] = await Promise.all([
        waitForJob(jobs, high.id, isFinished),
        waitForJob(jobs, low.id, isFinished),
      ]);
      expect(a.status).toBe('succeeded');
      expect(b.status).toBe('succeeded');
      expect(b.startedAt!).toBeGreaterThanOrEqual(a.finishedAt!);
      await h.reopen({ jobApiWorker: 'off' });
    });

    it('retries a job whose worker was killed, and fails it with a reason when that happens again', async () => {
      const first = await worker();
      const job = await h.jobs.submit({
        type: 'montecarlo',
        params: monteCarlo(600_000_000),
        userId: h.alice,
      });
      await waitForJob(h.jobs, job.id, (j) => j.status === 'running' && j.progress > 0);
      await killWorker(first);

      // Another worker's stalled check puts it back in the queue: it runs again.
      const second = await worker();
      const retried = await waitForJob(h.jobs, job.id, (j) => j.attempts === 2 || isFinished(j), 30_000);
      expect(retried).toMatchObject({ status: 'running', attempts: 2 });
      await killWorker(second);

      await worker();
      const failed = await waitForJob(h.jobs, job.id, isFinished, 30_000);
      expect(failed).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'WORKER_LOST' } });
      expect(failed.error!.message).toContain('lost 2 times');

      // The surviving worker runs the next job to the end.
      const next = await h.jobs.submit({ type: 'backtest', params: SPX_BACKTEST, userId: h.alice });
      expect((await waitForJob(h.jobs, next.id, isFinished)).status).toBe('succeeded');
    });

    it('cancels a job running in a worker process', async () => {
      if (workers.every((w) => w.child.exitCode !== null || w.child.signalCode !== null)) await worker();
      const job = await h.jobs.submit({ type: 'montecarlo', params: monteCarlo(1e9), userId: h.alice });
      await waitForJob(h.jobs, job.id, (j) => j.status === 'running');
      expect((await h.jobs.cancel(job.id)).status).toBe('cancelled');
      // The worker stopped it and is free: the next job runs.
      const next = await h.jobs.submit({ type: 'montecarlo', params: SHORT_JOB, userId: h.alice });
      expect((await waitForJob(h.jobs, next.id, isFinished)).status).toBe('succeeded');
    });
  });

  describe(`the same results from both executors (${target.name})`, () => {
    let embedded: JobsHarness;
    let distributed: JobsHarness;
    beforeAll(async () => {
      embedded = await jobsHarness(target, { jobExecutor: 'embedded' });
      distributed = await bullmq('same');
    });
    afterAll(async () => {
      await embedded?.close();
      await distributed?.close();
    });

    it('gives identical backtest and Monte Carlo results', async () => {
      const run = async (h: JobsHarness) => {
        const bt = await h.jobs.submit({ type: 'backtest', params: SPX_BACKTEST, userId: h.alice });
        const mc = await h.jobs.submit({
          type: 'montecarlo',
          params: monteCarlo(5_000_000, 3),
          userId: h.alice,
        });
        const done = await Promise.all([
          waitForJob(h.jobs, bt.id, isFinished),
          waitForJob(h.jobs, mc.id, isFinished),
        ]);
        expect(done.map((j) => j.status)).toEqual(['succeeded', 'succeeded']);
        return done.map((j) => j.result);
      };
      const [a, b] = [await run(embedded), await run(distributed)];
      expect(b).toEqual(a);
      expect((a[0] as { trades: unknown[] }).trades.length).toBeGreaterThan(10);
    });
  });
}
