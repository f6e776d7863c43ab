/**
 * Orders: single insert, bulk insert (one transaction, cached statement per
 * row), lookup by id, and keyset-paginated lists joined with their pair.
 */

import type { Selectable } from 'kysely';
import type { NewOrder, Order, OrderSide, OrderStatus, OrderType } from '../domain/order.js';
import type { Database, SqlExecutor } from './database.js';
import { compile, prepare } from './prepared.js';
import type { OrdersTable } from './schema.js';

export type OrderRow = Selectable<OrdersTable>;

export function toOrder(r: OrderRow, symbol: string): Order {
  return {
    id: r.id,
    userId: r.user_id,
    traderId: r.trader_id,
    pair: symbol,
    clientOrderId: r.client_order_id,
    side: r.side as OrderSide,
    type: r.type as OrderType,
    price: r.price === null ? null : String(r.price),
    quantity: String(r.quantity),
    filledQuantity: String(r.filled_quantity),
    averagePrice: r.average_price === null ? null : String(r.average_price),
    status: r.status as OrderStatus,
    fee: String(r.fee),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Columns of a full row, in the order `rowFromTuple` reads them. */
const ROW_COLUMNS = [
  'id',
  'user_id',
  'trader_id',
  'trading_pair_id',
  'client_order_id',
  'side',
  'type',
  'price',
  'quantity',
  'filled_quantity',
  'average_price',
  'status',
  'fee',
  'created_at',
  'updated_at',
] as const;

/** A row plus its pair's symbol, in the order `orderFromTuple` reads them. */
const LIST_COLUMNS = [...ROW_COLUMNS.map((c) => `orders.${c}` as const), 'trading_pairs.symbol' as const];

const text = (v: unknown): string | null => (v === null ? null : String(v));

function rowFromTuple(t: unknown[]): OrderRow {
  return {
    id: t[0] as number,
    user_id: t[1] as number,
    trader_id: t[2] as number | null,
    trading_pair_id: t[3] as number,
    client_order_id: t[4] as string | null,
    side: t[5] as string,
    type: t[6] as string,
    price: text(t[7]),
    quantity: String(t[8]),
    filled_quantity: String(t[9]),
    average_price: text(t[10]),
    status: t[11] as string,
    fee: String(t[12]),
    created_at: t[13] as number,
    updated_at: t[14] as number,
  };
}

function orderFromTuple(t: unknown[]): Order {
  return toOrder(rowFromTuple(t), t[15] as string);
}

export const ORDER_INSERT_COLUMNS = [
  'user_id',
  'trader_id',
  'trading_pair_id',
  'client_order_id',
  'side',
  'type',
  'price',
  'quantity',
  'filled_quantity',
  'average_price',
  'status',
  'fee',
  'created_at',
  'updated_at',
] as const;

export function orderInsertValues(userId: number, pairId: number, o: NewOrder, now: number): unknown[] {
  const created = o.createdAt ?? now;
  return [
    userId,
    o.traderId,
    pairId,
    o.clientOrderId,
    o.side,
    o.type,
    o.price,
    o.quantity,
    o.filledQuantity,
    o.averagePrice,
    o.status,
    o.fee,
    created,
    now,
  ];
}

export interface OrderCursor {
  createdAt: number;
  id: number;
}

export interface OrderFilter {
  status?: OrderStatus;
  pairId?: number;
}

export class OrderRepository {
  private readonly byId;
  private readonly lastForUser;

  constructor(private readonly db: Database) {
    const k = db.kysely;
    this.byId = prepare(k, (p) =>
      k
        .selectFrom('orders')
        .innerJoin('trading_pairs', 'trading_pairs.id', 'orders.trading_pair_id')
        .selectAll('orders')
        .select('trading_pairs.symbol')
        .where('orders.id', '=', p('id')),
    );
    this.lastForUser = prepare(k, (p) =>
      k
        .selectFrom('orders')
        .select(ROW_COLUMNS)
        .where('user_id', '=', p('userId'))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(p('limit')),
    );
  }

  /** Inserts rows built with `orderInsertValues`, returning their ids in order. */
  insertMany(rows: unknown[][], ex: SqlExecutor): Promise<number[]> {
    return ex.insertMany('orders', ORDER_INSERT_COLUMNS, rows);
  }

  async findById(id: number, ex: SqlExecutor = this.db): Promise<Order | undefined> {
    const r = await ex.first(this.byId({ id }));
    return r && toOrder(r as OrderRow, r.symbol);
  }

  /** The user's most recent orders as rows (no join): the hottest read. */
  async recentRows(userId: number, limit: number): Promise<OrderRow[]> {
    return (await this.db.tuples(this.lastForUser({ userId, limit }))).map(rowFromTuple);
  }

  /** A page of the user's orders, newest first, joined with their pair symbol. */
  async list(
    userId: number,
    filter: OrderFilter,
    limit: number,
    cursor: OrderCursor | null,
  ): Promise<Order[]> {
    let q = this.db.kysely
      .selectFrom('orders')
      .innerJoin('trading_pairs', 'trading_pairs.id', 'orders.trading_pair_id')
      .select(LIST_COLUMNS)
      .where('orders.user_id', '=', userId);
    if (filter.status) q = q.where('orders.status', '=', filter.status);
    if (filter.pairId !== undefined) q = q.where('orders.trading_pair_id', '=', filter.pairId);
    if (cursor) {
      q = q.where((eb) =>
        eb(eb.refTuple('orders.created_at', 'orders.id'), '<', eb.tuple(cursor.createdAt, cursor.id)),
      );
    }
    const rows = await this.db.tuples(
      compile(q.orderBy('orders.created_at', 'desc').orderBy('orders.id', 'desc').limit(limit)),
    );
    return rows.map(orderFromTuple);
  }

  /** Ids among `clientOrderIds` that the user already used (idempotent imports). */
  async existingClientIds(userId: number, clientOrderIds: string[], ex: SqlExecutor): Promise<Set<string>> {
    if (clientOrderIds.length === 0) return new Set();
    const found = new Set<string>();
    for (let i = 0; i < clientOrderIds.length; i += 500) {
      const chunk = clientOrderIds.slice(i, i + 500);
      const q = this.db.kysely
        .selectFrom('orders')
        .select('client_order_id')
        .where('user_id', '=', userId)
        .where('client_order_id', 'in', chunk);
      for (const r of await ex.all(compile(q))) if (r.client_order_id) found.add(r.client_order_id);
    }
    return found;
  }
}
