/**
 * Answer schemas of the routes whose bodies `schemas.ts` does not cover:
 * health, the daily and per-trader figures, bulk imports, markets and
 * candles, a backtest's model replay, and the operator reports. They serialise the answers and document
 * them at /openapi.json. A market and a report are open objects: a venue may
 * report more about a market than every venue has, and a report's fields
 * follow the module that reports them; the fields listed are the ones a
 * client can rely on.
 */
import { MAX_REPLAY_ANSWERS, REPLAY_MODES, REPLAY_STAGES } from '../jobs/index.js';
import { type TSchema, Type } from './json-schema.js';

const NullableString = Type.Nullable(Type.String());

/** An operator report (figures of one module, read by people and dashboards): a JSON object. */
export const ReportJson = (description: string): TSchema<object> => Type.AnyObject({ description });

/** An answer with no body (a 204): nothing is serialised, the schema only documents it. */
export const NoContent = (description: string): TSchema<void> => Type.NoBody({ description });

/** The error envelope every 4xx and 5xx answer uses (named `Error` in the document). */
export const ErrorEnvelope = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'A stable code from the error catalogue, e.g. VALIDATION_FAILED' }),
    message: Type.String(),
    details: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
  }),
});

export const HealthJson = Type.Object({ status: Type.Literal('ok') });

export const ReadyJson = Type.Object({
  status: Type.Literal('ready'),
  /** The bot's mode and role on this instance, when TELEGRAM_BOT_TOKEN is set. */
  telegram: Type.Optional(Type.AnyObject({ description: "The Telegram bot's mode and role here" })),
});

export const TraderPerformanceListJson = Type.Object({
  items: Type.Array(
    Type.Object({
      traderId: Type.Integer(),
      name: Type.String(),
      address: Type.String(),
      enabled: Type.Boolean(),
      trades: Type.Integer(),
      closedTrades: Type.Integer(),
      wins: Type.Integer(),
      winRate: Type.Nullable(Type.Number()),
      realizedPnl: Type.String(),
      unrealizedPnl: Type.String(),
      openCopies: Type.Integer(),
      volume: Type.String(),
      fees: Type.String(),
    }),
  ),
  nextCursor: Type.Null(),
});

export const BulkImportJson = Type.Object({ imported: Type.Integer(), ids: Type.Array(Type.Integer()) });

export const DailyVolumeJson = Type.Object({
  items: Type.Array(Type.Object({ day: Type.String(), volume: Type.String(), fills: Type.Integer() })),
  nextCursor: Type.Null(),
});

export const MarketJson = Type.Object(
  {
    id: Type.String(),
    symbol: Type.String(),
    kind: Type.String(),
    base: Type.Optional(Type.String()),
    quote: Type.Optional(Type.String()),
    question: Type.Optional(Type.String()),
    outcomes: Type.Optional(
      Type.Array(Type.Object({ name: Type.String(), price: Type.Number() }, { additionalProperties: true })),
    ),
    endsAt: Type.Optional(Type.Number({ description: 'ms since the epoch' })),
    active: Type.Boolean(),
    tickSize: Type.Optional(Type.String()),
    minSize: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

export const MarketPageJson = Type.Object({
  items: Type.Array(MarketJson),
  nextCursor: NullableString,
  stale: Type.Boolean(),
  ageMs: Type.Number(),
});

export const ItemErrorJson = Type.Object({
  symbol: Type.Optional(Type.String()),
  id: Type.Optional(Type.String()),
  code: Type.String(),
  message: Type.String(),
});

export const MarketBatchJson = Type.Object({
  items: Type.Array(MarketJson),
  errors: Type.Array(ItemErrorJson),
});

export const CandlesJson = Type.Object({
  symbol: Type.String(),
  timeframe: Type.String(),
  candles: Type.Array(
    Type.Object({
      ts: Type.Number(),
      open: Type.Number(),
      high: Type.Number(),
      low: Type.Number(),
      close: Type.Number(),
      volume: Type.Number(),
    }),
  ),
  stale: Type.Boolean(),
  ageMs: Type.Number(),
});

export const InvalidatedJson = Type.Object({ invalidated: Type.Integer() });

const BarTime = Type.Integer({ description: 'bar open time, ms since the epoch' });

/**
 * The `model` part of a backtest's result when it replayed recorded model
 * answers (`modelReplay` in the request). Every list is bounded by the
 * answers read (at most MAX_REPLAY_ANSWERS), never by the number of bars.
 */
export const ModelReplaySummaryJson = Type.Object(
  {
    stage: Type.Enum(REPLAY_STAGES),
    model: Type.String(),
    mode: Type.Enum(REPLAY_MODES, {
      description: '`ai`: the model decides; `both`: it may only veto or shrink',
    }),
    answers: Type.Integer({ description: 'answers read from the call log for the range' }),
    answersCapped: Type.Boolean({
      description: `the range held more than ${MAX_REPLAY_ANSWERS} answers: the bars after the last one read fell back`,
    }),
    unreadable: Type.Integer({
      description: "recorded answers that fail the decider's schema: not replayed",
    }),
    replayed: Type.Object({ count: Type.Integer(), bars: Type.Array(BarTime) }),
    fellBack: Type.Object({
      count: Type.Integer(),
      ranges: Type.Array(Type.Array(BarTime, { minItems: 2, maxItems: 2 }), {
        description: 'runs of consecutive bars the rules decided: [first, last] open times',
      }),
    }),
    refused: Type.Object({
      count: Type.Integer(),
      items: Type.Array(Type.Object({ barTs: BarTime, blockedBy: Type.String() })),
    }),
  },
  {
    description: 'Which bars recorded model answers decided, which fell back to the rules, what was refused',
  },
);
