/**
 * The embedded executor (worker threads in this process) on every database:
 * the shared executor suite, plus what the database gives it across a
 * restart: queued jobs run after the manager is rebuilt, and a job running
 * at shutdown is handed back to the queue and runs again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../support/databases.js';
import { registerExecutorSuite } from './executor-conformance.js';
import { isFinished, type JobsHarness, jobsHarness, LONG_JOB, SHORT_JOB, waitForJob } from './harness.js';

for (const target of await databaseTargets()) {
  registerExecutorSuite(`embedded (${target.name})`, () => jobsHarness(target, { jobExecutor: 'embedded' }));

  describe(`embedded executor across a restart (${target.name})`, () => {
    let h: JobsHarness;
    beforeAll(async () => {
      h = await jobsHarness(target, { jobExecutor: 'embedded' });
    });
    afterAll(() => h?.close());

    it('runs jobs queued before the restart, and re-runs the one that was running', async () => {
      const running = await h.jobs.submit({ type: 'montecarlo', params: LONG_JOB, userId: h.alice });
      await waitForJob(h.jobs, running.id, (j) => j.status === 'running');
      const queued = await h.jobs.submit({
        type: 'montecarlo',
        params: SHORT_JOB,
        priority: 'high',
        userId: h.alice,
      });
      const jobs = await h.reopen();
      expect(jobs.executorKind).toBe('embedded');
      expect((await jobs.get(queued.id)).status).not.toBe('cancelled');
      const q = await waitForJob(jobs, queued.id, isFinished);
      expect(q).toMatchObject({ status: 'succeeded', attempts: 1 });
      const r = await waitForJob(jobs, running.id, (j) => j.status === 'running');
      expect(r.attempts).toBe(2);
      expect((await jobs.cancel(running.id)).status).toBe('cancelled');
    });
  });
}
