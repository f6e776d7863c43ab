/** Answer schemas of research: the strategy catalogue and the jobs (backtests, Monte Carlo). */
import { Type } from '../json-schema.js';
import { NullableString } from './common.js';

const JobErrorJson = Type.Object({ code: Type.String(), message: Type.String() });

/** A job; `result` only on a single job (lists leave it out: it can be large). */
export const JobJson = Type.Object({
  id: Type.Integer(),
  type: Type.String(),
  status: Type.String(),
  priority: Type.String(),
  progress: Type.Integer(),
  params: Type.Unknown(),
  result: Type.Optional(
    Type.Unknown({
      description:
        "The finished job's result. A backtest: metrics, trades (each with entry/exit time and price, qty, fees, " +
        'pnl, return, exitReason), equityCurve, buyAndHold (totalReturn and equityCurve of holding the symbol ' +
        'from the first close, no fees), tradeReturns, bars. A Monte Carlo: paths, finalEquity and maxDrawdown ' +
        '(p5, p50, p95, mean), probabilityOfRuin, histogram.',
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
