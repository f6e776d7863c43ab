/**
 * The per-user quota of open (queued + running) jobs, with the embedded
 * executor on every database and with BullMQ when Redis answers: a submit
 * beyond JOB_QUOTA_PER_USER is refused with QUOTA_EXCEEDED naming the quota
 * and the count, writes nothing (no row, nothing queued), counts per user,
 * and frees up when a job ends; concurrent submits never overshoot it.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { QuotaExceededError } from '../../src/domain/errors.js';
import { DEFAULT_QUEUE_NAME } from '../../src/jobs/bullmq-executor.js';
import { databaseTargets } from '../support/databases.js';
import { redisUrlForTests } from '../support/redis.js';
import {
  isFinished,
  type JobsHarness,
  jobsHarness,
  LONG_JOB,
  SHORT_JOB,
  SPX_BACKTEST,
  uniquePrefix,
  waitForJob,
} from './harness.js';

const QUOTA = 3;

function registerQuotaSuite(name: string, make: () => Promise<JobsHarness>): void {
  describe(`job quota per user: ${name}`, () => {
    let h: JobsHarness;
    beforeAll(async () => {
      h = await make();
    });
    afterAll(() => h?.close());

    const count = async (userId: number) => (await h.jobs.list(userId, { limit: 200 })).items.length;
    /** Cancels every open job of both users and waits until they are all settled. */
    const drain = async () => {
      for (const user of [h.alice, h.bob]) {
        for (const status of ['queued', 'running'] as const)
          for (const j of (await h.jobs.list(user, { status, limit: 200 })).items) await h.jobs.cancel(j.id);
        for (const j of (await h.jobs.list(user, { limit: 200 })).items)
          await waitForJob(h.jobs, j.id, isFinished);
      }
    };
    /** One running job that lasts, and queued ones behind it (one job runs at a time), up to `open`. */
    const fill = async (open: number) => {
      const running = await h.jobs.submit({ type: 'montecarlo', params: LONG_JOB, userId: h.alice });
      await waitForJob(h.jobs, running.id, (j) => j.status === 'running');
      const queued = [];
      for (let i = 1; i < open; i++)
        queued.push(await h.jobs.submit({ type: 'montecarlo', params: SHORT_JOB, userId: h.alice }));
      return { running, queued };
    };

    it('refuses a submit beyond the quota with QUOTA_EXCEEDED, and writes nothing', async () => {
      const { queued } = await fill(QUOTA);
      const before = await count(h.alice);
      for (const req of [
        { type: 'montecarlo' as const, params: SHORT_JOB, userId: h.alice },
        { type: 'backtest' as const, params: SPX_BACKTEST, userId: h.alice },
      ]) {
        const err = await h.jobs.submit(req).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(QuotaExceededError);
        expect((err as QuotaExceededError).code).toBe('QUOTA_EXCEEDED');
        expect((err as Error).message).toContain('JOB_QUOTA_PER_USER');
        expect((err as Error).message).toContain(`${QUOTA} of your jobs are queued or running`);
        expect((err as Error).message).toContain(`allows ${QUOTA}`);
      }
      expect(await count(h.alice)).toBe(before);
      // Another user's quota is their own.
      const theirs = await h.jobs.submit({ type: 'montecarlo', params: SHORT_JOB, userId: h.bob });
      expect(theirs.status).not.toBe('failed');
      // A job that ends frees its slot.
      await h.jobs.cancel(queued[0]!.id);
      const again = await h.jobs.submit({ type: 'montecarlo', params: SHORT_JOB, userId: h.alice });
      expect(again.userId).toBe(h.alice);
      await drain();
    });

    it('lets exactly the free slots through when many submits race', async () => {
      await fill(1);
      const tries = 8;
      const outcomes = await Promise.allSettled(
        Array.from({ length: tries }, () =>
          h.jobs.submit({ type: 'montecarlo', params: SHORT_JOB, userId: h.alice }),
        ),
      );
      const passed = outcomes.filter((o) => o.status === 'fulfilled');
      const refused = outcomes.filter(
        (o) => o.status === 'rejected' && (o.reason as { code?: string }).code === 'QUOTA_EXCEEDED',
      );
      expect(passed).toHaveLength(QUOTA - 1);
      expect(refused).toHaveLength(tries - (QUOTA - 1));
      const open = [
        ...(await h.jobs.list(h.alice, { status: 'queued', limit: 200 })).items,
        ...(await h.jobs.list(h.alice, { status: 'running', limit: 200 })).items,
      ];
      expect(open).toHaveLength(QUOTA);
      await drain();
    });
  });
}

const targets = await databaseTargets();
for (const target of targets) {
  registerQuotaSuite(`embedded (${target.name})`, () =>
    jobsHarness(target, { jobExecutor: 'embedded', jobQuotaPerUser: QUOTA }),
  );
}

const redisUrl = await redisUrlForTests();
if (redisUrl) {
  const target = targets[targets.length - 1]!;
  const overrides: Partial<Config> = {
    redisUrl,
    jobExecutor: 'bullmq',
    jobQueuePrefix: uniquePrefix('quota'),
    jobStallMs: 1000,
    jobQuotaPerUser: QUOTA,
  };
  registerQuotaSuite(`bullmq (${target.name})`, () => jobsHarness(target, overrides));

  describe(`job quota with BullMQ: a refused submit queues nothing (${target.name})`, () => {
    let h: JobsHarness;
    let queue: Queue;
    beforeAll(async () => {
      // Only queues: nothing consumes, so every accepted job stays waiting in Redis.
      const prefix = uniquePrefix('quota-queue');
      h = await jobsHarness(target, { ...overrides, jobQueuePrefix: prefix, jobApiWorker: 'off' });
      queue = new Queue(DEFAULT_QUEUE_NAME, { connection: { url: redisUrl }, prefix });
    });
    afterAll(async () => {
      await queue?.close();
      await h?.close();
    });

    it('holds the quota in Redis too', async () => {
      for (let i = 0; i < QUOTA; i++)
        await h.jobs.submit({ type: 'montecarlo', params: SHORT_JOB, userId: h.alice });
      const err = await h.jobs
        .submit({ type: 'montecarlo', params: SHORT_JOB, userId: h.alice })
        .catch((e: unknown) => e);
      expect((err as { code?: string }).code).toBe('QUOTA_EXCEEDED');
      expect(await queue.count()).toBe(QUOTA);
      expect((await h.jobs.list(h.alice, { limit: 200 })).items).toHaveLength(QUOTA);
      for (const j of (await h.jobs.list(h.alice, { limit: 200 })).items) await h.jobs.cancel(j.id);
    });
  });
}
