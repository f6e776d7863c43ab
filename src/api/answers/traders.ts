/** Answer schemas of /traders: a followed trader with its follow options, and the figures per trader. */
import { COPY_MODES } from '../../domain/copy.js';
import { EXECUTIONS, TRADER_SOURCES } from '../../domain/trader.js';
import { Type } from '../json-schema.js';
import { NullableString } from './common.js';

const NullableStringList = Type.Nullable(Type.Array(Type.String()));

export const FollowOptionsJson = Type.Object({
  takeProfitPct: NullableString,
  stopLossPct: NullableString,
  trailingStopPct: NullableString,
  maxPositionSize: NullableString,
  copyRatio: Type.String(),
  copyMode: Type.Enum(COPY_MODES),
  fixedAmount: NullableString,
  minTradeSize: NullableString,
  allowMarkets: NullableStringList,
  denyMarkets: NullableStringList,
  execution: Type.Enum(EXECUTIONS),
  liveVenue: NullableString,
});

export const TraderJson = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  source: Type.Enum(TRADER_SOURCES),
  address: Type.String(),
  enabled: Type.Boolean(),
  allocation: Type.String(),
  followOptions: FollowOptionsJson,
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const TraderPerformanceJson = Type.Object({
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
});

export const TraderPerformanceListJson = Type.Object({
  items: Type.Array(TraderPerformanceJson),
  nextCursor: Type.Null(),
});
