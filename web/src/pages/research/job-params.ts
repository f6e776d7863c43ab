/** A job's request as the server keeps it: an object for every job it runs, typed `unknown` by the API. */
import type { Job } from '../../api/types';

/** The job's request fields, or none when its `params` is not an object. */
export function jobParams(j: Pick<Job, 'params'>): Record<string, unknown> {
  const p = j.params;
  return typeof p === 'object' && p !== null && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}
