/**
 * JSON Schemas of requests (bodies, queries, params), typed (`json-schema.ts`):
 * a route's body has its schema's type, and that type must
 * fit the domain's input type (`NewTraderInput`, `NewOrderInput`,
 * `OpenPositionInput`...) or the route does not compile.
 *
 * Shape here, rules in the domain, each checked once: a schema says which
 * fields exist, their JSON types, length caps and list sizes (the batch
 * bounds from the services' constants); the domain parsers check what the
 * values mean for every entry point — amounts parsed exactly and their
 * ranges, the closed lists of sides, statuses and sources, identifier
 * formats, times, and the rules between fields. Amounts are accepted as
 * decimal strings or numbers and always returned as decimal strings. What the
 * API returns is described in `answers/`.
 */
import { MAX_BULK_ORDERS } from '../copytrading/order-service.js';
import { MAX_BATCH_UPDATES } from '../copytrading/trader-service.js';
import { COPY_MODES } from '../domain/copy.js';
import { Type } from './json-schema.js';

export const Amount = Type.Union([Type.String({ maxLength: 48 }), Type.Number()]);
const NullableAmount = Type.Union([Amount, Type.Null()]);
const Id = Type.Integer({ minimum: 1 });

export const IdParams = Type.Object(
  { id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) },
  { additionalProperties: false },
);

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  cursor: Type.Optional(Type.String({ maxLength: 128 })),
};

export const FollowOptionsInput = Type.Object(
  {
    takeProfitPct: Type.Optional(NullableAmount),
    stopLossPct: Type.Optional(NullableAmount),
    trailingStopPct: Type.Optional(NullableAmount),
    maxPositionSize: Type.Optional(NullableAmount),
    copyRatio: Type.Optional(Amount),
    copyMode: Type.Optional(Type.Enum(COPY_MODES)),
    fixedAmount: Type.Optional(NullableAmount),
    minTradeSize: Type.Optional(NullableAmount),
    allowMarkets: Type.Optional(
      Type.Union([Type.Array(Type.String({ maxLength: 128 }), { maxItems: 200 }), Type.Null()]),
    ),
    denyMarkets: Type.Optional(
      Type.Union([Type.Array(Type.String({ maxLength: 128 }), { maxItems: 200 }), Type.Null()]),
    ),
    execution: Type.Optional(Type.String({ enum: ['paper', 'live'] })),
    liveVenue: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const TraderCreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    source: Type.Optional(Type.String({ maxLength: 20 })),
    address: Type.String({ minLength: 1, maxLength: 128 }),
    enabled: Type.Optional(Type.Boolean()),
    allocation: Type.Optional(Amount),
    followOptions: Type.Optional(FollowOptionsInput),
  },
  { additionalProperties: false },
);

const patchFields = {
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  enabled: Type.Optional(Type.Boolean()),
  allocation: Type.Optional(Amount),
  followOptions: Type.Optional(FollowOptionsInput),
};

export const TraderPatchBody = Type.Object(patchFields, { additionalProperties: false, minProperties: 1 });

export const TraderBatchBody = Type.Object(
  {
    updates: Type.Array(
      Type.Object(
        { id: Id, version: Type.Optional(Type.Integer({ minimum: 1 })), ...patchFields },
        { additionalProperties: false, minProperties: 2 },
      ),
      { minItems: 1, maxItems: MAX_BATCH_UPDATES },
    ),
  },
  { additionalProperties: false },
);

export const OrderInput = Type.Object(
  {
    pair: Type.String({ minLength: 1, maxLength: 41 }),
    side: Type.String(),
    type: Type.Optional(Type.String()),
    status: Type.Optional(Type.String()),
    traderId: Type.Optional(Type.Union([Id, Type.Null()])),
    clientOrderId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    price: Type.Optional(NullableAmount),
    quantity: Amount,
    filledQuantity: Type.Optional(Amount),
    averagePrice: Type.Optional(NullableAmount),
    fee: Type.Optional(Amount),
    createdAt: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

export const OrderBulkBody = Type.Object(
  { orders: Type.Array(OrderInput, { minItems: 1, maxItems: MAX_BULK_ORDERS }) },
  { additionalProperties: false },
);

export const PositionOpenBody = Type.Object(
  {
    marketId: Type.String({ minLength: 1, maxLength: 128 }),
    side: Type.Optional(Type.String({ maxLength: 10 })),
    outcome: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    size: Amount,
    takeProfit: Type.Optional(NullableAmount),
    stopLoss: Type.Optional(NullableAmount),
  },
  { additionalProperties: false },
);

export const PositionTpSlBody = Type.Object(
  { takeProfit: Type.Optional(NullableAmount), stopLoss: Type.Optional(NullableAmount) },
  { additionalProperties: false, minProperties: 1 },
);

// Research requests (src/api/routes/research.ts) are checked field by field by the research parsers (src/jobs/job-requests.ts); here they only have to be objects.

export const ResearchBody = Type.AnyObject();

/** POST /backtests: a strategy backtest, or a copy backtest (`kind: "copy"`). */
export const BacktestBody = Type.AnyObject({
  description:
    'A strategy backtest ({strategy, params, venue, symbol, timeframe, from, to, initialCapital, ...}; ' +
    'optional `modelReplay: {stage: "decider", model?: string, mode?: "ai" | "both"}` replays the ' +
    "pipeline's recorded decider answers for the same candles, see the README) or a copy backtest " +
    '({kind: "copy", source, address, ...}). Checked field by field; every problem is named in the 400.',
});

/** GET /pipeline/decisions query. */
export const PipelineDecisionsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    cursor: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
