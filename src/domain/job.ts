/**
 * The job vocabulary the API, the job system and the store share: what a job
 * does, where it stands, how urgent it is. Pure: no I/O.
 */

/** What a job does; `maintenance` jobs are recorded by the system (database upkeep), never submitted. */
export const JOB_TYPES = ['backtest', 'montecarlo', 'maintenance'] as const;
export type JobType = (typeof JOB_TYPES)[number];
/** The types a user may submit. */
export const SUBMITTED_JOB_TYPES: readonly JobType[] = ['backtest', 'montecarlo'];

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Most jobs one page of `GET /jobs` lists. */
export const MAX_JOBS_PAGE = 200;

export const JOB_PRIORITIES = ['high', 'normal', 'low'] as const;
export type JobPriority = (typeof JOB_PRIORITIES)[number];
