/** Answer schemas of /positions: a position, and a position with its market as the lists give it. */
import { Type } from '../json-schema.js';
import { NullableString } from './common.js';

/** A position's fields, for answers that add to them (with its market, with a title). */
export const positionFields = {
  id: Type.Integer(),
  venue: Type.String(),
  marketId: Type.String(),
  symbol: Type.String(),
  side: Type.String(),
  outcome: NullableString,
  size: Type.String(),
  entryPrice: Type.String(),
  currentPrice: Type.String(),
  unrealizedPnl: Type.String(),
  realizedPnl: Type.String({
    description: 'realised PnL of the part closed, net of every fee the position paid (fees)',
  }),
  fees: Type.String({
    description:
      "fees the paper account paid on this position's fills (a copy's entry, additions and exit); 0 when opened by hand",
  }),
  takeProfit: NullableString,
  stopLoss: NullableString,
  trailingStopPct: NullableString,
  highWater: NullableString,
  traderId: Type.Nullable(Type.Integer()),
  status: Type.String(),
  closeReason: NullableString,
  closePrice: NullableString,
  version: Type.Integer(),
  openedAt: Type.String(),
  updatedAt: Type.String(),
  closedAt: NullableString,
};

export const PositionJson = Type.Object(positionFields);

export const PositionMarketJson = Type.Object({
  id: Type.String(),
  symbol: Type.String(),
  kind: Type.String(),
  question: Type.Optional(Type.String()),
  outcomes: Type.Optional(Type.Array(Type.Object({ name: Type.String(), price: Type.Number() }))),
  endsAt: Type.Optional(Type.String()),
  active: Type.Boolean(),
  stale: Type.Boolean(),
});

export const PositionWithMarketJson = Type.Object({
  ...positionFields,
  market: Type.Nullable(PositionMarketJson),
});
