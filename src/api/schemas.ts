/**
 * JSON Schemas for request validation and fast response serialisation, typed
 * (`json-schema.ts`): a route's body has its schema's type, and that type must
 * fit the domain's input type (`NewTraderInput`, `NewOrderInput`,
 * `OpenPositionInput`...) or the route does not compile.
 *
 * Shape here, rules in the domain, each checked once: a schema says which
 * fields exist, their JSON types, length caps and list sizes (the batch
 * bounds from the services' constants); the domain parsers check what the
 * values mean for every entry point — amounts parsed exactly and their
 * ranges, the closed lists of sides, statuses and sources, identifier
 * formats, times, and the rules between fields. Amounts are accepted as
 * decimal strings or numbers and always returned as decimal strings.
 */
import { MAX_BULK_ORDERS } from '../copytrading/order-service.js';
import { MAX_BATCH_UPDATES } from '../copytrading/trader-service.js';
import { COPY_MODES } from '../domain/copy.js';
import { ModelReplaySummaryJson } from './answer-schemas.js';
import { type TSchema, Type } from './json-schema.js';

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

const NullableString = Type.Nullable(Type.String());

const NullableStringList = Type.Nullable(Type.Array(Type.String()));

export const TraderJson = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  source: Type.String(),
  address: Type.String(),
  enabled: Type.Boolean(),
  allocation: Type.String(),
  followOptions: Type.Object({
    takeProfitPct: NullableString,
    stopLossPct: NullableString,
    trailingStopPct: NullableString,
    maxPositionSize: NullableString,
    copyRatio: Type.String(),
    copyMode: Type.String(),
    fixedAmount: NullableString,
    minTradeSize: NullableString,
    allowMarkets: NullableStringList,
    denyMarkets: NullableStringList,
    execution: Type.String(),
    liveVenue: NullableString,
  }),
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

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

export const OrderJson = Type.Object({
  id: Type.Integer(),
  traderId: Type.Nullable(Type.Integer()),
  pair: Type.String(),
  clientOrderId: NullableString,
  side: Type.String(),
  type: Type.String(),
  price: NullableString,
  quantity: Type.String(),
  filledQuantity: Type.String(),
  averagePrice: NullableString,
  status: Type.String(),
  fee: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const listOf = <T>(item: TSchema<T>) =>
  Type.Object({ items: Type.Array(item), nextCursor: NullableString });

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

const positionFields = {
  id: Type.Integer(),
  venue: Type.String(),
  marketId: Type.String(),
  symbol: Type.String(),
  side: Type.String(),
  outcome: NullableString,
  size: Type.String(),
  entryPrice: Type.String(),
  currentPrice: Type.String(),
  unrealizedPnl: Type.String(),
  realizedPnl: Type.String(),
  takeProfit: NullableString,
  stopLoss: NullableString,
  trailingStopPct: NullableString,
  highWater: NullableString,
  traderId: Type.Nullable(Type.Integer()),
  status: Type.String(),
  closeReason: NullableString,
  closePrice: NullableString,
  version: Type.Integer(),
  openedAt: Type.String(),
  updatedAt: Type.String(),
  closedAt: NullableString,
};

export const PositionJson = Type.Object(positionFields);

const PositionMarketJson = Type.Object({
  id: Type.String(),
  symbol: Type.String(),
  kind: Type.String(),
  question: Type.Optional(Type.String()),
  outcomes: Type.Optional(Type.Array(Type.Object({ name: Type.String(), price: Type.Number() }))),
  endsAt: Type.Optional(Type.String()),
  active: Type.Boolean(),
  stale: Type.Boolean(),
});

export const PositionWithMarketJson = Type.Object({
  ...positionFields,
  market: Type.Nullable(PositionMarketJson),
});

// Research: strategies and jobs (src/api/routes/research.ts). Request bodies are checked field by
// field by the research parsers (src/jobs/job-requests.ts); here they only have to be objects.

export const ResearchBody = Type.AnyObject();

/** POST /backtests: a strategy backtest, or a copy backtest (`kind: "copy"`). */
export const BacktestBody = Type.AnyObject({
  description:
    'A strategy backtest ({strategy, params, venue, symbol, timeframe, from, to, initialCapital, ...}; ' +
    'optional `modelReplay: {stage: "decider", model?: string, mode?: "ai" | "both"}` replays the ' +
    "pipeline's recorded decider answers for the same candles, see the README) or a copy backtest " +
    '({kind: "copy", source, address, ...}). Checked field by field; every problem is named in the 400.',
});

const JobErrorJson = Type.Object({ code: Type.String(), message: Type.String() });

/** A job; `result` only on a single job (lists leave it out: it can be large). */
export const JobJson = Type.Object({
  id: Type.Integer(),
  type: Type.String(),
  status: Type.String(),
  priority: Type.String(),
  progress: Type.Integer(),
  params: Type.Unknown(),
  /** A backtest that replayed model answers says what they did in `model`. */
  result: Type.Optional(
    Type.Unknown({
      type: ['object', 'null'],
      additionalProperties: true,
      properties: { model: ModelReplaySummaryJson },
    }),
  ),
  /** Why `result` is null although the job succeeded (dropped after JOB_RESULT_TTL_DAYS). */
  resultNote: NullableString,
  error: Type.Union([JobErrorJson, Type.Null()]),
  timeoutMs: Type.Integer(),
  attempts: Type.Integer(),
  submittedAt: Type.String(),
  startedAt: NullableString,
  finishedAt: NullableString,
});

export const StrategyCatalogJson = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      description: Type.String(),
      params: Type.Array(
        Type.Object({
          name: Type.String(),
          type: Type.String(),
          default: Type.Union([Type.Number(), Type.Boolean()]),
          min: Type.Optional(Type.Number()),
          max: Type.Optional(Type.Number()),
          description: Type.String(),
        }),
      ),
    }),
  ),
  nextCursor: NullableString,
});

/** GET /pipeline/decisions query. */
export const PipelineDecisionsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    cursor: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

/** One call of the pipeline's model stages (never the API key; the answer is in the decision's reason). */
export const PipelineModelCallJson = Type.Object({
  id: Type.Integer(),
  runId: Type.Union([Type.Integer(), Type.Null()]),
  stage: Type.String(),
  symbol: Type.String(),
  barTime: Type.String(),
  model: Type.String(),
  templateVersion: Type.String(),
  promptHash: Type.String(),
  tokensIn: Type.Integer(),
  tokensOut: Type.Integer(),
  latencyMs: Type.Number(),
  cost: NullableString,
  outcome: Type.String(),
  detail: NullableString,
  answer: Type.Unknown({
    description: 'the checked answer, as the model gave it (null when there was none)',
  }),
  createdAt: Type.String(),
});

/** One pipeline decision with its reasons. */
export const PipelineDecisionJson = Type.Object({
  id: Type.Integer(),
  runId: Type.Integer(),
  mode: Type.String(),
  symbol: Type.String(),
  action: Type.String(),
  reason: Type.String(),
  blockedBy: NullableString,
  qty: Type.String(),
  price: Type.String(),
  barTime: Type.String(),
  createdAt: Type.String(),
  /** rules, ai (the decider model) or both (rules under the model's veto). */
  decidedBy: Type.String(),
  /** A model fallback, veto, shrink or rejection, in words. */
  modelNote: NullableString,
  /** The model calls about this decision's bar (analyst and decider). */
  modelCalls: Type.Array(PipelineModelCallJson),
});
