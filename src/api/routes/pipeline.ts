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
 * token may start or stop it (403 otherwise). In a fleet of API instances,
 * start it on one instance only.
 */
import type { FastifyInstance } from 'fastify';
import type { Pipeline } from '../../pipeline/pipeline.js';
import type { PipelineStatus } from '../../pipeline/pipeline-status.js';
import type { ModelCallRecord } from '../../store/model-call-repository.js';
import type { DecisionRecord, RunRecord } from '../../store/pipeline-repository.js';
import { ReportJson } from '../answer-schemas.js';
import { requireAdmin } from '../auth.js';
import { DEFAULT_PAGE, decodeCursor, page } from '../pagination.js';
import { listOf, PipelineDecisionJson, PipelineDecisionsQuery, PipelineModelCallJson } from '../schemas.js';
import { typedRoutes } from '../type-provider.js';

export interface PipelineRouteDeps {
  pipeline: Pipeline;
}

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

const runJson = (r: RunRecord | null) =>
  r && { ...r, startedAt: iso(r.startedAt), finishedAt: iso(r.finishedAt) };

function statusJson(s: PipelineStatus) {
  return {
    ...s,
    startedAt: iso(s.startedAt),
    lastRun: runJson(s.lastRun),
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
  const status = {
    schema: { response: { 200: ReportJson('The pipeline: running or not, its last run and error') } },
  };
  const { pipeline } = deps;

  app.get('/pipeline/status', status, async () => statusJson(await pipeline.status()));

  app.post('/pipeline/start', status, async (req) => {
    requireAdmin(req);
    pipeline.start();
    return statusJson(await pipeline.status());
  });

  app.post('/pipeline/stop', status, async (req) => {
    requireAdmin(req);
    await pipeline.stop();
    return statusJson(await pipeline.status());
  });

  app.get(
    '/pipeline/decisions',
    { schema: { querystring: PipelineDecisionsQuery, response: { 200: listOf(PipelineDecisionJson) } } },
    async (req) => {
      const limit = req.query.limit ?? DEFAULT_PAGE;
      const rows = await pipeline.listDecisions(limit + 1, decodeCursor(req.query.cursor));
      const calls = await pipeline.modelCallsFor(rows.slice(0, limit));
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
      const rows = await pipeline.listModelCalls(limit + 1, decodeCursor(req.query.cursor));
      return page(rows, limit, callJson);
    },
  );
}
