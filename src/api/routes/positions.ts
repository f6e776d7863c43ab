/**
 * /api/v1/positions: open (paper; honours Idempotency-Key), list with their markets, TP/SL, close.
 * Lists are served from the per-user `positions` cache, built with one
 * batched market call however many positions there are.
 */
import type { FastifyInstance } from 'fastify';
import { positionJson } from '../../positions/position-json.js';
import type { PositionService } from '../../positions/position-service.js';
import {
  MAX_POSITIONS_PAGE,
  type PositionPage,
  type PositionView,
} from '../../positions/position-service.js';
import type { PositionFilter } from '../../store/position-repository.js';
import { listOf } from '../answers/common.js';
import { PositionJson, PositionWithMarketJson } from '../answers/positions.js';
import { currentUser } from '../auth.js';
import { type IdempotencyDeps, idempotent } from '../idempotency.js';
import { ifMatchVersion } from '../if-match.js';
import { type Static, Type } from '../json-schema.js';
import { IdParams } from '../requests/common.js';
import { PositionOpenBody, PositionTpSlBody } from '../requests/positions.js';
import { typedRoutes } from '../type-provider.js';

const POSITION_FILTERS = ['open', 'closed', 'all'] as const satisfies readonly PositionFilter[];

const PositionListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(POSITION_FILTERS.map((s) => Type.Literal(s)))),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_POSITIONS_PAGE })),
    cursor: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

/**
 * Serialised pages by page object: a cached page is the same object on every
 * hit, so a warm read is a cache lookup and a string send, with no per-item
 * mapping or serialising. Entries go with their pages.
 */
const serialised = new WeakMap<PositionPage, string>();

function pageText(page: PositionPage): string {
  let text = serialised.get(page);
  if (text === undefined) {
    text = JSON.stringify({ items: page.items.map(viewJson), nextCursor: page.nextCursor });
    serialised.set(page, text);
  }
  return text;
}

const viewJson = (p: PositionView) => ({
  ...positionJson(p),
  market: p.market && {
    ...p.market,
    endsAt: p.market.endsAt === undefined ? undefined : new Date(p.market.endsAt).toISOString(),
  },
});

export function positionRoutes(
  server: FastifyInstance,
  s: { positions: PositionService; idempotency: IdempotencyDeps },
): void {
  const app = typedRoutes(server);
  const one = { 200: PositionJson, 201: PositionJson };

  app.post(
    '/positions',
    { schema: { body: PositionOpenBody, response: one }, ...idempotent(s.idempotency) },
    async (req, reply) => {
      const p = await s.positions.open(currentUser(req).id, req.body);
      reply.header('etag', `"${p.version}"`).status(201);
      return positionJson(p);
    },
  );

  // Answers text it serialised itself (see `pageText`), so this route is on the untyped instance:
  // its response schema documents the page rather than typing the reply.
  server.get<{ Querystring: Static<typeof PositionListQuery> }>(
    '/positions',
    { schema: { querystring: PositionListQuery, response: { 200: listOf(PositionWithMarketJson) } } },
    async (req, reply) => {
      const page = await s.positions.list(currentUser(req).id, {
        status: req.query.status ?? 'open',
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor ?? null,
      });
      return reply.type('application/json; charset=utf-8').send(pageText(page));
    },
  );

  app.get('/positions/:id', { schema: { params: IdParams, response: one } }, async (req, reply) => {
    const p = await s.positions.get(currentUser(req).id, req.params.id);
    reply.header('etag', `"${p.version}"`);
    return positionJson(p);
  });

  app.patch(
    '/positions/:id',
    { schema: { params: IdParams, body: PositionTpSlBody, response: one } },
    async (req, reply) => {
      const version = ifMatchVersion(req.headers['if-match']);
      const p = await s.positions.setTpSl(currentUser(req).id, req.params.id, req.body, version);
      reply.header('etag', `"${p.version}"`);
      return positionJson(p);
    },
  );

  app.post('/positions/:id/close', { schema: { params: IdParams, response: one } }, async (req) =>
    positionJson(await s.positions.close(currentUser(req).id, req.params.id)),
  );
}
