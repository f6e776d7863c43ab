/**
 * The API's JSON shapes the dashboard reads, taken from the server's answer
 * schemas (src/api/answers/) rather than written here: when the server changes
 * an answer, the pages that read it stop compiling until they follow. The
 * imports are type-only, erased at build, so no server code enters the bundle.
 * test/api/dashboard-types.test.ts keeps this file free of hand-written shapes.
 */
import type { ErrorEnvelope } from '../../../src/api/answers/common';
import type {
  CopyJson,
  LeaderJson,
  LeaderTradeJson,
  PaperAccountJson,
  WatchJson,
} from '../../../src/api/answers/copies';
import type { CandleJson, MarketJson, PriceJson } from '../../../src/api/answers/market-data';
import type { OrderJson } from '../../../src/api/answers/orders';
import type { MarketProfitJson, OverviewJson } from '../../../src/api/answers/overview';
import type {
  PipelineDecisionJson,
  PipelineModelCallJson,
  PipelineRunJson,
  PipelineStatusJson,
} from '../../../src/api/answers/pipeline';
import type { PositionJson, PositionWithMarketJson } from '../../../src/api/answers/positions';
import type { JobJson, StrategyJson, StrategyParamJson } from '../../../src/api/answers/research';
import type { LinkCodeJson } from '../../../src/api/answers/telegram';
import type { TraderJson, TraderPerformanceJson } from '../../../src/api/answers/traders';
import type { Static } from '../../../src/api/json-schema';

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
