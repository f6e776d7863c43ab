/** Request schemas of /orders: record one, import many, and the list's filters. */
import { MAX_BULK_ORDERS, ORDER_STATUSES } from '../../domain/order.js';
import { Type } from '../json-schema.js';
import { Amount, Id, NullableAmount, PageQuery } from './common.js';

export const OrderInput = Type.Object(
  {
    pair: Type.String({ minLength: 1, maxLength: 41 }),
    side: Type.String(),
    type: Type.Optional(Type.String()),
    status: Type.Optional(Type.String()),
    traderId: Type.Optional(Type.Union([Id, Type.Null()])),
    clientOrderId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    price: Type.Optional(NullableAmount),
    quantity: Amount,
    filledQuantity: Type.Optional(Amount),
    averagePrice: Type.Optional(NullableAmount),
    fee: Type.Optional(Amount),
    createdAt: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

export const OrderBulkBody = Type.Object(
  { orders: Type.Array(OrderInput, { minItems: 1, maxItems: MAX_BULK_ORDERS }) },
  { additionalProperties: false },
);

/** GET /orders: a page of the user's orders, newest first, filtered by status, pair and trader. */
export const OrderListQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(Type.Enum(ORDER_STATUSES)),
    pair: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{1,20}/[A-Z0-9]{1,20}$' })),
    traderId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
  },
  { additionalProperties: false },
);
