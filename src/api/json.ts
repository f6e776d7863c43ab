/** Domain objects to their JSON shape (times as ISO-8601 strings). */
import type { Order } from '../domain/order.js';
import type { Trader } from '../domain/trader.js';

const iso = (ms: number): string => new Date(ms).toISOString();

export const traderJson = (t: Trader) => ({
  id: t.id,
  name: t.name,
  address: t.address,
  enabled: t.enabled,
  allocation: t.allocation,
  followOptions: t.followOptions,
  version: t.version,
  createdAt: iso(t.createdAt),
  updatedAt: iso(t.updatedAt),
});

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
