/**
 * The API's JSON shapes the dashboard reads and sends, taken from the
 * server's schemas rather than written here: the answers (src/api/answers/)
 * and the requests (src/api/requests/). When the server changes an answer or
 * stops accepting a field, the pages that read or send it stop compiling
 * until they follow. The imports are type-only, erased at build, so no server
 * code enters the bundle. test/api/dashboard-types.test.ts keeps this file
 * free of hand-written shapes.
 */
import type { ErrorEnvelope } from '../../../src/api/answers/common';
import type {
  CopyJson,
  LeaderJson,
  LeaderTradeJson,
  PaperAccountJson,
  WatchJson,
} from '../../../src/api/answers/copies';
import type {
  BacktestResultJson,
  BacktestTradeJson,
  CopyBacktestResultJson,
  JobResultJson,
  ModelReplaySummaryJson,
  MonteCarloResultJson,
} from '../../../src/api/answers/job-results';
import type { CandleJson, MarketJson, PriceJson } from '../../../src/api/answers/market-data';
import type { OrderJson } from '../../../src/api/answers/orders';
import type { MarketProfitJson, OverviewJson } from '../../../src/api/answers/overview';
import type {
  CacheReportJson,
  MarketDataReportJson,
  StreamsReportJson,
} from '../../../src/api/answers/performance';
import type {
  PipelineDecisionJson,
  PipelineModelCallJson,
  PipelineRunJson,
  PipelineStatusJson,
} from '../../../src/api/answers/pipeline';
import type { PositionJson, PositionWithMarketJson } from '../../../src/api/answers/positions';
import type { JobJson, StrategyJson, StrategyParamJson } from '../../../src/api/answers/research';
import type { StreamServerMessageJson, UserUpdateJson } from '../../../src/api/answers/stream';
import type { LinkCodeJson } from '../../../src/api/answers/telegram';
import type { TraderJson, TraderPerformanceJson } from '../../../src/api/answers/traders';
import type { Static } from '../../../src/api/json-schema';
import type { LeadersQuery } from '../../../src/api/requests/copies';
import type { OrderListQuery } from '../../../src/api/requests/orders';
import type { PositionOpenBody, PositionTpSlBody } from '../../../src/api/requests/positions';
import type {
  CopyBacktestInput,
  ModelReplayInput,
  MonteCarloInput,
  StrategyBacktestInput,
} from '../../../src/api/requests/research';
import type { StreamClientMessageJson } from '../../../src/api/requests/stream';
import type {
  FollowOptionsInput,
  TraderBatchBody,
  TraderCreateBody,
  TraderPatchBody,
} from '../../../src/api/requests/traders';

export type { TraderSource } from '../../../src/domain/trader';

/** One problem of a refused request (`error.details` of the error envelope). */
export type ErrorDetail = Static<typeof ErrorEnvelope>['error']['details'][number];

export type Trader = Static<typeof TraderJson>;
export type FollowOptions = Trader['followOptions'];
export type CopyMode = FollowOptions['copyMode'];
export type TraderPerformance = Static<typeof TraderPerformanceJson>;

type PositionWithMarket = Static<typeof PositionWithMarketJson>;
/** A position: a list gives it with its market; one created, changed, closed or pushed comes without. */
export type Position = Static<typeof PositionJson> & Partial<Pick<PositionWithMarket, 'market'>>;
export type PositionMarket = NonNullable<PositionWithMarket['market']>;

export type Market = Static<typeof MarketJson>;
export type Price = Static<typeof PriceJson>;
export type Candle = Static<typeof CandleJson>;

export type Strategy = Static<typeof StrategyJson>;
export type ParamSpec = Static<typeof StrategyParamJson>;
export type Job = Static<typeof JobJson>;
/**
 * A finished job's `result` (`Job['result']` is `unknown`: the server sends a
 * result as it was stored, documented as this union and checked against it by
 * its tests). Which one a job holds follows from its type and request.
 */
export type JobResult = Static<typeof JobResultJson>;
export type BacktestResult = Static<typeof BacktestResultJson>;
export type BacktestTrade = Static<typeof BacktestTradeJson>;
export type CurvePoint = BacktestResult['equityCurve'][number];
export type ModelReplaySummary = Static<typeof ModelReplaySummaryJson>;
export type CopyBacktestResult = Static<typeof CopyBacktestResultJson>;
export type MonteCarloResult = Static<typeof MonteCarloResultJson>;

export type Leader = Static<typeof LeaderJson>;
export type LeaderTrade = Static<typeof LeaderTradeJson>;
/** One copy decision of a followed trade: copied (with the copy's size and fill price) or skipped with a reason. */
export type CopyDecision = Static<typeof CopyJson>;
export type PaperAccount = Static<typeof PaperAccountJson>;
/** How a followed trader is watched (GET /copies/watchers): last leader trade, when its source last answered. */
export type WatchStatus = Static<typeof WatchJson>;

export type Order = Static<typeof OrderJson>;

/** GET /overview: what the Home page shows. */
export type Overview = Static<typeof OverviewJson>;
export type DailyBar = Overview['dailyProfit'][number];
export type MarketProfit = Static<typeof MarketProfitJson>['items'][number];

export type BotStatus = Static<typeof PipelineStatusJson>;
export type BotRun = Static<typeof PipelineRunJson>;
export type BotDecision = Static<typeof PipelineDecisionJson>;
export type BotModels = NonNullable<BotStatus['models']>;
export type BotModelCall = Static<typeof PipelineModelCallJson>;

export type LinkCode = Static<typeof LinkCodeJson>;

/** GET /performance/cache, /performance/marketdata, /performance/streams. */
export type CacheReport = Static<typeof CacheReportJson>;
export type CacheKindFigures = CacheReport['kinds'][number];
export type MarketDataReport = Static<typeof MarketDataReportJson>;
export type VenueTraffic = MarketDataReport['venues'][number];
export type StreamsReport = Static<typeof StreamsReportJson>;

/** The WebSocket stream: what the server sends, its updates of the user topics, what a client sends. */
export type StreamServerMessage = Static<typeof StreamServerMessageJson>;
export type UserUpdate = Static<typeof UserUpdateJson>;
export type UserTopic = UserUpdate['topic'];
export type StreamClientMessage = Static<typeof StreamClientMessageJson>;

// What the dashboard sends.

/** POST /traders. */
export type NewTrader = Static<typeof TraderCreateBody>;
/** Follow options as sent: each one optional (a change keeps the others). */
export type FollowOptionsChange = Static<typeof FollowOptionsInput>;
/** PATCH /traders/:id. */
export type TraderChange = Static<typeof TraderPatchBody>;
/** POST /traders/batch. */
export type TraderBatch = Static<typeof TraderBatchBody>;

/** POST /positions. */
export type NewPosition = Static<typeof PositionOpenBody>;
/** PATCH /positions/:id: null clears a level. */
export type PositionLevels = Static<typeof PositionTpSlBody>;

/** GET /orders filters. */
export type OrderFilter = Static<typeof OrderListQuery>;
export type OrderStatus = NonNullable<OrderFilter['status']>;

/** GET /leaders ranking. */
export type LeaderQuery = Static<typeof LeadersQuery>;
export type LeaderSort = NonNullable<LeaderQuery['sort']>;
export type LeaderWindow = NonNullable<LeaderQuery['window']>;

/** POST /backtests, a strategy's. */
export type BacktestRequest = Static<typeof StrategyBacktestInput>;
export type ModelReplayRequest = Static<typeof ModelReplayInput>;
/** POST /backtests with `kind: "copy"`. */
export type CopyBacktestRequest = Static<typeof CopyBacktestInput>;
/** POST /montecarlo. */
export type MonteCarloRequest = Static<typeof MonteCarloInput>;
