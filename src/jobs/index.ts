/** The job system: one manager over an embedded or a BullMQ executor, and the worker pool they share. */

export type { Job, JobError } from '../store/job-records.js';
export {
  type CreateJobsOptions,
  createJobs,
  executorKind,
  type JobDeps,
  type JobsConfig,
} from './create-jobs.js';
export type { JobExecutor } from './executor.js';
export { type JobListQuery, JobManager, type SubmitRequest } from './job-manager.js';
export type { RecordedAnswerSource } from './model-replay-submission.js';
