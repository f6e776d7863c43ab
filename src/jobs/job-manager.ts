/**
 * The one job interface the API, the CLI and tests use: submit (validated
 * first; a rejected request writes nothing), get, list, cancel. Where jobs
 * wait and run is the executor's business (embedded worker threads or a
 * BullMQ queue); what they did is always in the jobs table.
 */
import type { Clock } from '../domain/clock.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import {
  JOB_STATUSES,
  type JobStatus,
  type JobType,
  MAX_JOBS_PAGE,
  SUBMITTED_JOB_TYPES,
} from '../domain/job.js';
import type { AddressCheck } from '../domain/trader.js';
import { cursorCodec } from '../lib/cursor.js';
import { type Job, type JobError, PRIORITY_RANK, packParams } from '../store/job-records.js';
import type { JobRepository } from '../store/job-repository.js';
import type { JobExecutor } from './executor.js';
import {
  checkBacktestSymbol,
  checkMonteCarloParams,
  isCopyRequest,
  parseBacktestSubmission,
  parseJobOptions,
  type VenueSymbols,
} from './job-requests.js';
import { type RecordedAnswerSource, resolveModelReplay } from './model-replay-submission.js';

export interface SubmitRequest {
  type: JobType;
  params: unknown;
  /** One of JOB_PRIORITIES, as the client sent it (checked by `parseJobOptions`). @default 'normal' */
  priority?: unknown;
  /** Milliseconds, as the client sent them. @default JOB_TIMEOUT_MS, which is also the most a request may ask */
  timeoutMs?: unknown;
  userId: number;
}

export interface JobListQuery {
  status?: JobStatus;
  limit: number;
  cursor?: string | null;
}

export interface JobManagerOptions {
  repo: JobRepository;
  executor: JobExecutor;
  clock: Clock;
  /** Default and most a job may run (JOB_TIMEOUT_MS). */
  timeoutMs: number;
  /**
   * How long a submit may wait for the queue (JOB_SUBMIT_TIMEOUT_MS, wall
   * time); beyond it the job is withdrawn and the submit fails with
   * DEPENDENCY_UNAVAILABLE. @default 2000
   */
  submitTimeoutMs?: number;
  /** Venue names a backtest may read. */
  venues: readonly string[];
  /** The venue a copy backtest reads when it names none (VENUE). */
  defaultVenue?: string;
  /** Address rules of the sources a copy backtest may replay; absent: addresses are checked by the worker. */
  checkAddress?: AddressCheck;
  /** The pipeline's recorded decider answers, for a backtest's `modelReplay`; absent: a replay is refused. */
  recordedAnswers?: RecordedAnswerSource;
  /** What each venue lists, to refuse an unknown backtest symbol at submit; absent: not checked here. */
  symbols?: VenueSymbols;
  /** Jobs one user may have queued or running (JOB_QUOTA_PER_USER). @default no limit */
  quotaPerUser?: number;
  /** Most paths x trades one Monte Carlo may ask for (MONTECARLO_MAX_STEPS). @default the parser's own bound */
  monteCarloMaxSteps?: number;
  /** Results of jobs finished this long ago are dropped by `pruneResults` (JOB_RESULT_TTL_DAYS); 0 = kept. @default 0 */
  resultTtlDays?: number;
  /** Extra cleanup on close (the worker pool). */
  onClose?: () => Promise<void>;
}

const DAY_MS = 86_400_000;
export const DEFAULT_SUBMIT_TIMEOUT_MS = 2000;

export class JobManager {
  constructor(private readonly o: JobManagerOptions) {}

  get executorKind(): JobExecutor['kind'] {
    return this.o.executor.kind;
  }

  get venues(): readonly string[] {
    return this.o.venues;
  }

  /**
   * Validates and queues a job; resolves to it (status queued, or already
   * running). A user who already has `quotaPerUser` jobs queued or running
   * gets QuotaExceededError (429) and nothing is written. Answers within
   * `submitTimeoutMs` of the queue: when the queue does not take the job in
   * time (Redis down or hung), the row is deleted
   * before the UnavailableError is thrown, so nothing is left behind, and an
   * enqueue that lands later finds no row and runs nothing. The delete is
   * conditional on the job not having started: if a worker got it first,
   * the job is real and is returned.
   *
   * @example
   * const job = await jobs.submit({ type: 'backtest', userId, priority: 'high',
   *   params: { strategy: 'sma-cross', params: { fast: 10, slow: 50 }, venue: 'replay', symbol: 'SPX',
   *     timeframe: '1d', from: '2000-01-01', to: '2020-12-31', feeRate: 0.001, initialCapital: 10_000 } });
   */
  async submit(req: SubmitRequest): Promise<Job> {
    if (!SUBMITTED_JOB_TYPES.includes(req.type)) {
      throw new ValidationError(`unknown job type ${JSON.stringify(req.type)}`, {
        details: [{ path: 'type', message: `must be one of ${SUBMITTED_JOB_TYPES.join(', ')}` }],
      });
    }
    const waitMs = this.o.submitTimeoutMs ?? DEFAULT_SUBMIT_TIMEOUT_MS;
    const options = parseJobOptions(req, this.o.timeoutMs);
    let params: string;
    if (req.type === 'backtest') {
      const { body, request } = parseBacktestSubmission(req.params, this.o.venues, {
        ...(this.o.defaultVenue ? { defaultVenue: this.o.defaultVenue } : {}),
        ...(this.o.checkAddress ? { checkAddress: this.o.checkAddress } : {}),
      });
      if (isCopyRequest(request)) params = packParams(body, request);
      else {
        if (this.o.symbols) await checkBacktestSymbol(request, this.o.symbols, waitMs);
        params = packParams(body, await resolveModelReplay(request, this.o.recordedAnswers));
      }
    } else {
      const resolved = await checkMonteCarloParams(req.params, req.userId, (id) => this.o.repo.findById(id), {
        ...(this.o.monteCarloMaxSteps === undefined ? {} : { maxSteps: this.o.monteCarloMaxSteps }),
      });
      params = packParams(resolved);
    }
    const deadline = performance.now() + waitMs;
    const job = await this.o.repo.insertWithinQuota(
      {
        userId: req.userId,
        type: req.type,
        priority: PRIORITY_RANK[options.priority],
        params,
        timeoutMs: options.timeoutMs,
      },
      this.o.clock.now(),
      this.o.quotaPerUser ?? Number.POSITIVE_INFINITY,
    );
    try {
      await this.o.executor.enqueue(job, {
        timeoutMs: Math.max(1, Math.floor(deadline - performance.now())),
      });
    } catch (err) {
      if (await this.o.repo.withdraw(job.id)) throw err;
      // A worker started it before the delete: it was queued after all.
      return (await this.o.repo.findById(job.id)) ?? job;
    }
    return job;
  }

  /** Resolves when the queue's dependency (Redis for BullMQ) answers within `timeoutMs`; rejects naming it otherwise. */
  async check(timeoutMs: number): Promise<void> {
    await this.o.executor.check?.(timeoutMs);
  }

  /** The dependency `check` probes, if any (`redis` for BullMQ). */
  get dependency(): string | undefined {
    return this.o.executor.dependency;
  }

  /** Job `id`; with `userId`, only that user's (403 for another user's job). */
  async get(id: number, userId?: number): Promise<Job> {
    const job = await this.o.repo.findById(id);
    if (!job) throw new NotFoundError(`job ${id} does not exist`);
    if (userId !== undefined && job.userId !== userId)
      throw new ForbiddenError(`job ${id} belongs to another user`);
    return job;
  }

  /** A user's jobs, newest first, without their results. */
  async list(userId: number, q: JobListQuery): Promise<{ items: Job[]; nextCursor: string | null }> {
    if (q.status !== undefined && !JOB_STATUSES.includes(q.status)) {
      throw new ValidationError(`unknown status ${JSON.stringify(q.status)}`, {
        details: [{ path: 'query.status', message: `must be one of ${JOB_STATUSES.join(', ')}` }],
      });
    }
    const limit = Math.max(1, Math.min(MAX_JOBS_PAGE, q.limit));
    const beforeId = decodeJobCursor(q.cursor ?? null);
    const rows = await this.o.repo.list(userId, {
      limit: limit + 1,
      ...(q.status ? { status: q.status } : {}),
      ...(beforeId === undefined ? {} : { beforeId }),
    });
    const more = rows.length > limit;
    const items = more ? rows.slice(0, limit) : rows;
    return { items, nextCursor: more ? encodeJobCursor(items[items.length - 1]!.id) : null };
  }

  /**
   * Cancels a queued job (it never runs) or a running one (it stops at its
   * next progress step); a finished job is returned as it is.
   */
  async cancel(id: number, userId?: number): Promise<Job> {
    const job = await this.get(id, userId);
    const error: JobError = { code: 'CANCELLED', message: 'cancelled by the user' };
    if (await this.o.repo.close(id, 'cancelled', { error }, this.o.clock.now())) {
      await this.o.executor.cancel(job);
    }
    return this.get(id);
  }

  /**
   * Records work the system did by itself (maintenance) as a finished job of
   * `userId`, so it shows in that user's jobs list like any other.
   */
  async recordFinished(r: {
    type: JobType;
    userId: number;
    params: unknown;
    startedAt: number;
    finishedAt: number;
    ok: boolean;
    result: unknown;
  }): Promise<Job> {
    const repo = this.o.repo;
    const job = await repo.insert(
      {
        userId: r.userId,
        type: r.type,
        priority: PRIORITY_RANK.low,
        params: packParams(r.params),
        timeoutMs: Math.max(1, Math.ceil(r.finishedAt - r.startedAt)),
      },
      r.startedAt,
    );
    await repo.start(job.id, r.startedAt);
    const resultJson = JSON.stringify(r.result);
    await repo.finish(
      job.id,
      r.ok ? 'succeeded' : 'failed',
      r.ok
        ? { resultJson, progress: 100 }
        : { error: { code: 'MAINTENANCE_FAILED', message: resultJson.slice(0, 500) } },
      r.finishedAt,
    );
    return (await repo.findById(job.id)) ?? job;
  }

  /**
   * Drops the results of jobs finished more than `resultTtlDays` before
   * `now` (the maintenance task); says what it did.
   */
  async pruneResults(now: number): Promise<string> {
    const days = this.o.resultTtlDays ?? 0;
    if (days <= 0) return 'skipped: JOB_RESULT_TTL_DAYS = 0 keeps results forever';
    const note = `result dropped on ${new Date(now).toISOString().slice(0, 10)}: the job finished more than ${days} days before (JOB_RESULT_TTL_DAYS)`;
    const n = await this.o.repo.pruneResults(now - days * DAY_MS, note, now);
    return `dropped ${n} results of jobs finished more than ${days} days ago`;
  }

  /** The maintenance step that prunes old results (added to every maintenance run). */
  get resultPruneTask(): { name: string; run(now: number): Promise<string> } {
    return { name: 'expired job results', run: (now) => this.pruneResults(now) };
  }

  async close(): Promise<void> {
    await this.o.executor.close();
    await this.o.onClose?.();
  }
}

/** Jobs page by id (newest first); the cursor is the last id, opaque to clients. */
const jobCursor = cursorCodec('j', ['int']);

export function encodeJobCursor(id: number): string {
  return jobCursor.encode(id);
}

export function decodeJobCursor(raw: string | null): number | undefined {
  return jobCursor.decode(raw)?.[0];
}
