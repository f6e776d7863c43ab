/**
 * The job model shared by the manager, both executors and the API: types,
 * statuses, priorities and the Job record as read from the database.
 */
import { type ErrorCode, isErrorCode } from '../domain/errors.js';
import type { JobPriority, JobStatus, JobType } from '../domain/job.js';
import type { JobsTable } from './schema.js';

/** Stored rank: lower runs first (and is BullMQ's priority, where 1 is the highest). */
export const PRIORITY_RANK: Readonly<Record<JobPriority, number>> = { high: 1, normal: 2, low: 3 };
const PRIORITY_BY_RANK: readonly JobPriority[] = ['high', 'high', 'normal', 'low'];

/** Statuses a job can still leave. */
export const OPEN_STATUSES: readonly JobStatus[] = ['queued', 'running'];

/** A code read back from a job row; one this version does not know (written by another) reads as JOB_FAILED. */
const storedCode = (code: string): ErrorCode => (isErrorCode(code) ? code : 'JOB_FAILED');

export interface JobError {
  /** A stable code: an AppError code, TIMED_OUT, CANCELLED, WORKER_LOST, JOB_FAILED or MAINTENANCE_FAILED. */
  code: ErrorCode;
  message: string;
}

export interface Job {
  id: number;
  userId: number;
  type: JobType;
  status: JobStatus;
  priority: JobPriority;
  /** 0..100. */
  progress: number;
  /** The validated request as the client sent it (a Monte Carlo request with its returns resolved), as JSON. */
  params: unknown;
  /**
   * The request as the API parsed it, which the worker runs without parsing
   * again (backtests); undefined for other jobs and for rows an older
   * version wrote.
   */
  request: unknown;
  /**
   * The result, parsed from `resultJson` on first read: a poll that only
   * looks at the status, and the API, which sends the stored text as it is,
   * never parse a large result on the event loop.
   */
  readonly result: unknown | null;
  /** The result as stored (JSON text), or null. */
  resultJson: string | null;
  /** Why `result` is null although the job succeeded (dropped after JOB_RESULT_TTL_DAYS); else null. */
  resultNote: string | null;
  error: JobError | null;
  timeoutMs: number;
  /** How many times a worker started it (more than 1 after a lost worker). */
  attempts: number;
  submittedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

/**
 * The `params` column: the client's fields, and beside them the parsed
 * request when there is one, in one JSON object `{ body, request }`. A
 * client's own fields can never be exactly `body` and `request` (no job
 * type has such fields), so rows written before the parsed request was
 * stored still read as their fields alone.
 *
 * @example
 * packParams({ venue: 'replay', from: '2020-01-01' }, { venue: 'replay', from: 1577836800000 });
 */
export function packParams(params: unknown, request?: unknown): string {
  return JSON.stringify(request === undefined ? params : { body: params, request });
}

function unpackParams(text: string): { params: unknown; request: unknown } {
  const stored: unknown = JSON.parse(text);
  if (typeof stored === 'object' && stored !== null && !Array.isArray(stored)) {
    const keys = Object.keys(stored);
    if (keys.length === 2 && 'body' in stored && 'request' in stored)
      return { params: stored.body, request: stored.request };
  }
  return { params: stored, request: undefined };
}

export type JobRow = { [K in keyof JobsTable]: K extends 'id' ? number : JobsTable[K] };

/** The job in a row; `resultJson` is the result's JSON text (`r.result` unless it was stored compressed). */
export function toJob(r: JobRow, resultJson: string | null = r.result): Job {
  let parsed: unknown = null;
  let pending = resultJson !== null;
  return {
    id: r.id,
    userId: r.user_id,
    type: r.type as JobType,
    status: r.status as JobStatus,
    priority: PRIORITY_BY_RANK[r.priority] ?? 'normal',
    progress: r.progress,
    ...unpackParams(r.params),
    get result(): unknown {
      if (pending) {
        parsed = JSON.parse(resultJson!);
        pending = false;
      }
      return parsed;
    },
    resultJson,
    resultNote: r.result_note ?? null,
    error: r.error_code === null ? null : { code: storedCode(r.error_code), message: r.error_message ?? '' },
    timeoutMs: r.timeout_ms,
    attempts: r.attempts,
    submittedAt: r.submitted_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}
