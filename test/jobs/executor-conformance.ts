/**
 * One suite every job executor passes (embedded worker threads, BullMQ):
 * submit -> progress -> result stored, priority order, cancel of a queued and
 * of a running job, timeout, failures recorded with their code, and
 * validation before anything is written. The harness runs one job at a time
 * (MAX_CONCURRENT_JOBS=1) so the order of queued jobs is observable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import { parseBacktestRequest } from '../../src/research/index.js';
import {
  isFinished,
  type JobsHarness,
  LONG_JOB,
  monteCarlo,
  SHORT_JOB,
  SPX_BACKTEST,
  waitForJob,
} from './harness.js';

export function registerExecutorSuite(name: string, make: () => Promise<JobsHarness>): void {
  describe(`job executor conformance: ${name}`, () => {
    let h: JobsHarness;
    beforeAll(async () => {
      h = await make();
    });
    afterAll(() => h?.close());

    /** Cancels whatever is still open so the next test starts with an idle executor. */
    const drain = async () => {
      for (const status of ['queued', 'running'] as const) {
        for (const j of (await h.jobs.list(h.alice, { status, limit: 200 })).items) await h.jobs.cancel(j.id);
      }
      for (const j of (await h.jobs.list(h.alice, { limit: 200 })).items)
        await waitForJob(h.jobs, j.id, isFinished);
    };

    it('runs a backtest and stores its result', async () => {
      const job = await h.jobs.submit({ type: 'backtest', params: SPX_BACKTEST, userId: h.alice });
      expect(job).toMatchObject({ status: 'queued', priority: 'normal', progress: 0, startedAt: null });
      // Parsed once, at submission: the job shows the client's fields and carries the parsed request.
      expect(job.params).toEqual(SPX_BACKTEST);
      expect(job.request).toEqual(parseBacktestRequest(SPX_BACKTEST));
      const done = await waitForJob(h.jobs, job.id, isFinished);
      expect(done.status).toBe('succeeded');
      expect(done.progress).toBe(100);
      expect(done.attempts).toBe(1);
      expect(done.startedAt).toBeGreaterThanOrEqual(done.submittedAt);
      expect(done.finishedAt).toBeGreaterThanOrEqual(done.startedAt!);
      const r = done.result as { bars: number; trades: unknown[]; tradeReturns: number[]; metrics: object };
      expect(r.bars).toBeGreaterThan(5000);
      expect(r.trades.length).toBeGreaterThan(10);
      expect(r.tradeReturns).toHaveLength(r.trades.length);
      expect(r.metrics).toHaveProperty('sharpe');
    });

    it('reports progress between 0 and 100 while a job runs, then the result', async () => {
      const job = await h.jobs.submit({
        type: 'montecarlo',
        params: monteCarlo(400_000_000),
        userId: h.alice,
      });
      const seen = await waitForJob(
        h.jobs,
        job.id,
        (j) => (j.progress > 0 && j.progress < 100) || isFinished(j),
      );
      expect(seen.status).toBe('running');
      const done = await waitForJob(h.jobs, job.id, isFinished, 60_000);
      expect(done.status).toBe('succeeded');
      expect(done.progress).toBe(100);
      expect(done.result).toMatchObject({ method: 'bootstrap', paths: 400_000, tradesPerPath: 1000 });
    });

    it('runs queued jobs highest priority first', async () => {
      const blocker = await h.jobs.submit({ type: 'montecarlo', params: LONG_JOB, userId: h.alice });
      await waitForJob(h.jobs, blocker.id, (j) => j.status === 'running');
      const ids: Record<string, number> = {};
      for (const priority of ['low', 'normal', 'high'] as const) {
        const j = await h.jobs.submit({ type: 'montecarlo', params: SHORT_JOB, priority, userId: h.alice });
        expect(j.priority).toBe(priority);
        ids[priority] = j.id;
      }
      await h.jobs.cancel(blocker.id);
      const done = await Promise.all(
        ['high', 'normal', 'low'].map((p) => waitForJob(h.jobs, ids[p]!, isFinished, 60_000)),
      );
      expect(done.map((j) => j.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      // One at a time: each started after the one before it finished.
      expect(done[1]!.startedAt!).toBeGreaterThanOrEqual(done[0]!.finishedAt!);
      expect(done[2]!.startedAt!).toBeGreaterThanOrEqual(done[1]!.finishedAt!);
      expect(done[0]!.startedAt!).toBeLessThan(done[2]!.startedAt!);
    });

    it('cancels a queued job: it never runs', async () => {
      const blocker = await h.jobs.submit({ type: 'montecarlo', params: LONG_JOB, userId: h.alice });
      await waitForJob(h.jobs, blocker.id, (j) => j.status === 'running');
      const queued = await h.jobs.submit({ type: 'montecarlo', params: SHORT_JOB, userId: h.alice });
      const cancelled = await h.jobs.cancel(queued.id);
      expect(cancelled).toMatchObject({ status: 'cancelled', startedAt: null, error: { code: 'CANCELLED' } });
      await h.jobs.cancel(blocker.id);
      const next = await h.jobs.submit({ type: 'montecarlo', params: SHORT_JOB, userId: h.alice });
      expect((await waitForJob(h.jobs, next.id, isFinished)).status).toBe('succeeded');
      expect(await h.jobs.get(queued.id)).toMatchObject({
        status: 'cancelled',
        startedAt: null,
        attempts: 0,
      });
    });

    it('cancels a running job and frees its slot', async () => {
      const job = await h.jobs.submit({ type: 'montecarlo', params: LONG_JOB, userId: h.alice });
      await waitForJob(h.jobs, job.id, (j) => j.status === 'running');
      const after = await h.jobs.cancel(job.id);
      expect(after.status).toBe('cancelled');
      expect(after.finishedAt).not.toBeNull();
      const next = await h.jobs.submit({ type: 'backtest', params: SPX_BACKTEST, userId: h.alice });
      expect((await waitForJob(h.jobs, next.id, isFinished)).status).toBe('succeeded');
      expect((await h.jobs.get(job.id)).status).toBe('cancelled');
    });

    it('stops a job that runs past its timeout: timed_out', async () => {
      const job = await h.jobs.submit({
        type: 'montecarlo',
        params: LONG_JOB,
        timeoutMs: 300,
        userId: h.alice,
      });
      const done = await waitForJob(h.jobs, job.id, isFinished);
      expect(done).toMatchObject({ status: 'timed_out', error: { code: 'TIMED_OUT' }, timeoutMs: 300 });
      expect(done.error!.message).toContain('300 ms');
    });

    it('records a failing job with its error code', async () => {
      const job = await h.jobs.submit({
        type: 'backtest',
        // Valid at submit; the worker finds no bars (the SPX series starts in 2000).
        params: { ...SPX_BACKTEST, from: '1990-01-01', to: '1990-12-31' },
        userId: h.alice,
      });
      const done = await waitForJob(h.jobs, job.id, isFinished);
      expect(done.status).toBe('failed');
      expect(done.error!.code).toMatch(/^[A-Z_]+$/);
      expect(done.error!.message).toContain('no SPX bars');
    });

    it('rejects bad requests before writing anything, naming the field', async () => {
      await drain();
      const before = (await h.jobs.list(h.alice, { limit: 200 })).items.length;
      const cases: [Parameters<JobsHarness['jobs']['submit']>[0], string][] = [
        [{ type: 'backtest', params: { ...SPX_BACKTEST, strategy: 'nope' }, userId: h.alice }, 'strategy'],
        [
          {
            type: 'backtest',
            params: { ...SPX_BACKTEST, from: '2020-01-01', to: '2019-01-01' },
            userId: h.alice,
          },
          'to',
        ],
        [{ type: 'backtest', params: { ...SPX_BACKTEST, venue: 'mars' }, userId: h.alice }, 'venue'],
        [{ type: 'backtest', params: SPX_BACKTEST, priority: 'urgent', userId: h.alice }, 'priority'],
        [{ type: 'montecarlo', params: { ...SHORT_JOB, paths: 1e9 }, userId: h.alice }, 'paths'],
      ];
      for (const [req, field] of cases) {
        const err = await h.jobs.submit(req).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).details.map((d) => d.path)).toContain(field);
      }
      expect((await h.jobs.list(h.alice, { limit: 200 })).items).toHaveLength(before);
    });

    it('takes a Monte Carlo run from a finished backtest of the same user only', async () => {
      const bt = await h.jobs.submit({ type: 'backtest', params: SPX_BACKTEST, userId: h.alice });
      const done = await waitForJob(h.jobs, bt.id, isFinished);
      const mc = await h.jobs.submit({
        type: 'montecarlo',
        params: { fromJob: bt.id, method: 'reshuffle', paths: 2000 },
        userId: h.alice,
      });
      expect((mc.params as { tradeReturns: number[] }).tradeReturns).toEqual(
        (done.result as { tradeReturns: number[] }).tradeReturns,
      );
      const r = await waitForJob(h.jobs, mc.id, isFinished);
      expect(r.status).toBe('succeeded');
      expect(r.result).toMatchObject({ method: 'reshuffle', paths: 2000, finalEquity: { invariant: true } });
      const theirs = await h.jobs
        .submit({ type: 'montecarlo', params: { fromJob: bt.id }, userId: h.bob })
        .catch((e: unknown) => e);
      expect((theirs as { code: string }).code).toBe('FORBIDDEN');
    });
  });
}
