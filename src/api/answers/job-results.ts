/**
 * Answer schemas of a finished job's `result`, one per kind of job: a
 * strategy backtest (with the `model` part when it replayed recorded model
 * answers), a copy backtest, a Monte Carlo run, a maintenance run. A result
 * is sent as it was stored (`Type.Documented` in `research.ts`): these
 * document it and type the dashboard's result views; the API tests check
 * real results against them. Times are ms since the epoch, as the engine
 * keeps them; money of a copy backtest is decimal strings, of a strategy
 * backtest numbers (the engine's floats).
 */
import { MAX_REPLAY_ANSWERS, REPLAY_MODES, REPLAY_STAGES } from '../../domain/model-replay.js';
import { LEADER_SOURCES } from '../../domain/trader.js';
import { Type } from '../json-schema.js';
import { FollowOptionsJson } from './traders.js';

const Ms = (description: string) => Type.Integer({ description: `${description}, ms since the epoch` });
const NullableNumber = Type.Nullable(Type.Number());

const BarTime = Ms('bar open time');

const CurveJson = Type.Array(Type.Object({ ts: Ms('bar open time'), equity: Type.Number() }), {
  description: 'equity at the close of bars, downsampled to at most 2,000 points',
});

export const BacktestMetricsJson = Type.Object({
  initialCapital: Type.Number(),
  finalEquity: Type.Number(),
  totalReturn: Type.Number({ description: 'finalEquity / initialCapital - 1' }),
  cagr: NullableNumber,
  sharpe: NullableNumber,
  sortino: NullableNumber,
  maxDrawdown: Type.Number({ description: 'largest fall from a peak, as a fraction of the peak' }),
  trades: Type.Integer(),
  winRate: NullableNumber,
  profitFactor: NullableNumber,
  exposure: Type.Number({ description: 'share of bars that closed holding a position' }),
  fees: Type.Number(),
});

/** One round trip flat -> long -> flat (src/engine/trade-log.ts). */
export const BacktestTradeJson = Type.Object({
  symbol: Type.String(),
  entryBar: Type.Integer(),
  exitBar: Type.Integer(),
  entryTs: BarTime,
  exitTs: BarTime,
  entryPrice: Type.Number(),
  exitPrice: Type.Number(),
  qty: Type.Number(),
  fees: Type.Number(),
  pnl: Type.Number({ description: 'net of fees' }),
  return: Type.Number({ description: 'pnl / (entry notional + entry fees)' }),
  exitReason: Type.String({ description: 'signal, stop-loss, take-profit or end' }),
});

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

/** A strategy backtest's request as it ran: the client's fields parsed, defaults filled in. */
const BacktestRunJson = Type.Object({
  strategy: Type.String(),
  params: Type.Record(Type.Union([Type.Number(), Type.Boolean()])),
  venue: Type.String(),
  symbol: Type.String(),
  timeframe: Type.String(),
  from: Ms('first bar included'),
  to: Ms('end, exclusive'),
  feeRate: Type.Number(),
  slippageBps: Type.Number(),
  initialCapital: Type.Number(),
  maxVolumeFraction: Type.Number(),
  risk: Type.Record(Type.Number()),
  modelReplay: Type.Optional(
    Type.Object({ stage: Type.Enum(REPLAY_STAGES), model: Type.String(), mode: Type.Enum(REPLAY_MODES) }),
  ),
});

export const BacktestResultJson = Type.Object(
  {
    metrics: BacktestMetricsJson,
    trades: Type.Array(BacktestTradeJson),
    equityCurve: CurveJson,
    bars: Type.Integer({ description: 'bars replayed' }),
    tradeReturns: Type.Array(Type.Number(), { description: 'net return of each trade, for Monte Carlo' }),
    buyAndHold: Type.Optional(
      Type.Object(
        {
          totalReturn: NullableNumber,
          equityCurve: CurveJson,
        },
        {
          description:
            'Holding the symbol instead: the capital bought at the first close, no fees (absent on results stored before it was added)',
        },
      ),
    ),
    request: BacktestRunJson,
    firstBar: Type.Nullable(BarTime),
    lastBar: Type.Nullable(BarTime),
    model: Type.Optional(ModelReplaySummaryJson),
  },
  { title: 'BacktestResult', description: "A strategy backtest's result" },
);

const LeaderSide = Type.Enum(['buy', 'sell']);

export const CopyBacktestResultJson = Type.Object(
  {
    kind: Type.Literal('copy'),
    request: Type.Object({
      kind: Type.Literal('copy'),
      source: Type.Enum(LEADER_SOURCES),
      address: Type.String(),
      from: Ms('first leader trade included'),
      to: Ms('end, exclusive'),
      initialCapital: Type.String(),
      allocation: Type.String(),
      followOptions: FollowOptionsJson,
      venue: Type.String(),
      timeframe: Type.String(),
      feeRate: Type.String(),
      slippage: Type.String(),
    }),
    metrics: BacktestMetricsJson,
    equityCurve: CurveJson,
    tradeReturns: Type.Array(Type.Number()),
    trades: Type.Array(BacktestTradeJson, { description: 'closed copies (round trips)' }),
    copied: Type.Array(
      Type.Object({
        ts: Ms('leader trade'),
        side: LeaderSide,
        market: Type.String(),
        size: Type.String(),
        price: Type.String(),
        fee: Type.String(),
        reducedBy: Type.Nullable(Type.String({ description: 'the cap that made the copy smaller' })),
      }),
    ),
    skipped: Type.Array(
      Type.Object({ ts: Ms('leader trade'), side: LeaderSide, market: Type.String(), reason: Type.String() }),
    ),
    skippedByReason: Type.Record(Type.Integer()),
    leaderTrades: Type.Integer(),
    bars: Type.Integer(),
  },
  { title: 'CopyBacktestResult', description: 'A copy backtest\'s result ("what if I had copied")' },
);

const percentileFields = { p5: Type.Number(), p50: Type.Number(), p95: Type.Number(), mean: Type.Number() };
const PercentilesJson = Type.Object(percentileFields);

export const MonteCarloResultJson = Type.Object(
  {
    method: Type.Enum(['reshuffle', 'bootstrap']),
    replacement: Type.Boolean(),
    paths: Type.Integer(),
    tradesPerPath: Type.Integer(),
    seed: Type.Integer(),
    initialCapital: Type.Number(),
    finalEquity: Type.Union([
      Type.Object(
        { invariant: Type.Literal(true), value: Type.Number() },
        { description: 'a reshuffle: every path ends at the same equity' },
      ),
      Type.Object(
        { invariant: Type.Literal(false), ...percentileFields },
        { description: 'a bootstrap: its distribution' },
      ),
    ]),
    maxDrawdown: PercentilesJson,
    ruinDrawdown: Type.Number(),
    probabilityOfRuin: Type.Number({ description: 'share of paths whose drawdown reached ruinDrawdown' }),
    histogram: Type.Optional(
      Type.Object({
        of: Type.Enum(['finalEquity', 'maxDrawdown']),
        bins: Type.Array(Type.Object({ from: Type.Number(), to: Type.Number(), count: Type.Integer() })),
      }),
    ),
  },
  { title: 'MonteCarloResult', description: "A Monte Carlo run's result" },
);

/** One step of a database maintenance run (ANALYZE, a prune...), with what it did in words. */
export const MaintenanceStepJson = Type.Object({
  name: Type.String(),
  ok: Type.Boolean(),
  durationMs: Type.Number(),
  detail: Type.String(),
});

/** A maintenance run's fields but its start (ms in a job's result, ISO-8601 in the database report). */
export const maintenanceFields = {
  kind: Type.Literal('maintenance'),
  dialect: Type.String(),
  durationMs: Type.Number(),
  ok: Type.Boolean(),
  steps: Type.Array(MaintenanceStepJson),
};

export const MaintenanceResultJson = Type.Object(
  { ...maintenanceFields, startedAt: Ms('start') },
  { title: 'MaintenanceResult', description: "A database maintenance run (the first admin's jobs list)" },
);

/** A job's result: one of the above by the job's kind; null until it succeeds, or once it was dropped. */
export const JobResultJson = Type.Union(
  [BacktestResultJson, CopyBacktestResultJson, MonteCarloResultJson, MaintenanceResultJson, Type.Null()],
  {
    description:
      "The finished job's result, by its kind: a strategy backtest (`model` when it replayed recorded " +
      'model answers), a copy backtest (`kind: "copy"`), a Monte Carlo run, a maintenance run. Null ' +
      'until the job succeeds, and once the result was dropped (`resultNote` says why).',
  },
);
