/**
 * A job worker that cannot start fails its task with the cause, in bounded
 * time, and leaves the process running: a missing worker file (a `dist`
 * without its bundle) and a worker module that throws while loading. Before,
 * piscina's unheard 'error' event ended the process and the task waited forever.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { ResearchVenues } from '../../src/jobs/research-venues.js';
import { JobControl } from '../../src/jobs/task-protocol.js';
import { WorkerPool, WorkerStartError, workerEntry } from '../../src/jobs/worker-pool.js';
import { parseMonteCarloRequest } from '../../src/research/index.js';
import { JobRepository } from '../../src/store/job-repository.js';
import { databaseTargets } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';
import { monteCarlo } from './harness.js';

const request = parseMonteCarloRequest({
  tradeReturns: [0.02, -0.01],
  method: 'bootstrap',
  tradesPerPath: 5,
  paths: 100,
  seed: 1,
});
const task = () => ({
  kind: 'mc-chunk' as const,
  request,
  start: 0,
  end: 100,
  control: new JobControl().buffer,
});

describe('WorkerPool when its worker cannot start', () => {
  let pool: WorkerPool | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-start-'));
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('fails the task naming the missing worker file, and finds the file once it is there', async () => {
    const file = path.join(dir, 'missing-worker.mjs');
    const real = workerEntry();
    pool = new WorkerPool(1, { entry: { filename: pathToFileURL(file).href, execArgv: real.execArgv } });
    const err = await pool.run(task()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerStartError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain('npm run build');
    // The failed start is not kept: once the file is there, the same pool runs the next task.
    fs.writeFileSync(file, `export { default } from ${JSON.stringify(real.filename)};\n`);
    const reply = await pool.run(task());
    expect(reply.ok).toBe(true);
  });

  it('fails the task with the load error of a worker module that throws, and again on the next task', async () => {
    const file = path.join(dir, 'broken-worker.mjs');
    fs.writeFileSync(file, "throw new Error('the broken worker module');\n");
    pool = new WorkerPool(1, { entry: { filename: pathToFileURL(file).href, execArgv: [] } });
    for (let i = 0; i < 2; i++) {
      const err = await pool.run(task()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkerStartError);
      expect((err as Error).message).toContain('the broken worker module');
    }
  });
});

describe('a job whose worker cannot start', () => {
  let ctx: TestContext;
  let pool: WorkerPool | undefined;
  const sqlite = async () => (await databaseTargets()).find((t) => t.name === 'sqlite')!;
  afterEach(async () => {
    await pool?.close();
    await ctx?.close();
  });

  it('fails with a message for its owner that names no server path; the operator gets the cause', async () => {
    ctx = await testServices(await sqlite());
    const s = ctx.services;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'job-worker-')), 'absent.mjs');
    pool = new WorkerPool(1, { entry: { filename: pathToFileURL(file).href, execArgv: [] } });
    const repo = new JobRepository(s.db, { resultMaxBytes: 1_000_000 });
    const reported: unknown[] = [];
    const runner = new JobRunner({
      repo,
      pool,
      venues: new ResearchVenues({ name: 'simulated', config: { kind: 'simulated' } }, 1),
      clock: s.clock,
      onError: (err) => reported.push(err),
    });
    const { user } = await s.users.create('job_owner');
    const job = await repo.insert(
      {
        userId: user.id,
        type: 'montecarlo',
        priority: 1,
        params: JSON.stringify(monteCarlo(10_000)),
        timeoutMs: 60_000,
      },
      s.clock.now(),
    );
    expect(await runner.run(job.id)).toBe('failed');
    const failed = await repo.findById(job.id);
    expect(failed?.error?.code).toBe('JOB_FAILED');
    expect(failed?.error?.message).toBe('the job worker could not start; the service log has the cause');
    expect(JSON.stringify(failed)).not.toContain(path.dirname(file));
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(WorkerStartError);
    expect(String(reported[0])).toContain(file);
  });
});
