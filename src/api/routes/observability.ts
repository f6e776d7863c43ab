/**
 * Observability over HTTP: `GET /metrics` (Prometheus text, at the root,
 * without auth, like /healthz) with the request-duration hook that feeds it,
 * and the JSON summaries under /api/v1/performance: database, system,
 * indexes (those three for admins only), monitor, alerts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { indexUsage, poolStats, tableSizes } from '../../observability/database-report.js';
import type { Observability } from '../../observability/observability.js';
import { explainQuery } from '../../observability/query-plan.js';
import { systemReport } from '../../observability/system-report.js';
import {
  AlertsReportJson,
  DatabaseReportJson,
  IndexReportJson,
  MonitorReportJson,
  SystemReportJson,
} from '../answers/observability.js';
import { requireAdmin } from '../auth.js';
import { Type } from '../json-schema.js';
import { typedRoutes } from '../type-provider.js';

/**
 * Registers the request-duration hook on `app` (the root instance, so every
 * route is timed, labelled by its pattern) and `GET /metrics`.
 */
export function metricsRoutes(app: FastifyInstance, obs: Observability): void {
  app.addHook('onResponse', async (req, reply) => {
    obs.http.observe(req.method, req.routeOptions.url, reply.statusCode, reply.elapsedTime);
  });
  app.get('/metrics', async (_req, reply) => {
    const body = await obs.registry.metrics();
    return reply.type(obs.registry.contentType).send(body);
  });
}

const MonitorQuery = Type.Object(
  { since: Type.Optional(Type.Integer({ minimum: 0 })) },
  { additionalProperties: false },
);

/** The /performance summaries; register inside the authenticated /api/v1 scope. */
export function observabilityRoutes(server: FastifyInstance, obs: Observability): void {
  const api = typedRoutes(server);
  // Absolute paths, SQL text, the schema's tables and indexes: operators only.
  const adminOnly = { preValidation: async (req: FastifyRequest) => void requireAdmin(req) };
  api.get(
    '/performance/database',
    { ...adminOnly, schema: { response: { 200: DatabaseReportJson } } },
    async () => {
      const slow = obs.queries.slowQueries();
      // Plans are captured here, once per statement, never on the statement's own path.
      for (const q of slow) q.plan ??= await explainQuery(obs.db, q.sql, q.parameterCount);
      return {
        dialect: obs.db.dialect,
        pool: poolStats(obs.db),
        slowQueryThresholdMs: obs.queries.slowMs,
        slowQueries: slow.map((q) => ({ ...q, lastAt: new Date(q.lastAt).toISOString() })),
        families: obs.queries.familyLatencies(),
        tableSizes: await tableSizes(obs.db),
        maintenance: obs.maintenance
          .history()
          .map((r) => ({ ...r, startedAt: new Date(r.startedAt).toISOString() })),
      };
    },
  );

  api.get(
    '/performance/system',
    { ...adminOnly, schema: { response: { 200: SystemReportJson } } },
    async () => systemReport(obs.dataDir, obs.eventLoop, obs.cpu),
  );

  api.get(
    '/performance/indexes',
    { ...adminOnly, schema: { response: { 200: IndexReportJson } } },
    async () => indexUsage(obs.db),
  );

  api.get(
    '/performance/monitor',
    { schema: { querystring: MonitorQuery, response: { 200: MonitorReportJson } } },
    async (req) => ({
      intervalMs: obs.monitor.intervalMs,
      capacity: obs.monitor.capacity,
      samples: obs.monitor.samples(req.query.since).map((s) => ({ ...s, at: new Date(s.at).toISOString() })),
    }),
  );

  api.get('/performance/alerts', { schema: { response: { 200: AlertsReportJson } } }, async () => ({
    alerts: obs.alerts.evaluate().map((a) => ({ ...a, since: new Date(a.since).toISOString() })),
  }));
}
