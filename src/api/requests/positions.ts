/** Request schemas of /positions: open one, set or clear its take-profit and stop-loss. */
import { Type } from '../json-schema.js';
import { Amount, NullableAmount } from './common.js';

export const PositionOpenBody = Type.Object(
  {
    marketId: Type.String({ minLength: 1, maxLength: 128 }),
    side: Type.Optional(Type.String({ maxLength: 10 })),
    outcome: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    size: Amount,
    takeProfit: Type.Optional(NullableAmount),
    stopLoss: Type.Optional(NullableAmount),
  },
  { additionalProperties: false },
);

/** null clears a level; a level left out stays as it is. */
export const PositionTpSlBody = Type.Object(
  { takeProfit: Type.Optional(NullableAmount), stopLoss: Type.Optional(NullableAmount) },
  { additionalProperties: false, minProperties: 1 },
);
