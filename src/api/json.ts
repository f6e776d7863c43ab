/** Domain objects to their JSON shape (times as ISO-8601 strings). */
export { traderJson } from '../copytrading/trader-json.js';
export { positionJson } from '../positions/position-json.js';

import type { Order } from '../domain/order.js';

const iso = (ms: number): string => new Date(ms).toISOString();

export const orderJson = (o: Order) => ({
  id: o.id,
  traderId: o.traderId,
  pair: o.pair,
  clientOrderId: o.clientOrderId,
  side: o.side,
  type: o.type,
  price: o.price,
  quantity: o.quantity,
  filledQuantity: o.filledQuantity,
  averagePrice: o.averagePrice,
  status: o.status,
  fee: o.fee,
  createdAt: iso(o.createdAt),
  updatedAt: iso(o.updatedAt),
});
