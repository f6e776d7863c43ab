/**
 * The jobs table. Every transition is one conditional UPDATE on the status
 * the job must be in, and reports whether it happened: a cancel, a timeout
 * and a worker finishing the same job race safely on either dialect, and a
 * worker never starts a job that was cancelled while it waited. A user's
 * quota of open jobs is checked in the transaction that inserts the job,
 * serialised per user (the user's row locked on PostgreSQL, the single
 * writer on SQLite), so concurrent submits on any instances cannot overshoot.
 */
import { sql } from 'kysely';
import { QuotaExceededError } from '../domain/errors.js';
import type { JobStatus } from '../domain/job.js';
import type { Database } from './database.js';
import { type Job, type JobError, type JobRow, OPEN_STATUSES, toJob } from './job-records.js';
import { encodeResult, resultText } from './job-result-codec.js';
import { compile, prepare } from './prepared.js';

export interface NewJob {
  userId: number;
  type: string;
  priority: number;
  params: string;
  timeoutMs: number;
}

/** Columns of a list item: everything but the (possibly large) result. */
const LIST_COLUMNS = [
  'id',
  'user_id',
  'type',
  'status',
  'priority',
  'params',
  'progress',
  'result_note',
  'error_code',
  'error_message',
  'timeout_ms',
  'attempts',
  'submitted_at',
  'started_at',
  'finished_at',
  'updated_at',
] as const;

export interface JobRepositoryOptions {
  /** Results whose JSON is larger are stored gzip-compressed (JOB_RESULT_MAX_BYTES). @default no bound */
  resultMaxBytes?: number;
}

/** Rows a prune changes per statement, so the SQLite writer is never held long. */
const PRUNE_BATCH = 500;

export class JobRepository {
  private readonly resultMaxBytes: number;
  private readonly byIdQ;
  private readonly lockUserQ;
  private readonly openCountQ;
  private readonly pruneQ;
  private readonly startQ;
  private readonly restartQ;
  private readonly progressQ;
  private readonly finishQ;
  private readonly closeOpenQ;
  private readonly requeueQ;
  private readonly withdrawQ;
  private readonly openIdsQ;
  private readonly listQ;
  private readonly listBeforeQ;
  private readonly listStatusQ;
  private readonly listStatusBeforeQ;

  constructor(
    private readonly db: Database,
    o: JobRepositoryOptions = {},
  ) {
    this.resultMaxBytes = o.resultMaxBytes ?? Number.POSITIVE_INFINITY;
    const k = db.kysely;
    this.byIdQ = prepare(k, (p) => k.selectFrom('jobs').selectAll().where('id', '=', p('id')));
    // FOR NO KEY UPDATE: serialises this user's submits without blocking inserts that reference the user.
    this.lockUserQ = prepare(k, (p) =>
      k.selectFrom('users').select('id').where('id', '=', p('userId')).forNoKeyUpdate(),
    );
    this.openCountQ = prepare(k, (p) =>
      k
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('user_id', '=', p('userId'))
        .where('status', 'in', [...OPEN_STATUSES]),
    );
    this.pruneQ = prepare(k, (p) =>
      k
        .updateTable('jobs')
        .set({ result: null, result_gzip: null, result_note: p('note'), updated_at: p('now') })
        .where(
          'id',
          'in',
          k
            .selectFrom('jobs')
            .select('id')
            .where(sql<boolean>`(result is not null or result_gzip is not null)`)
            .where('finished_at', '<', p('before'))
            .limit(p('limit')),
        ),
    );
    const start = (from: readonly JobStatus[]) =>
      prepare(k, (p) =>
        k
          .updateTable('jobs')
          .set((eb) => ({
            status: 'running',
            started_at: p('now'),
            updated_at: p('now'),
            progress: 0,
            attempts: eb('attempts', '+', 1),
          }))
          .where('id', '=', p('id'))
          .where('status', 'in', [...from]),
      );
    this.startQ = start(['queued']);
    this.restartQ = start(OPEN_STATUSES);
    this.progressQ = prepare(k, (p) =>
      k
        .updateTable('jobs')
        .set({ progress: p('progress'), updated_at: p('now') })
        .where('id', '=', p('id'))
        .where('status', '=', 'running')
        .where('progress', '<', p('progress')),
    );
    const outcome = (p: (n: string) => never) => ({
      status: p('status'),
      progress: sql<number>`coalesce(${p('progress')}, progress)`,
      result: p('result'),
      result_gzip: p('resultGzip'),
      error_code: p('errorCode'),
      error_message: p('errorMessage'),
      finished_at: p('now'),
      updated_at: p('now'),
    });
    this.finishQ = prepare(k, (p) =>
      k.updateTable('jobs').set(outcome(p)).where('id', '=', p('id')).where('status', '=', 'running'),
    );
    this.closeOpenQ = prepare(k, (p) =>
      k
        .updateTable('jobs')
        .set(outcome(p))
        .where('id', '=', p('id'))
        .where('status', 'in', [...OPEN_STATUSES]),
    );
    this.requeueQ = prepare(k, (p) =>
      k
        .updateTable('jobs')
        .set({ status: 'queued', started_at: null, progress: 0, updated_at: p('now') })
        .where('id', '=', p('id'))
        .where('status', '=', 'running'),
    );
    this.withdrawQ = prepare(k, (p) =>
      k.deleteFrom('jobs').where('id', '=', p('id')).where('status', '=', 'queued').where('attempts', '=', 0),
    );
    this.openIdsQ = prepare(k, (p) =>
      k
        .selectFrom('jobs')
        .select(['id', 'status', 'priority', 'attempts'])
        .where('status', '=', p('status'))
        .orderBy('priority')
        .orderBy('id'),
    );
    const list = (withStatus: boolean, withBefore: boolean) =>
      prepare(k, (p) => {
        let q = k.selectFrom('jobs').select(LIST_COLUMNS).where('user_id', '=', p('userId'));
        if (withStatus) q = q.where('status', '=', p('status'));
        if (withBefore) q = q.where('id', '<', p('beforeId'));
        return q.orderBy('id', 'desc').limit(p('limit'));
      });
    this.listQ = list(false, false);
    this.listBeforeQ = list(false, true);
    this.listStatusQ = list(true, false);
    this.listStatusBeforeQ = list(true, true);
  }

  /**
   * Inserts `n` unless its user already has `quota` jobs queued or running;
   * then throws QuotaExceededError and writes nothing.
   */
  async insertWithinQuota(n: NewJob, now: number, quota: number): Promise<Job> {
    return this.db.transaction(async (tx) => {
      if (this.db.capabilities.rowLocks) await tx.first(this.lockUserQ({ userId: n.userId }));
      const open = Number((await tx.first(this.openCountQ({ userId: n.userId })))?.n ?? 0);
      if (open >= quota) {
        throw new QuotaExceededError(
          `job quota reached: ${open} of your jobs are queued or running, and JOB_QUOTA_PER_USER allows ${quota}; wait for one to finish or cancel one`,
          { details: [{ path: 'JOB_QUOTA_PER_USER', message: `${open} active of ${quota} allowed` }] },
        );
      }
      return toJob((await tx.first(this.insertQuery(n, now))) as JobRow);
    });
  }

  async insert(n: NewJob, now: number): Promise<Job> {
    return toJob((await this.db.first(this.insertQuery(n, now))) as JobRow);
  }

  private insertQuery(n: NewJob, now: number) {
    const q = this.db.kysely
      .insertInto('jobs')
      .values({
        user_id: n.userId,
        type: n.type,
        status: 'queued',
        priority: n.priority,
        params: n.params,
        progress: 0,
        result: null,
        result_gzip: null,
        result_note: null,
        error_code: null,
        error_message: null,
        timeout_ms: n.timeoutMs,
        attempts: 0,
        submitted_at: now,
        started_at: null,
        finished_at: null,
        updated_at: now,
      })
      .returningAll();
    return compile(q);
  }

  /** The job with its result (inflated when it was stored compressed). */
  async findById(id: number): Promise<Job | undefined> {
    const r = (await this.db.first(this.byIdQ({ id }))) as JobRow | undefined;
    return r && toJob(r, await resultText(r));
  }

  /**
   * queued -> running (attempts + 1). With `restart`, a job still marked
   * running (its worker was lost) may start again too. False when the job is
   * not there to start (cancelled, finished).
   */
  async start(id: number, now: number, restart = false): Promise<boolean> {
    return (await this.db.run((restart ? this.restartQ : this.startQ)({ id, now }))) > 0;
  }

  /** Raises the progress of a running job; never lowers it. */
  async progress(id: number, progress: number, now: number): Promise<void> {
    await this.db.run(this.progressQ({ id, progress, now }));
  }

  /** running -> succeeded (with its result as JSON text) | failed | timed_out; false when it had already left running. */
  async finish(
    id: number,
    status: JobStatus,
    out: { resultJson?: string; error?: JobError; progress?: number },
    now: number,
  ): Promise<boolean> {
    const stored =
      out.resultJson === undefined ? undefined : await encodeResult(out.resultJson, this.resultMaxBytes);
    return (await this.db.run(this.finishQ(outcomeValues(id, status, out, now, stored)))) > 0;
  }

  /** queued | running -> `status` (cancelled, or failed for a lost job); false when it had finished. */
  async close(
    id: number,
    status: JobStatus,
    out: { error?: JobError; progress?: number },
    now: number,
  ): Promise<boolean> {
    return (await this.db.run(this.closeOpenQ(outcomeValues(id, status, out, now)))) > 0;
  }

  /** running -> queued (a graceful shutdown hands the job back). */
  async requeue(id: number, now: number): Promise<boolean> {
    return (await this.db.run(this.requeueQ({ id, now }))) > 0;
  }

  /**
   * Deletes a job that never started (its enqueue failed): a queue entry
   * that lands late then finds no row and runs nothing. False when a worker
   * started it first, so the job is real after all.
   */
  async withdraw(id: number): Promise<boolean> {
    return (await this.db.run(this.withdrawQ({ id }))) > 0;
  }

  /** Jobs in `status`, highest priority first, then oldest first. */
  async idsIn(status: JobStatus): Promise<{ id: number; priority: number; attempts: number }[]> {
    return this.db.all(this.openIdsQ({ status }));
  }

  /** A user's jobs newest first, without results; `limit` rows from before `beforeId`. */
  async list(userId: number, q: { status?: JobStatus; limit: number; beforeId?: number }): Promise<Job[]> {
    const values = { userId, status: q.status, beforeId: q.beforeId, limit: q.limit };
    const query =
      q.status === undefined
        ? q.beforeId === undefined
          ? this.listQ
          : this.listBeforeQ
        : q.beforeId === undefined
          ? this.listStatusQ
          : this.listStatusBeforeQ;
    const rows = await this.db.all(query(values));
    return rows.map((r) => toJob({ ...r, result: null, result_gzip: null } as JobRow));
  }

  /**
   * Drops the results of jobs finished before `before`, leaving `note` in
   * their place; the rows stay (the jobs list and the job counts keep them).
   * Returns how many results were dropped.
   */
  async pruneResults(before: number, note: string, now: number): Promise<number> {
    let dropped = 0;
    for (;;) {
      const n = await this.db.run(this.pruneQ({ before, note, now, limit: PRUNE_BATCH }));
      dropped += n;
      if (n < PRUNE_BATCH) return dropped;
    }
  }
}

function outcomeValues(
  id: number,
  status: JobStatus,
  out: { resultJson?: string; error?: JobError; progress?: number },
  now: number,
  stored?: { result: string | null; resultGzip: Buffer | null },
) {
  return {
    id,
    status,
    now,
    // null is a value here (keep the progress reached): prepare() only rejects undefined.
    progress: out.progress ?? null,
    result: stored?.result ?? null,
    resultGzip: stored?.resultGzip ?? null,
    errorCode: out.error?.code ?? null,
    errorMessage: out.error?.message ?? null,
  };
}
