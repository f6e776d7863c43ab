/**
 * /api/v1/pipeline: the signal bot's status, start and stop, and its last
 * decisions with their reasons.
 *
 * The pipeline is GLOBAL, not per user: there is one exchange account
 * (EXCHANGE_API_KEY is a server setting) and one paper account, so one bot
 * trades them. Any authenticated user may read its status and decisions —
 * the signals are what a signal bot offers its users — but only an admin
 * token may start or stop it (403 otherwise). Start and stop are stored:
 * the fleet's `pipeline` lease holder runs it while it should, also after a
 * restart (src/pipeline/pipeline-runner.ts); `wanted` in the status is that
 * stored wish, `running` whether the loop runs on the instance answering.
 */
import type { FastifyInstance } from 'fastify';
import type { Pipeline } from '../../pipeline/pipeline.js';
import type { PipelineRunner } from '../../pipeline/pipeline-runner.js';
import type { PipelineStatus } from '../../pipeline/pipeline-status.js';
import type { DecisionRecord, RunRecord } from '../../store/pipeline-repository.js';
import { currentUser, requireAdmin } from '../auth.js';
import { Type } from '../json-schema.js';
import { DEFAULT_PAGE, decodeCursor, page } from '../pagination.js';
import { listOf, PipelineDecisionJson, PipelineDecisionsQuery } from '../schemas.js';

const RunsQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) },
  { additionalProperties: false },
);

export interface PipelineRouteDeps {
  pipeline: Pipeline;
  runner: Pick<PipelineRunner, 'start' | 'stop' | 'wanted'>;
}

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

const runJson = (r: RunRecord | null) =>
  r && { ...r, startedAt: iso(r.startedAt), finishedAt: iso(r.finishedAt) };

function statusJson(s: PipelineStatus, wanted: { running: boolean; changedAt: number }) {
  return {
    ...s,
    wanted: { running: wanted.running, changedAt: wanted.changedAt ? iso(wanted.changedAt) : null },
    startedAt: iso(s.startedAt),
    lastRun: runJson(s.lastRun),
    lastError: s.lastError && { ...s.lastError, at: iso(s.lastError.at) },
  };
}

const decisionJson = (d: DecisionRecord) => ({
  id: d.id,
  runId: d.runId,
  mode: d.mode,
  symbol: d.symbol,
  action: d.action,
  reason: d.reason,
  blockedBy: d.blockedBy,
  qty: d.qty,
  price: d.price,
  barTime: new Date(d.barTs).toISOString(),
  createdAt: new Date(d.createdAt).toISOString(),
});

export function pipelineRoutes(app: FastifyInstance, deps: PipelineRouteDeps): void {
  const { pipeline, runner } = deps;
  const status = async () => {
    const [s, wanted] = await Promise.all([pipeline.status(), runner.wanted()]);
    return statusJson(s, wanted);
  };

  app.get('/pipeline/status', status);

  app.post('/pipeline/start', async (req) => {
    requireAdmin(req);
    await runner.start(currentUser(req).id);
    return status();
  });

  app.post('/pipeline/stop', async (req) => {
    requireAdmin(req);
    await runner.stop(currentUser(req).id);
    return status();
  });

  app.get<{ Querystring: { limit?: number } }>(
    '/pipeline/runs',
    { schema: { querystring: RunsQuery } },
    async (req) => ({ items: (await pipeline.listRuns(req.query.limit ?? 10)).map(runJson) }),
  );

  app.get<{ Querystring: { limit?: number; cursor?: string } }>(
    '/pipeline/decisions',
    { schema: { querystring: PipelineDecisionsQuery, response: { 200: listOf(PipelineDecisionJson) } } },
    async (req) => {
      const limit = req.query.limit ?? DEFAULT_PAGE;
      const rows = await pipeline.listDecisions(limit + 1, decodeCursor(req.query.cursor));
      return page(rows, limit, decisionJson);
    },
  );
}
