/** Answer schemas of research: the strategy catalogue and the jobs (backtests, Monte Carlo). */
import { MAX_REPLAY_ANSWERS, REPLAY_MODES, REPLAY_STAGES } from '../../domain/model-replay.js';
import { Type } from '../json-schema.js';
import { NullableString } from './common.js';

const JobErrorJson = Type.Object({ code: Type.String(), message: Type.String() });

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
      description:
        "The finished job's result. A backtest: metrics, trades (each with entry/exit time and price, qty, fees, " +
        'pnl, return, exitReason), equityCurve, buyAndHold (totalReturn and equityCurve of holding the symbol ' +
        'from the first close, no fees), tradeReturns, bars, and `model` when it replayed recorded model ' +
        'answers. A Monte Carlo: paths, finalEquity and maxDrawdown (p5, p50, p95, mean), probabilityOfRuin, ' +
        'histogram.',
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

export const StrategyParamJson = Type.Object({
  name: Type.String(),
  type: Type.String(),
  default: Type.Union([Type.Number(), Type.Boolean()]),
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
  description: Type.String(),
});

export const StrategyJson = Type.Object({
  id: Type.String(),
  description: Type.String(),
  params: Type.Array(StrategyParamJson),
});

export const StrategyCatalogJson = Type.Object({
  items: Type.Array(StrategyJson),
  nextCursor: NullableString,
});
