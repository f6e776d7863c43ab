/**
 * /api/v1 research: the strategy catalogue, backtest and Monte Carlo jobs,
 * and the jobs themselves (get, list, cancel). Submitting answers 202 with
 * the queued job; the work runs in worker threads or on BullMQ workers, never
 * on this event loop. A job is its submitter's: another user gets 403.
 * Submitting honours Idempotency-Key, and answers 503 DEPENDENCY_UNAVAILABLE
 * within JOB_SUBMIT_TIMEOUT_MS, leaving no job, when the queue is down, and
 * 429 QUOTA_EXCEEDED, leaving no job, beyond JOB_QUOTA_PER_USER open jobs.
 */
import type { FastifyInstance } from 'fastify';
import type { JobType } from '../../domain/job.js';
import { strategyCatalog } from '../../engine/index.js';
import type { Job, JobManager } from '../../jobs/index.js';
import { listOf } from '../answers/common.js';
import { JobJson, StrategyCatalogJson } from '../answers/research.js';
import { currentUser } from '../auth.js';
import { type IdempotencyDeps, idempotent } from '../idempotency.js';
import type { Static, TSchema } from '../json-schema.js';
import { IdParams } from '../requests/common.js';
import { BacktestBody, JobListQuery, MonteCarloBody } from '../requests/research.js';
import { typedRoutes } from '../type-provider.js';

/** What every submit body may carry beside its own fields. */
type JobOptionFields = { priority?: unknown; timeoutMs?: unknown };

export interface ResearchDeps {
  jobs: JobManager;
  /** Idempotency-Key on the submit routes; absent: the header is ignored. */
  idempotency?: IdempotencyDeps;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The API view of a job; `withResult` false for list items. */
export function jobJson(j: Job, withResult = true) {
  return {
    id: j.id,
    type: j.type,
    status: j.status,
    priority: j.priority,
    progress: j.progress,
    params: j.params,
    ...(withResult ? { result: j.result } : {}),
    resultNote: j.resultNote,
    error: j.error,
    timeoutMs: j.timeoutMs,
    attempts: j.attempts,
    submittedAt: iso(j.submittedAt)!,
    startedAt: iso(j.startedAt),
    finishedAt: iso(j.finishedAt),
  };
}

/**
 * The API view of a job as JSON text, its result spliced in as stored: a
 * backtest's result can be megabytes of JSON, which parsing and serialising
 * again would spend on the event loop for nothing.
 */
export function jobText(j: Job): string {
  const head = JSON.stringify(jobJson(j, false));
  return `${head.slice(0, -1)},"result":${j.resultJson ?? 'null'}}`;
}

export function researchRoutes(server: FastifyInstance, deps: ResearchDeps): void {
  const app = typedRoutes(server);
  const { jobs } = deps;
  const once = idempotent(deps.idempotency);
  const one = { 200: JobJson, 202: JobJson };

  app.get('/strategies', { schema: { response: { 200: StrategyCatalogJson } } }, async () => ({
    items: strategyCatalog(),
    nextCursor: null,
  }));

  // Each body is parsed once, by the job manager: here only its job options are taken apart.
  for (const [url, type, body] of [
    ['/backtests', 'backtest', BacktestBody],
    ['/montecarlo', 'montecarlo', MonteCarloBody],
  ] as const satisfies readonly (readonly [string, JobType, TSchema<JobOptionFields>])[]) {
    app.post(url, { schema: { body, response: one }, ...once }, async (req, reply) => {
      const { priority, timeoutMs, ...params } = req.body;
      const job = await jobs.submit({ type, params, priority, timeoutMs, userId: currentUser(req).id });
      reply.status(202).header('location', `/api/v1/jobs/${job.id}`);
      return jobJson(job);
    });
  }

  // These two answer text they serialised themselves (`jobText`), so they are on the untyped
  // instance: the response schema documents the job rather than typing the reply.
  server.get<{ Params: Static<typeof IdParams> }>(
    '/jobs/:id',
    { schema: { params: IdParams, response: one } },
    async (req, reply) =>
      reply.type(JSON_TYPE).send(jobText(await jobs.get(req.params.id, currentUser(req).id))),
  );

  app.get(
    '/jobs',
    { schema: { querystring: JobListQuery, response: { 200: listOf(JobJson) } } },
    async (req) => {
      const page = await jobs.list(currentUser(req).id, {
        limit: req.query.limit ?? 50,
        ...(req.query.status ? { status: req.query.status } : {}),
        cursor: req.query.cursor ?? null,
      });
      return { items: page.items.map((j) => jobJson(j, false)), nextCursor: page.nextCursor };
    },
  );

  server.delete<{ Params: Static<typeof IdParams> }>(
    '/jobs/:id',
    { schema: { params: IdParams, response: one } },
    async (req, reply) =>
      reply.type(JSON_TYPE).send(jobText(await jobs.cancel(req.params.id, currentUser(req).id))),
  );
}
