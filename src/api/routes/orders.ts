/** /api/v1/orders and /api/v1/stats: record, import in bulk (both honour Idempotency-Key), list, daily volume. */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/schema.js';
import { MAX_VOLUME_DAYS, type OrderService } from '../../copytrading/order-service.js';
import type { OrderStatus } from '../../domain/order.js';
import { BulkImportJson, listOf } from '../answers/common.js';
import { DailyVolumeJson, OrderJson } from '../answers/orders.js';
import { currentUser } from '../auth.js';
import { type IdempotencyDeps, idempotent } from '../idempotency.js';
import { orderJson } from '../json.js';
import { Type } from '../json-schema.js';
import { DEFAULT_PAGE, decodeCursor, page } from '../pagination.js';
import { IdParams } from '../requests/common.js';
import { OrderBulkBody, OrderInput, OrderListQuery } from '../requests/orders.js';
import { typedRoutes } from '../type-provider.js';

export function orderRoutes(
  server: FastifyInstance,
  s: { orders: OrderService; idempotency: IdempotencyDeps; config: Pick<Config, 'bulkBodyLimitBytes'> },
): void {
  const app = typedRoutes(server);
  const once = idempotent(s.idempotency);
  app.post(
    '/orders',
    { schema: { body: OrderInput, response: { 201: OrderJson } }, ...once },
    async (req, reply) => {
      const o = await s.orders.create(currentUser(req).id, req.body);
      reply.status(201);
      return orderJson(o);
    },
  );

  app.post(
    '/orders/bulk',
    {
      bodyLimit: s.config.bulkBodyLimitBytes,
      schema: { body: OrderBulkBody, response: { 201: BulkImportJson } },
      ...once,
    },
    async (req, reply) => {
      const r = await s.orders.bulkImport(currentUser(req).id, req.body.orders);
      reply.status(201);
      return r;
    },
  );

  app.get(
    '/orders',
    { schema: { querystring: OrderListQuery, response: { 200: listOf(OrderJson) } } },
    async (req) => {
      const { limit = DEFAULT_PAGE, cursor, status, pair, traderId } = req.query;
      const filter: { status?: OrderStatus; pair?: string; traderId?: number } = {};
      if (status) filter.status = status;
      if (pair) filter.pair = pair;
      if (traderId !== undefined) filter.traderId = traderId;
      const rows = await s.orders.list(currentUser(req).id, filter, limit + 1, decodeCursor(cursor));
      return page(rows, limit, orderJson);
    },
  );

  app.get('/orders/:id', { schema: { params: IdParams, response: { 200: OrderJson } } }, async (req) => {
    return orderJson(await s.orders.get(currentUser(req).id, req.params.id));
  });

  app.get(
    '/stats/daily-volume',
    {
      schema: {
        querystring: Type.Object(
          { days: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_VOLUME_DAYS })) },
          { additionalProperties: false },
        ),
        response: { 200: DailyVolumeJson },
      },
    },
    async (req) => ({
      items: await s.orders.dailyVolume(currentUser(req).id, req.query.days ?? 30),
      nextCursor: null,
    }),
  );
}
