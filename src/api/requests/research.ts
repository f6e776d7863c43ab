/**
 * Request schemas of research: a strategy backtest (optionally replaying the
 * pipeline's recorded decider answers), a copy backtest, a Monte Carlo run,
 * and the job list's filter. The submit bodies are documented here and
 * checked field by field by the research parsers (`src/research/*-request.ts`,
 * `src/jobs/job-requests.ts`), which name every problem and the bounds; Ajv
 * only checks that a body is an object (`Type.Documented`).
 */
import { JOB_PRIORITIES, JOB_STATUSES, MAX_JOBS_PAGE } from '../../domain/job.js';
import { MODEL_NAME_FORM, MODEL_NAME_MAX } from '../../domain/model-name.js';
import { REPLAY_MODES, REPLAY_STAGES } from '../../domain/model-replay.js';
import { LEADER_SOURCES } from '../../domain/trader.js';
import { Type } from '../json-schema.js';
import { Amount } from './common.js';
import { FollowOptionsInput } from './traders.js';

/** Every submit takes these beside its own fields. */
const jobOptions = {
  priority: Type.Optional(Type.Enum(JOB_PRIORITIES, { description: 'default normal' })),
  timeoutMs: Type.Optional(
    Type.Integer({ description: 'milliseconds; at most JOB_TIMEOUT_MS, which is also the default' }),
  ),
};

const Time = (description: string) =>
  Type.String({ description: `${description}: a date (YYYY-MM-DD, UTC) or a date-time with its zone` });

/** A strategy backtest's `modelReplay`: decide the bars the decider answered for as it answered. */
export const ModelReplayInput = Type.Object(
  {
    stage: Type.Enum(REPLAY_STAGES),
    model: Type.Optional(
      Type.String({ maxLength: MODEL_NAME_MAX, description: `${MODEL_NAME_FORM}; default AI_DECIDER_MODEL` }),
    ),
    mode: Type.Optional(
      Type.Enum(REPLAY_MODES, {
        description: '`ai` (default): the model decides; `both`: it may only veto or shrink the rules',
      }),
    ),
  },
  { additionalProperties: false },
);

export const StrategyBacktestInput = Type.Object(
  {
    strategy: Type.String({ description: 'an id of GET /strategies' }),
    params: Type.Optional(
      Type.Record(Type.Union([Type.Number(), Type.Boolean()]), {
        description: "the strategy's parameters (GET /strategies); one left out takes its default",
      }),
    ),
    venue: Type.String({ maxLength: 64, description: 'where the candles come from, e.g. simulated, replay' }),
    symbol: Type.String({ maxLength: 64 }),
    timeframe: Type.String({ maxLength: 8, description: 'a timeframe like 1m, 1h, 1d, 1w or 1M' }),
    from: Time('first bar'),
    to: Time('end, exclusive; a date includes that whole day'),
    initialCapital: Type.Number(),
    feeRate: Type.Optional(Type.Number({ description: 'share of notional per fill, default 0' })),
    slippageBps: Type.Optional(Type.Number({ description: 'default 0' })),
    maxVolumeFraction: Type.Optional(
      Type.Number({ description: "share of a bar's volume one fill may take; 0 (default) = no cap" }),
    ),
    risk: Type.Optional(
      Type.Record(Type.Number(), {
        description:
          'risk limits: positionFraction, riskPerTrade, atrPeriod, atrMultiple, maxOpenPositions, ' +
          'maxSymbolExposure, dailyLossLimit',
      }),
    ),
    modelReplay: Type.Optional(ModelReplayInput),
    ...jobOptions,
  },
  { additionalProperties: false },
);

/** "What if I had copied": a leader's trades in [from, to) replayed through the copy engine. */
export const CopyBacktestInput = Type.Object(
  {
    kind: Type.Literal('copy'),
    source: Type.Enum(LEADER_SOURCES),
    address: Type.String({ maxLength: 128 }),
    from: Time('first leader trade'),
    to: Time('end, exclusive; a date includes that whole day'),
    initialCapital: Amount,
    allocation: Type.Optional(Amount),
    followOptions: Type.Optional(FollowOptionsInput),
    venue: Type.Optional(Type.String({ maxLength: 64, description: 'whose candles price the copies' })),
    timeframe: Type.Optional(Type.String({ description: '1m, 5m, 15m, 1h (default), 4h or 1d' })),
    feeRate: Type.Optional(Amount),
    slippage: Type.Optional(Amount),
    ...jobOptions,
  },
  { additionalProperties: false },
);

/** POST /backtests: a strategy backtest, or a copy backtest (`kind: "copy"`). */
export const BacktestBody = Type.Documented(
  Type.Union([StrategyBacktestInput, CopyBacktestInput], {
    description:
      'A strategy backtest, or a copy backtest (`kind: "copy"`). Checked field by field; every problem is named in the 400.',
  }),
  Type.AnyObject(),
);

/** POST /montecarlo: trade returns inline (`tradeReturns`) or from a succeeded backtest (`fromJob`). */
export const MonteCarloInput = Type.Object(
  {
    tradeReturns: Type.Optional(
      Type.Array(Type.Number(), { description: 'net return of each trade as a fraction (0.02 = +2%)' }),
    ),
    fromJob: Type.Optional(
      Type.Integer({ description: 'a succeeded backtest of yours whose trades (and capital) to take' }),
    ),
    method: Type.Optional(Type.Enum(['reshuffle', 'bootstrap'], { description: 'default reshuffle' })),
    replacement: Type.Optional(Type.Boolean({ description: 'bootstrap: draw with replacement (default)' })),
    tradesPerPath: Type.Optional(Type.Integer({ description: 'bootstrap only; default all the trades' })),
    paths: Type.Optional(Type.Integer({ description: 'default 10,000' })),
    seed: Type.Optional(Type.Integer({ description: 'the same seed gives the same result; default 1' })),
    initialCapital: Type.Optional(Type.Number()),
    ruinDrawdown: Type.Optional(
      Type.Number({ description: 'a drawdown this deep (0.5 = 50%, default) counts as ruin' }),
    ),
    ...jobOptions,
  },
  { additionalProperties: false },
);

export const MonteCarloBody = Type.Documented(MonteCarloInput, Type.AnyObject());

/** GET /jobs: a page of the user's jobs, newest first. */
export const JobListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(JOB_STATUSES)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_JOBS_PAGE })),
    cursor: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
