/**
 * /api/v1/performance: what the cache, the market-data layer and the live
 * streams are doing, and targeted invalidation (admin).
 */
import type { FastifyInstance } from 'fastify';
import type { Cache } from '../../cache/cache.js';
import type { MarketData } from '../../marketdata/market-data.js';
import { InvalidatedJson } from '../answers/common.js';
import { CacheReportJson, MarketDataReportJson, StreamsReportJson } from '../answers/performance.js';
import { requireAdmin } from '../auth.js';
import { type Static, Type } from '../json-schema.js';
import { typedRoutes } from '../type-provider.js';

const InvalidateBody = Type.Object(
  {
    tags: Type.Optional(Type.Array(Type.String({ pattern: '^[a-zA-Z]+:.{1,200}$' }), { maxItems: 1000 })),
    keys: Type.Optional(Type.Array(Type.String({ minLength: 3, maxLength: 300 }), { maxItems: 1000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export interface PerformanceDeps {
  cache: Cache;
  marketData: MarketData;
  /** Live streams: ticks into positions, the close outbox, this instance's WebSocket clients. */
  streams(): Static<typeof StreamsReportJson>;
}

export function performanceRoutes(server: FastifyInstance, deps: PerformanceDeps): void {
  const app = typedRoutes(server);
  app.get('/performance/cache', { schema: { response: { 200: CacheReportJson } } }, async () => ({
    kinds: deps.cache.metrics(),
  }));

  app.get('/performance/streams', { schema: { response: { 200: StreamsReportJson } } }, async () =>
    deps.streams(),
  );

  app.get('/performance/marketdata', { schema: { response: { 200: MarketDataReportJson } } }, async () => ({
    venues: [deps.marketData.trafficReport()],
  }));

  app.post(
    '/performance/cache/invalidate',
    // Admin is checked before the body, so a non-admin learns nothing from validation errors.
    {
      schema: { body: InvalidateBody, response: { 200: InvalidatedJson } },
      preValidation: async (req) => void requireAdmin(req),
    },
    async (req) => {
      const byTags = req.body.tags ? await deps.cache.invalidateTags(req.body.tags) : 0;
      const byKeys = req.body.keys ? await deps.cache.invalidateKeys(req.body.keys) : 0;
      return { invalidated: byTags + byKeys };
    },
  );
}
