/**
 * /api/v1/pipeline: the signal bot's status, start and stop, its last
 * decisions with their reasons and the model calls behind them, and the
 * model call log (stage, model, prompt hash, tokens, latency, cost, outcome;
 * never the API key).
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
import type { ModelCallRecord } from '../../store/model-call-repository.js';
import type { DecisionRecord, RunRecord } from '../../store/pipeline-repository.js';
import { listOf } from '../answers/common.js';
import {
  PipelineDecisionJson,
  PipelineModelCallJson,
  PipelineRunListJson,
  PipelineStatusJson,
} from '../answers/pipeline.js';
import { currentUser, requireAdmin } from '../auth.js';
import { Type } from '../json-schema.js';
import { DEFAULT_PAGE, decodeCursor, page } from '../pagination.js';
import { PipelineDecisionsQuery } from '../requests/pipeline.js';
import { typedRoutes } from '../type-provider.js';

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

const runJson = (r: RunRecord) => ({
  ...r,
  startedAt: new Date(r.startedAt).toISOString(),
  finishedAt: iso(r.finishedAt),
});

function statusJson(s: PipelineStatus, wanted: { running: boolean; changedAt: number }) {
  return {
    ...s,
    wanted: { running: wanted.running, changedAt: wanted.changedAt ? iso(wanted.changedAt) : null },
    startedAt: iso(s.startedAt),
    lastRun: s.lastRun && runJson(s.lastRun),
    lastError: s.lastError && { ...s.lastError, at: iso(s.lastError.at) },
  };
}

const callJson = (c: ModelCallRecord) => ({
  ...c,
  barTime: new Date(c.barTs).toISOString(),
  createdAt: new Date(c.createdAt).toISOString(),
});

const barKey = (symbol: string, barTs: number) => `${symbol}\u0000${barTs}`;

const decisionJson = (d: DecisionRecord, calls: readonly ModelCallRecord[] = []) => ({
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
  decidedBy: d.decidedBy,
  modelNote: d.modelNote,
  modelCalls: calls.map(callJson),
});

export function pipelineRoutes(server: FastifyInstance, deps: PipelineRouteDeps): void {
  const app = typedRoutes(server);
  const statusSchema = {
    schema: {
      response: {
        200: PipelineStatusJson,
      },
    },
  };
  const { pipeline, runner } = deps;
  const status = async () => {
    const [s, wanted] = await Promise.all([pipeline.status(), runner.wanted()]);
    return statusJson(s, wanted);
  };

  app.get('/pipeline/status', statusSchema, status);

  app.post('/pipeline/start', statusSchema, async (req) => {
    requireAdmin(req);
    await runner.start(currentUser(req).id);
    return status();
  });

  app.post('/pipeline/stop', statusSchema, async (req) => {
    requireAdmin(req);
    await runner.stop(currentUser(req).id);
    return status();
  });

  app.get(
    '/pipeline/runs',
    {
      schema: {
        querystring: RunsQuery,
        response: { 200: PipelineRunListJson },
      },
    },
    async (req) => ({ items: (await pipeline.history.listRuns(req.query.limit ?? 10)).map(runJson) }),
  );

  app.get(
    '/pipeline/decisions',
    { schema: { querystring: PipelineDecisionsQuery, response: { 200: listOf(PipelineDecisionJson) } } },
    async (req) => {
      const limit = req.query.limit ?? DEFAULT_PAGE;
      const rows = await pipeline.history.listDecisions(limit + 1, decodeCursor(req.query.cursor));
      const calls = await pipeline.history.modelCallsFor(rows.slice(0, limit));
      const byBar = new Map<string, ModelCallRecord[]>();
      for (const c of calls) {
        const key = barKey(c.symbol, c.barTs);
        byBar.set(key, [...(byBar.get(key) ?? []), c]);
      }
      return page(rows, limit, (d) => decisionJson(d, byBar.get(barKey(d.symbol, d.barTs))));
    },
  );

  app.get<{ Querystring: { limit?: number; cursor?: string } }>(
    '/pipeline/model-calls',
    { schema: { querystring: PipelineDecisionsQuery, response: { 200: listOf(PipelineModelCallJson) } } },
    async (req) => {
      const limit = req.query.limit ?? DEFAULT_PAGE;
      const rows = await pipeline.history.listModelCalls(limit + 1, decodeCursor(req.query.cursor));
      return page(rows, limit, callJson);
    },
  );
}
