/**
 * What one user's jobs may cost in work and storage, on every database:
 * the Monte Carlo work cap (MONTECARLO_MAX_STEPS, a 400 naming it, nothing
 * written), results over JOB_RESULT_MAX_BYTES stored gzip-compressed and
 * read back as the same JSON, and results dropped by the maintenance run
 * after JOB_RESULT_TTL_DAYS on a clock the test moves (the job stays, with
 * a note).
 */
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import type { Job, JobManager } from '../../src/jobs/index.js';
import type { Database } from '../../src/store/database.js';
import { compile } from '../../src/store/prepared.js';
import { databaseTargets } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';
import {
  isFinished,
  type JobsHarness,
  jobsHarness,
  monteCarlo,
  SHORT_JOB,
  SPX_BACKTEST,
  waitForJob,
} from './harness.js';

const DAY_MS = 86_400_000;
/** Between a Monte Carlo result (a few KB) and the SPX backtest's (tens of KB). */
const MAX_BYTES = 16_384;

async function storedRow(db: Database, id: number) {
  const row = await db.first(
    compile(
      db.kysely.selectFrom('jobs').select(['result', 'result_gzip', 'result_note']).where('id', '=', id),
    ),
  );
  return row!;
}

const run = async (jobs: JobManager, req: Parameters<JobManager['submit']>[0]): Promise<Job> => {
  const job = await jobs.submit(req);
  const done = await waitForJob(jobs, job.id, isFinished, 60_000);
  expect(done.status).toBe('succeeded');
  return done;
};

for (const target of await databaseTargets()) {
  describe(`Monte Carlo work cap (${target.name})`, () => {
    let h: JobsHarness;
    beforeAll(async () => {
      h = await jobsHarness(target, { jobExecutor: 'embedded', monteCarloMaxSteps: 1_000_000 });
    });
    afterAll(() => h?.close());

    it('refuses paths x trades over MONTECARLO_MAX_STEPS with a 400 naming it, and writes nothing', async () => {
      const cases = [
        monteCarlo(2_000_000),
        { tradeReturns: Array(1000).fill(0.01), method: 'reshuffle', paths: 1001 },
      ];
      for (const params of cases) {
        const err = await h.jobs.submit({ type: 'montecarlo', params, userId: h.alice }).catch((e) => e);
        expect(err).toBeInstanceOf(ValidationError);
        const detail = (err as ValidationError).details.find((d) => d.path === 'paths');
        expect(detail?.message).toContain('MONTECARLO_MAX_STEPS');
        expect(detail?.message).toContain('at most 1,000,000');
      }
      expect((await h.jobs.list(h.alice, { limit: 10 })).items).toHaveLength(0);
      const ok = await run(h.jobs, { type: 'montecarlo', params: monteCarlo(1_000_000), userId: h.alice });
      expect(ok.result).toMatchObject({ paths: 1000, tradesPerPath: 1000 });
    });

    it('caps the work a Monte Carlo from a backtest asks for too', async () => {
      const bt = await run(h.jobs, { type: 'backtest', params: SPX_BACKTEST, userId: h.alice });
      const trades = (bt.result as { tradeReturns: number[] }).tradeReturns.length;
      const paths = Math.floor(1_000_000 / trades) + 1;
      const err = await h.jobs
        .submit({ type: 'montecarlo', params: { fromJob: bt.id, paths }, userId: h.alice })
        .catch((e) => e);
      expect((err as ValidationError).details[0]).toMatchObject({ path: 'paths' });
      expect((err as ValidationError).message).toContain('MONTECARLO_MAX_STEPS');
    });
  });

  describe(`job results over JOB_RESULT_MAX_BYTES (${target.name})`, () => {
    let small: JobsHarness;
    beforeAll(async () => {
      small = await jobsHarness(target, { jobExecutor: 'embedded', jobResultMaxBytes: MAX_BYTES });
    });
    afterAll(() => small?.close());

    it('stores a large result compressed and reads back the same JSON as a plain one', async () => {
      const bt = await run(small.jobs, { type: 'backtest', params: SPX_BACKTEST, userId: small.alice });
      const row = await storedRow(small.services.db, bt.id);
      expect(row.result).toBeNull();
      const json = gunzipSync(row.result_gzip!).toString('utf8');
      expect(Buffer.byteLength(json)).toBeGreaterThan(MAX_BYTES);
      expect(row.result_gzip!.length).toBeLessThan(Buffer.byteLength(json) / 2);
      expect(bt.result).toEqual(JSON.parse(json));
      // Under a bound it fits, the same backtest is stored as text: the job reads the same.
      const plain = await small.reopen({ jobResultMaxBytes: 1_073_741_824 });
      const again = await run(plain, { type: 'backtest', params: SPX_BACKTEST, userId: small.alice });
      expect((await storedRow(small.services.db, again.id)).result_gzip).toBeNull();
      expect(again.result).toEqual(bt.result);
      expect(bt.resultNote).toBeNull();
      // A Monte Carlo reads the compressed backtest's trades.
      const mc = await run(plain, {
        type: 'montecarlo',
        params: { fromJob: bt.id, paths: 100 },
        userId: small.alice,
      });
      expect((mc.params as { tradeReturns: number[] }).tradeReturns).toEqual(
        (bt.result as { tradeReturns: number[] }).tradeReturns,
      );
    });

    it('stores a small result as plain JSON text', async () => {
      const mc = await run(small.jobs, { type: 'montecarlo', params: SHORT_JOB, userId: small.alice });
      const row = await storedRow(small.services.db, mc.id);
      expect(row.result_gzip).toBeNull();
      expect(JSON.parse(row.result!)).toEqual(mc.result);
    });
  });

  describe(`job results pruned after JOB_RESULT_TTL_DAYS (${target.name})`, () => {
    let t: TestContext;
    let alice: number;
    beforeAll(async () => {
      // A ManualClock: jobs are stamped with its time, and maintenance reads it.
      t = await testServices(target, {
        jobExecutor: 'embedded',
        maxConcurrentJobs: 1,
        jobResultTtlDays: 30,
        jobResultMaxBytes: MAX_BYTES,
      });
      alice = (await t.services.users.create('alice')).user.id;
    });
    afterAll(() => t?.close());

    const prune = async () => {
      const r = await t.services.observability.maintenance.runNow();
      return r.steps.find((s) => s.name === 'expired job results')!;
    };

    it('drops results older than the TTL at the maintenance run, keeping the jobs with a note', async () => {
      const { jobs, db } = t.services;
      const bt = await run(jobs, { type: 'backtest', params: SPX_BACKTEST, userId: alice });
      const mc = await run(jobs, { type: 'montecarlo', params: SHORT_JOB, userId: alice });
      expect((await storedRow(db, bt.id)).result_gzip).not.toBeNull();

      t.clock.advance(29 * DAY_MS);
      expect(await prune()).toMatchObject({ ok: true, detail: expect.stringContaining('dropped 0 results') });
      expect((await jobs.get(bt.id)).result).toEqual(bt.result);
      const young = await run(jobs, { type: 'montecarlo', params: SHORT_JOB, userId: alice });

      t.clock.advance(2 * DAY_MS);
      expect(await prune()).toMatchObject({ ok: true, detail: expect.stringContaining('dropped 2 results') });
      for (const id of [bt.id, mc.id]) {
        const j = await jobs.get(id);
        expect(j).toMatchObject({ status: 'succeeded', result: null, progress: 100 });
        expect(j.resultNote).toContain('JOB_RESULT_TTL_DAYS');
        expect(j.resultNote).toContain('30 days');
        expect(await storedRow(db, id)).toMatchObject({ result: null, result_gzip: null });
      }
      expect((await jobs.get(young.id)).result).toEqual(young.result);
      const listed = (await jobs.list(alice, { limit: 10 })).items;
      expect(listed.map((j) => j.id).sort()).toEqual([bt.id, mc.id, young.id].sort());
      expect(listed.find((j) => j.id === bt.id)?.resultNote).toContain('JOB_RESULT_TTL_DAYS');

      // A Monte Carlo from the pruned backtest says why it cannot be.
      const err = await jobs
        .submit({ type: 'montecarlo', params: { fromJob: bt.id }, userId: alice })
        .catch((e) => e);
      expect((err as ValidationError).details[0]?.path).toBe('fromJob');
      expect((err as ValidationError).message).toContain('JOB_RESULT_TTL_DAYS');
      expect(await prune()).toMatchObject({ detail: expect.stringContaining('dropped 0 results') });
    });
  });
}
