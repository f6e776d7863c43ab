/** Answer schemas of /orders: an order, and the daily volume. */
import { Type } from '../json-schema.js';
import { NullableString } from './common.js';

export const OrderJson = Type.Object({
  id: Type.Integer(),
  traderId: Type.Nullable(Type.Integer()),
  pair: Type.String(),
  clientOrderId: NullableString,
  side: Type.String(),
  type: Type.String(),
  price: NullableString,
  quantity: Type.String(),
  filledQuantity: Type.String(),
  averagePrice: NullableString,
  status: Type.String(),
  fee: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const DailyVolumeJson = Type.Object({
  items: Type.Array(Type.Object({ day: Type.String(), volume: Type.String(), fills: Type.Integer() })),
  nextCursor: Type.Null(),
});
