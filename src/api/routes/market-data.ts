/** /api/v1 prices, candles and markets, read through the market-data layer. */
import type { FastifyInstance } from 'fastify';
import { cursorCodec } from '../../lib/cursor.js';
import type { MarketData } from '../../marketdata/market-data.js';
import { CandlesJson, MarketBatchJson, MarketJson, MarketPageJson, PricesJson } from '../answer-schemas.js';
import { Type } from '../json-schema.js';
import { marketJson } from '../market-json.js';
import { typedRoutes } from '../type-provider.js';

const PricesQuery = Type.Object(
  { symbols: Type.String({ minLength: 1, maxLength: 40_000 }) },
  { additionalProperties: false },
);
const SymbolParams = Type.Object({ symbol: Type.String() }, { additionalProperties: false });
const MarketParams = Type.Object({ id: Type.String() }, { additionalProperties: false });
const OhlcvQuery = Type.Object(
  {
    tf: Type.Optional(Type.String({ maxLength: 8 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
  },
  { additionalProperties: false },
);
const MarketsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
const BatchBody = Type.Object(
  { ids: Type.Array(Type.String({ minLength: 1, maxLength: 80 }), { minItems: 1 }) },
  { additionalProperties: false },
);

/** Markets page by venue market id: the cursor is the last id. */
const marketCursor = cursorCodec('m', ['text']);

export function marketDataRoutes(server: FastifyInstance, md: MarketData): void {
  const app = typedRoutes(server);
  app.get(
    '/prices',
    {
      schema: {
        querystring: PricesQuery,
        response: { 200: PricesJson },
      },
    },
    async (req) =>
      md.prices(
        req.query.symbols
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      ),
  );

  app.get(
    '/ohlcv/:symbol',
    { schema: { params: SymbolParams, querystring: OhlcvQuery, response: { 200: CandlesJson } } },
    async (req) => {
      const tf = req.query.tf ?? '1h';
      const r = await md.ohlcv(req.params.symbol, tf, req.query.limit ?? 100);
      return { symbol: req.params.symbol, timeframe: tf, candles: r.value, stale: r.stale, ageMs: r.ageMs };
    },
  );

  app.get(
    '/markets',
    { schema: { querystring: MarketsQuery, response: { 200: MarketPageJson } } },
    async (req) => {
      const page = await md.markets(
        req.query.limit ?? 50,
        marketCursor.decode(req.query.cursor)?.[0] ?? null,
      );
      return {
        items: page.items.map(marketJson),
        nextCursor: page.nextId === null ? null : marketCursor.encode(page.nextId),
        stale: page.stale,
        ageMs: page.ageMs,
      };
    },
  );

  app.get('/markets/:id', { schema: { params: MarketParams, response: { 200: MarketJson } } }, async (req) =>
    marketJson(await md.market(req.params.id)),
  );

  app.post(
    '/markets/batch',
    { schema: { body: BatchBody, response: { 200: MarketBatchJson } } },
    async (req) => {
      const { items, errors } = await md.marketsByIds(req.body.ids);
      return { items: items.map(marketJson), errors };
    },
  );
}
