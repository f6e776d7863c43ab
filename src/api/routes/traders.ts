/** /api/v1/traders: follow, list, toggle, edit follow options, batch, delete, performance. */
import type { FastifyInstance } from 'fastify';
import type { TraderService } from '../../copytrading/trader-service.js';
import { listOf, NoContent } from '../answers/common.js';
import { TraderJson, TraderPerformanceListJson } from '../answers/traders.js';
import { currentUser } from '../auth.js';
import { ifMatchVersion } from '../if-match.js';
import { traderJson } from '../json.js';
import { Type } from '../json-schema.js';
import { DEFAULT_PAGE, decodeCursor, page } from '../pagination.js';
import { IdParams, PageQuery } from '../requests/common.js';
import { TraderBatchBody, TraderCreateBody, TraderPatchBody } from '../requests/traders.js';
import { typedRoutes } from '../type-provider.js';

export const MAX_TRADERS_PAGE = 5000;

export function traderRoutes(server: FastifyInstance, s: { traders: TraderService }): void {
  const app = typedRoutes(server);
  const one = { 200: TraderJson, 201: TraderJson };

  app.post('/traders', { schema: { body: TraderCreateBody, response: one } }, async (req, reply) => {
    const t = await s.traders.create(currentUser(req).id, req.body);
    reply.header('etag', `"${t.version}"`).status(201);
    return traderJson(t);
  });

  app.get(
    '/traders',
    {
      schema: {
        querystring: Type.Object(
          // A dashboard loads every trader: larger pages than other lists, still bounded.
          { ...PageQuery, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TRADERS_PAGE })) },
          { additionalProperties: false },
        ),
        response: { 200: listOf(TraderJson) },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? DEFAULT_PAGE;
      const rows = await s.traders.list(currentUser(req).id, limit + 1, decodeCursor(req.query.cursor));
      return page(rows, limit, traderJson);
    },
  );

  app.get(
    '/traders/performance',
    { schema: { response: { 200: TraderPerformanceListJson } } },
    async (req) => {
      const items = await s.traders.performance(currentUser(req).id);
      return { items, nextCursor: null };
    },
  );

  app.get('/traders/:id', { schema: { params: IdParams, response: one } }, async (req, reply) => {
    const t = await s.traders.get(currentUser(req).id, req.params.id);
    reply.header('etag', `"${t.version}"`);
    return traderJson(t);
  });

  app.patch(
    '/traders/:id',
    { schema: { params: IdParams, body: TraderPatchBody, response: one } },
    async (req, reply) => {
      const version = ifMatchVersion(req.headers['if-match']);
      const t = await s.traders.update(currentUser(req).id, req.params.id, req.body, version);
      reply.header('etag', `"${t.version}"`);
      return traderJson(t);
    },
  );

  app.post(
    '/traders/batch',
    { schema: { body: TraderBatchBody, response: { 200: Type.Object({ items: Type.Array(TraderJson) }) } } },
    async (req) => {
      const items = await s.traders.batchUpdate(currentUser(req).id, req.body.updates);
      return { items: items.map(traderJson) };
    },
  );

  const deleted = { 204: NoContent('Unfollowed') };
  app.delete('/traders/:id', { schema: { params: IdParams, response: deleted } }, async (req, reply) => {
    await s.traders.delete(currentUser(req).id, req.params.id);
    return reply.status(204).send();
  });
}
