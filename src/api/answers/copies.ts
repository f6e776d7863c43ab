/**
 * Answer schemas of copy trading beyond following: the copy decisions, the
 * leaders and their trades, the paper account, and how each follow is watched.
 */
import { LEADER_SOURCES } from '../../domain/trader.js';
import { Type } from '../json-schema.js';
import { NullableString } from './common.js';

/** One copy decision of a followed trade: copied (with the copy's size and fill price) or skipped with a reason. */
export const CopyJson = Type.Object({
  id: Type.Integer(),
  traderId: Type.Integer(),
  source: Type.String(),
  sourceTradeId: Type.String(),
  sourceTs: Type.String(),
  detectedAt: Type.String(),
  decidedAt: Type.String(),
  status: Type.String(),
  reason: NullableString,
  reducedBy: NullableString,
  side: Type.String(),
  market: Type.String(),
  outcomeIndex: Type.Nullable(Type.Integer()),
  leaderSize: Type.String(),
  leaderPrice: Type.String(),
  size: NullableString,
  price: NullableString,
  orderId: Type.Nullable(Type.Integer()),
  positionId: Type.Nullable(Type.Integer()),
  latencyMs: Type.Number(),
});

export const LeaderJson = Type.Object({
  source: Type.Enum(LEADER_SOURCES),
  address: Type.String(),
  name: NullableString,
  style: NullableString,
  pnl: Type.String(),
  volume: Type.String(),
  trades: Type.Integer(),
  winRate: Type.Nullable(Type.Number()),
  lastTradeTs: NullableString,
});

export const LeaderTradeJson = Type.Object({
  id: Type.String(),
  ts: Type.String(),
  side: Type.String(),
  market: Type.String(),
  outcomeIndex: Type.Nullable(Type.Integer()),
  size: Type.String(),
  price: Type.String(),
});

export const PaperAccountJson = Type.Object({
  venue: Type.String(),
  balance: Type.String(),
  initialBalance: Type.String(),
  resetAt: Type.String(),
  updatedAt: Type.String(),
});

/** How a followed trader is watched (GET /copies/watchers): last leader trade, when its source last answered. */
export const WatchJson = Type.Object({
  traderId: Type.Integer(),
  source: Type.String(),
  address: Type.String(),
  watching: Type.Boolean(),
  lastTradeTs: NullableString,
  checkedAt: Type.String(),
  lagMs: Type.Integer(),
  stalled: Type.Boolean(),
  error: NullableString,
  events: Type.Integer(),
});

export const WatchListJson = Type.Object({ items: Type.Array(WatchJson) });
