/**
 * Orders: single insert, bulk insert (one transaction, cached statement per
 * row), lookup by id, and keyset-paginated lists joined with their pair.
 */

import type { NewOrder, Order, OrderSide, OrderStatus, OrderType } from '../domain/order.js';
import { canonicalAmount, canonicalAmountOrNull } from './amounts.js';
import type { Database, Query, RowSource, SqlExecutor } from './database.js';
import { prepare } from './prepared.js';

/** Columns an insert writes, in the order `orderInsertValues` gives them. */
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

/** Columns of a full row, in the order `orderFromTuple` reads them: the id, then what an insert writes. */
const ROW_COLUMNS = ['id', ...ORDER_INSERT_COLUMNS] as const;

/** A row plus its pair's symbol, in the order `orderFromTuple` reads them. */
const LIST_COLUMNS = [...ROW_COLUMNS.map((c) => `orders.${c}` as const), 'trading_pairs.symbol' as const];

function orderFromTuple(t: unknown[]): Order {
  return {
    id: t[0] as number,
    userId: t[1] as number,
    traderId: t[2] as number | null,
    pair: t[15] as string,
    clientOrderId: t[4] as string | null,
    side: t[5] as OrderSide,
    type: t[6] as OrderType,
    price: canonicalAmountOrNull(t[7]),
    quantity: canonicalAmount(t[8]),
    filledQuantity: canonicalAmount(t[9]),
    averagePrice: canonicalAmountOrNull(t[10]),
    status: t[11] as OrderStatus,
    fee: canonicalAmount(t[12]),
    createdAt: t[13] as number,
    updatedAt: t[14] as number,
  };
}

export function orderInsertValues(userId: number, pairId: number, o: NewOrder, now: number): unknown[] {
  const row: unknown[] = [];
  writeOrderRow(row, userId, pairId, o, now);
  return row;
}

/** Writes an order's insert values into `into`, in the order of ORDER_INSERT_COLUMNS. */
function writeOrderRow(into: unknown[], userId: number, pairId: number, o: NewOrder, now: number): void {
  into[0] = userId;
  into[1] = o.traderId;
  into[2] = pairId;
  into[3] = o.clientOrderId;
  into[4] = o.side;
  into[5] = o.type;
  into[6] = o.price;
  into[7] = o.quantity;
  into[8] = o.filledQuantity;
  into[9] = o.averagePrice;
  into[10] = o.status;
  into[11] = o.fee;
  into[12] = o.createdAt ?? now;
  into[13] = now;
}

/**
 * One user's orders as insert rows, written on demand. A class, not an object
 * literal per call: the insert loop then always calls the same `write`.
 */
class OrderRows implements RowSource {
  constructor(
    private readonly userId: number,
    private readonly orders: readonly NewOrder[],
    private readonly pairIds: ReadonlyMap<string, number>,
    private readonly now: number,
  ) {}

  get count(): number {
    return this.orders.length;
  }

  write(i: number, into: unknown[]): void {
    const o = this.orders[i]!;
    writeOrderRow(into, this.userId, this.pairIds.get(o.pair)!, o, this.now);
  }
}

export interface OrderCursor {
  createdAt: number;
  id: number;
}

export interface OrderFilter {
  status?: OrderStatus;
  pairId?: number;
  traderId?: number;
}

export class OrderRepository {
  private readonly byId;
  private readonly lists = new Map<string, (values: Record<string, unknown>) => Query<unknown>>();

  constructor(private readonly db: Database) {
    const k = db.kysely;
    this.byId = prepare(k, (p) =>
      k
        .selectFrom('orders')
        .innerJoin('trading_pairs', 'trading_pairs.id', 'orders.trading_pair_id')
        .select(LIST_COLUMNS)
        .where('orders.id', '=', p('id')),
    );
  }

  /** Inserts rows built with `orderInsertValues`, returning their ids in order. */
  insertMany(rows: unknown[][], ex: SqlExecutor): Promise<number[]> {
    return ex.insertMany('orders', ORDER_INSERT_COLUMNS, rows);
  }

  /**
   * Inserts one user's orders, returning their ids in order. Each row is
   * written from its order as the statement takes it: a 10,000-order import
   * builds no row arrays.
   */
  insertOrders(
    userId: number,
    orders: readonly NewOrder[],
    pairIds: ReadonlyMap<string, number>,
    now: number,
    ex: SqlExecutor,
  ): Promise<number[]> {
    return ex.insertMany('orders', ORDER_INSERT_COLUMNS, new OrderRows(userId, orders, pairIds, now));
  }

  async findById(id: number, ex: SqlExecutor = this.db): Promise<Order | undefined> {
    const [t] = await ex.tuples(this.byId({ id }));
    return t && orderFromTuple(t);
  }

  /** A page of the user's orders, newest first, joined with their pair symbol. */
  async list(
    userId: number,
    filter: OrderFilter,
    limit: number,
    cursor: OrderCursor | null,
  ): Promise<Order[]> {
    const q = this.listStatement(
      filter.status !== undefined,
      filter.pairId !== undefined,
      filter.traderId !== undefined,
      cursor !== null,
    );
    const rows = await this.db.tuples(
      q({
        userId,
        status: filter.status,
        pairId: filter.pairId,
        traderId: filter.traderId,
        at: cursor?.createdAt,
        id: cursor?.id,
        limit,
      }),
    );
    return rows.map(orderFromTuple);
  }

  /** The list query for one filter shape, compiled once (16 shapes at most), as trader updates are. */
  private listStatement(byStatus: boolean, byPair: boolean, byTrader: boolean, after: boolean) {
    const shape = `${byStatus}|${byPair}|${byTrader}|${after}`;
    let stmt = this.lists.get(shape);
    if (stmt === undefined) {
      const k = this.db.kysely;
      stmt = prepare(k, (p) => {
        let q = k
          .selectFrom('orders')
          .innerJoin('trading_pairs', 'trading_pairs.id', 'orders.trading_pair_id')
          .select(LIST_COLUMNS)
          .where('orders.user_id', '=', p('userId'));
        if (byStatus) q = q.where('orders.status', '=', p('status'));
        if (byPair) q = q.where('orders.trading_pair_id', '=', p('pairId'));
        if (byTrader) q = q.where('orders.trader_id', '=', p('traderId'));
        if (after) {
          q = q.where((eb) =>
            eb(eb.refTuple('orders.created_at', 'orders.id'), '<', eb.tuple(p('at'), p('id'))),
          );
        }
        return q.orderBy('orders.created_at', 'desc').orderBy('orders.id', 'desc').limit(p('limit'));
      });
      this.lists.set(shape, stmt);
    }
    return stmt;
  }
}
