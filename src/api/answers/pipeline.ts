/**
 * Answer schemas of /pipeline: the signal bot's status, its runs, its
 * decisions with their reasons, and the model calls behind them.
 */
import { Type } from '../json-schema.js';
import { NullableString } from './common.js';

/** One run of the pipeline: its stages' wall times in ms and what it found, decided and ordered. */
export const PipelineRunJson = Type.Object({
  id: Type.Integer(),
  mode: Type.String(),
  status: Type.String({ description: 'running, ok or failed' }),
  startedAt: Type.String(),
  finishedAt: NullableString,
  stages: Type.Record(Type.Number(), {
    description: 'ms per stage that ran: scout, analysis, decision, execution',
  }),
  candidates: Type.Integer(),
  decisions: Type.Integer(),
  orders: Type.Integer(),
  errorStage: NullableString,
  error: NullableString,
});

export const PipelineRunListJson = Type.Object({ items: Type.Array(PipelineRunJson) });

const CandidateJson = Type.Object({
  symbol: Type.String(),
  price: Type.Number(),
  volume: Type.Number(),
  volatility: Type.Number(),
  momentum: Type.Number(),
  rank: Type.Integer(),
  score: Type.Number(),
});

const NullableNumber = Type.Nullable(Type.Number());

const BotPositionJson = Type.Object({
  symbol: Type.String(),
  qty: Type.Number(),
  entryPrice: NullableNumber,
  mark: Type.Number(),
  unrealizedPnl: NullableNumber,
  stopLoss: NullableNumber,
  takeProfit: NullableNumber,
  /** An order is working for this symbol. */
  pending: Type.Boolean(),
});

/** The model stages' settings and spend, when PIPELINE_ANALYST or PIPELINE_DECIDER asks a model. */
const ModelsJson = Type.Object({
  analyst: Type.String(),
  decider: Type.String(),
  analystModel: NullableString,
  deciderModel: NullableString,
  callsLastHour: Type.Integer(),
  tokensToday: Type.Integer(),
});

/**
 * GET /pipeline/status (also the answer of start and stop): `running` on the
 * instance answering, `wanted` the stored wish, the last run and error.
 */
export const PipelineStatusJson = Type.Object({
  running: Type.Boolean(),
  runInProgress: Type.Boolean(),
  mode: Type.String(),
  modeReason: Type.String(),
  simulation: Type.Boolean(),
  strategy: Type.Object({
    id: Type.String(),
    params: Type.Record(Type.Union([Type.Number(), Type.Boolean()])),
  }),
  timeframe: Type.String(),
  intervalMs: Type.Integer(),
  startedAt: NullableString,
  wanted: Type.Object({ running: Type.Boolean(), changedAt: NullableString }),
  lastRun: Type.Nullable(PipelineRunJson),
  candidates: Type.Array(CandidateJson),
  account: Type.Object({
    equity: Type.Number(),
    cash: Type.Number(),
    openPositions: Type.Integer(),
    haltedByDailyLoss: Type.Boolean(),
  }),
  models: Type.Optional(ModelsJson),
  positions: Type.Array(BotPositionJson),
  lastError: Type.Nullable(
    Type.Object({
      stage: Type.String(),
      message: Type.String(),
      at: NullableString,
      runId: Type.Nullable(Type.Integer()),
    }),
  ),
});

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
