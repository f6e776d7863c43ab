/** Request schemas of /traders: follow a trader (with its follow options), change one, change many. */
import { COPY_MODES } from '../../domain/copy.js';
import { EXECUTIONS, MAX_BATCH_UPDATES } from '../../domain/trader.js';
import { Type } from '../json-schema.js';
import { Amount, Id, NullableAmount } from './common.js';

const MarketList = Type.Union([Type.Array(Type.String({ maxLength: 128 }), { maxItems: 200 }), Type.Null()]);

/** How a follow copies; every field optional (a new follow takes the defaults, a change keeps the rest). */
export const FollowOptionsInput = Type.Object(
  {
    takeProfitPct: Type.Optional(NullableAmount),
    stopLossPct: Type.Optional(NullableAmount),
    trailingStopPct: Type.Optional(NullableAmount),
    maxPositionSize: Type.Optional(NullableAmount),
    copyRatio: Type.Optional(Amount),
    copyMode: Type.Optional(Type.Enum(COPY_MODES)),
    fixedAmount: Type.Optional(NullableAmount),
    minTradeSize: Type.Optional(NullableAmount),
    allowMarkets: Type.Optional(MarketList),
    denyMarkets: Type.Optional(MarketList),
    execution: Type.Optional(Type.Enum(EXECUTIONS)),
    liveVenue: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const TraderCreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    source: Type.Optional(Type.String({ maxLength: 20 })),
    address: Type.String({ minLength: 1, maxLength: 128 }),
    enabled: Type.Optional(Type.Boolean()),
    allocation: Type.Optional(Amount),
    followOptions: Type.Optional(FollowOptionsInput),
  },
  { additionalProperties: false },
);

const patchFields = {
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  enabled: Type.Optional(Type.Boolean()),
  allocation: Type.Optional(Amount),
  followOptions: Type.Optional(FollowOptionsInput),
};

export const TraderPatchBody = Type.Object(patchFields, { additionalProperties: false, minProperties: 1 });

export const TraderBatchBody = Type.Object(
  {
    updates: Type.Array(
      Type.Object(
        { id: Id, version: Type.Optional(Type.Integer({ minimum: 1 })), ...patchFields },
        { additionalProperties: false, minProperties: 2 },
      ),
      { minItems: 1, maxItems: MAX_BATCH_UPDATES },
    ),
  },
  { additionalProperties: false },
);
