/**
 * Recording orders: one at a time or imported in bulk (up to 10,000 per call,
 * one transaction, validated first so a bad row writes nothing), listing them,
 * and daily volume. Each write updates the running summaries in the same
 * transaction and drops only that user's cached reads.
 */
import type { Clock } from '../domain/clock.js';
import { AlreadyExistsError } from '../domain/conflict.js';
import { ForbiddenError, NotFoundError } from '../domain/errors.js';
import {
  checkNewOrder,
  MAX_BULK_ORDERS,
  type NewOrder,
  type NewOrderInput,
  type Order,
} from '../domain/order.js';
import { checkBatchSize, Problems } from '../domain/validation.js';
import { isUniqueViolation } from '../store/constraint-errors.js';
import type { Database, SqlExecutor } from '../store/database.js';
import type { LedgerRepository } from '../store/ledger-repository.js';
import type { OrderCursor, OrderFilter, OrderRepository } from '../store/order-repository.js';
import { compile } from '../store/prepared.js';
import type { TradingPairRepository } from '../store/trading-pair-repository.js';
import type { Fill, FillLedger } from './fill-ledger.js';
import { utcDay } from './fill-ledger.js';

export const MAX_VOLUME_DAYS = 366;

export interface OrderServiceDeps {
  db: Database;
  orders: OrderRepository;
  pairs: TradingPairRepository;
  ledger: LedgerRepository;
  fills: FillLedger;
  clock: Clock;
  /** Called after a committed change, with the user whose cached reads are stale. */
  onChange(userId: number): Promise<void>;
}

export class OrderService {
  constructor(private readonly d: OrderServiceDeps) {}

  async create(userId: number, input: NewOrderInput): Promise<Order> {
    const { orders, ids, now } = await this.insert(userId, [input], 'body', false);
    const o = orders[0]!;
    return { ...o, id: ids[0]!, userId, createdAt: o.createdAt ?? now, updatedAt: now };
  }

  /** Imports up to MAX_BULK_ORDERS orders atomically; returns how many and their ids. */
  async bulkImport(
    userId: number,
    inputs: readonly NewOrderInput[],
  ): Promise<{ imported: number; ids: number[] }> {
    checkBatchSize(inputs, MAX_BULK_ORDERS, 'body.orders');
    const { ids } = await this.insert(userId, inputs, 'body.orders', true);
    return { imported: ids.length, ids };
  }

  async get(userId: number, id: number): Promise<Order> {
    const o = await this.d.orders.findById(id);
    if (!o) throw new NotFoundError(`Order ${id} does not exist`);
    if (o.userId !== userId) throw new ForbiddenError(`Order ${id} is not yours`);
    return o;
  }

  async list(
    userId: number,
    filter: { status?: Order['status']; pair?: string; traderId?: number },
    limit: number,
    cursor: OrderCursor | null,
  ): Promise<Order[]> {
    const f: OrderFilter = {};
    if (filter.status) f.status = filter.status;
    if (filter.traderId !== undefined) f.traderId = filter.traderId;
    if (filter.pair !== undefined) {
      const pairId = await this.d.pairs.idOf(filter.pair);
      if (pairId === undefined) return [];
      f.pairId = pairId;
    }
    return this.d.orders.list(userId, f, limit, cursor);
  }

  async dailyVolume(userId: number, days: number): Promise<{ day: string; volume: string; fills: number }[]> {
    const from = utcDay(this.d.clock.now() - (days - 1) * 86_400_000);
    return this.d.ledger.dailyVolume(userId, from);
  }

  private async insert(
    userId: number,
    inputs: readonly NewOrderInput[],
    base: string,
    bulk: boolean,
  ): Promise<{ orders: NewOrder[]; ids: number[]; now: number }> {
    const now = this.d.clock.now();
    const orders = checkOrders(inputs, base, bulk, now);
    const symbols = new Set<string>();
    for (const o of orders) symbols.add(o.pair);
    try {
      const ids = await this.d.db.transaction(async (tx) => {
        await this.checkTraders(userId, orders, base, bulk, tx);
        const pairIds = await this.d.pairs.ensure(symbols, tx, now);
        const ids = await this.d.orders.insertOrders(userId, orders, pairIds, now, tx);
        await this.d.fills.apply(userId, fillsOf(orders, pairIds, now), tx, now);
        return ids;
      });
      await this.d.onChange(userId);
      return { orders, ids, now };
    } catch (err) {
      this.d.pairs.forget(symbols);
      if (isUniqueViolation(err)) {
        throw new AlreadyExistsError('An order with this clientOrderId already exists', {
          cause: err,
          details: [
            { path: bulk ? `${base}[].clientOrderId` : `${base}.clientOrderId`, message: 'already used' },
          ],
        });
      }
      throw err;
    }
  }

  /** Every referenced trader must exist and belong to the user. */
  private async checkTraders(
    userId: number,
    orders: NewOrder[],
    base: string,
    bulk: boolean,
    ex: SqlExecutor,
  ): Promise<void> {
    const referenced = new Set<number>();
    for (const o of orders) if (o.traderId !== null) referenced.add(o.traderId);
    if (referenced.size === 0) return;
    const wanted = [...referenced];
    const q = this.d.db.kysely
      .selectFrom('traders')
      .select('id')
      .where('user_id', '=', userId)
      .where('id', 'in', wanted);
    const mine = new Set((await ex.all(compile(q))).map((r) => r.id));
    if (mine.size === wanted.length) return;
    const p = new Problems();
    orders.forEach((o, i) => {
      if (o.traderId !== null && !mine.has(o.traderId)) {
        p.add(
          bulk ? `${base}[${i}].traderId` : `${base}.traderId`,
          `trader ${o.traderId} is not one of your traders`,
        );
      }
    });
    p.throwIfAny(bulk ? 'Invalid orders; nothing was imported' : 'Invalid order');
  }
}

/*
 * The loops over every order live in plain functions: in the async insert()
 * they were deoptimised at each call (the code after its awaits had no type
 * feedback yet), and ran unoptimised until the next recompile.
 */

/** Validates every order (at most 100 problems reported); throws a ValidationError if any is wrong. */
function checkOrders(inputs: readonly NewOrderInput[], base: string, bulk: boolean, now: number): NewOrder[] {
  const p = new Problems();
  const orders: NewOrder[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const o = checkNewOrder(inputs[i]!, base, p, now, bulk ? i : undefined);
    if (o) orders.push(o);
    if (p.list.length >= 100) break;
  }
  p.throwIfAny(bulk ? 'Invalid orders; nothing was imported' : 'Invalid order');
  return orders;
}

/** The fills the summaries take: every order with something filled, at its average price. */
function fillsOf(orders: readonly NewOrder[], pairIds: ReadonlyMap<string, number>, now: number): Fill[] {
  const fills: Fill[] = [];
  for (const o of orders) {
    if (o.averagePrice !== null && o.filledQuantity !== '0') {
      fills.push({
        traderId: o.traderId,
        pairId: pairIds.get(o.pair)!,
        side: o.side,
        quantity: o.filledQuantity,
        price: o.averagePrice,
        fee: o.fee,
        at: o.createdAt ?? now,
      });
    }
  }
  return fills;
}
