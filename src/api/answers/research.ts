/** Answer schemas of research: the strategy catalogue and the jobs (backtests, Monte Carlo); results in `job-results.ts`. */
import { JOB_PRIORITIES, JOB_STATUSES, JOB_TYPES } from '../../domain/job.js';
import { Type } from '../json-schema.js';
import { NullableString } from './common.js';
import { JobResultJson } from './job-results.js';

const JobErrorJson = Type.Object({ code: Type.String(), message: Type.String() });

/** A job; `result` only on a single job (lists leave it out: it can be large). */
export const JobJson = Type.Object({
  id: Type.Integer(),
  type: Type.Enum(JOB_TYPES),
  status: Type.Enum(JOB_STATUSES),
  priority: Type.Enum(JOB_PRIORITIES),
  progress: Type.Integer(),
  params: Type.Unknown(),
  /** Sent as stored (a serialiser schema could drop a field a stored result has): documented, not applied. */
  result: Type.Optional(Type.Documented(JobResultJson, Type.Unknown())),
  /** Why `result` is null although the job succeeded (dropped after JOB_RESULT_TTL_DAYS). */
  resultNote: NullableString,
  error: Type.Union([JobErrorJson, Type.Null()]),
  timeoutMs: Type.Integer(),
  attempts: Type.Integer(),
  submittedAt: Type.String(),
  startedAt: NullableString,
  finishedAt: NullableString,
});

export const StrategyParamJson = Type.Object({
  name: Type.String(),
  type: Type.String(),
  default: Type.Union([Type.Number(), Type.Boolean()]),
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
  description: Type.String(),
});

export const StrategyJson = Type.Object({
  id: Type.String(),
  description: Type.String(),
  params: Type.Array(StrategyParamJson),
});

export const StrategyCatalogJson = Type.Object({
  items: Type.Array(StrategyJson),
  nextCursor: NullableString,
});
