/**
 * The outbox of live copy orders, their holdings and the kill switch.
 * An order row is written in the fan-out's transaction before anything is
 * sent; sending it is claimed by one instance at a time with a
 * compare-and-set on its status (and a claim that expires, so a dead
 * instance's orders are reconciled by another); its client order id is
 * unique, so the same copy can never become two rows.
 */
import { sql } from 'kysely';
import { type Decimal, dec } from '../domain/decimal.js';
import { canonicalAmount, canonicalAmountOrNull } from './amounts.js';
import type { Database, SqlExecutor } from './database.js';
import type { LiveCopyOrdersTable } from './live-schema.js';
import { compile } from './prepared.js';

export type LiveOrderStatus = 'pending' | 'sending' | 'open' | 'filled' | 'rejected' | 'cancelled';

export interface NewLiveOrder {
  userId: number;
  traderId: number;
  venue: string;
  symbol: string;
  side: 'buy' | 'sell';
  amount: Decimal;
  priceHint: Decimal;
  clientOrderId: string;
  source: string;
  sourceTradeId: string;
}

export interface LiveOrder extends NewLiveOrder {
  id: number;
  status: LiveOrderStatus;
  attempts: number;
  claimedBy: string | null;
  claimedUntil: number | null;
  venueOrderId: string | null;
  filled: Decimal | null;
  averagePrice: Decimal | null;
  fee: Decimal | null;
  realizedPnl: Decimal | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

/** How an order ended (or stands) on the venue, as recorded. */
export interface LiveOrderOutcome {
  status: LiveOrderStatus;
  venueOrderId?: string | null;
  filled?: Decimal | null;
  averagePrice?: Decimal | null;
  fee?: Decimal | null;
  realizedPnl?: Decimal | null;
  error?: string | null;
  filledAt?: number | null;
}

export interface LiveHolding {
  quantity: Decimal;
  averagePrice: Decimal;
}

type Row = { [K in keyof LiveCopyOrdersTable]: unknown };

const toOrder = (r: Row): LiveOrder => ({
  id: Number(r.id),
  userId: Number(r.user_id),
  traderId: Number(r.trader_id),
  venue: String(r.venue),
  symbol: String(r.symbol),
  side: r.side as 'buy' | 'sell',
  amount: canonicalAmount(r.amount),
  priceHint: canonicalAmount(r.price_hint),
  clientOrderId: String(r.client_order_id),
  source: String(r.source),
  sourceTradeId: String(r.source_trade_id),
  status: r.status as LiveOrderStatus,
  attempts: Number(r.attempts),
  claimedBy: r.claimed_by === null ? null : String(r.claimed_by),
  claimedUntil: r.claimed_until === null ? null : Number(r.claimed_until),
  venueOrderId: r.venue_order_id === null ? null : String(r.venue_order_id),
  filled: canonicalAmountOrNull(r.filled),
  averagePrice: canonicalAmountOrNull(r.average_price),
  fee: canonicalAmountOrNull(r.fee),
  realizedPnl: canonicalAmountOrNull(r.realized_pnl),
  error: r.error === null ? null : String(r.error),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export class LiveOrderRepository {
  constructor(private readonly db: Database) {}

  /** Runs single statements outside a transaction. */
  get executor(): SqlExecutor {
    return this.db;
  }

  async insertMany(orders: readonly NewLiveOrder[], now: number, tx: SqlExecutor): Promise<void> {
    if (orders.length === 0) return;
    await tx.run(
      compile(
        this.db.kysely.insertInto('live_copy_orders').values(
          orders.map((o) => ({
            user_id: o.userId,
            trader_id: o.traderId,
            venue: o.venue,
            symbol: o.symbol,
            side: o.side,
            amount: o.amount,
            price_hint: o.priceHint,
            client_order_id: o.clientOrderId,
            source: o.source,
            source_trade_id: o.sourceTradeId,
            status: 'pending',
            created_at: now,
            updated_at: now,
          })),
        ),
      ),
    );
  }

  /**
   * Claims up to `limit` orders in `from` whose claim (if any) ended before
   * `now`, for `owner` until `until`; returns them. Two instances never
   * claim the same row: the status and claim are re-checked by the UPDATE.
   */
  async claim(
    from: LiveOrderStatus,
    owner: string,
    now: number,
    until: number,
    limit: number,
  ): Promise<LiveOrder[]> {
    const k = this.db.kysely;
    const free = (q: ReturnType<typeof k.selectFrom<'live_copy_orders'>>) =>
      q
        .where('status', '=', from)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]));
    const ids = free(k.selectFrom('live_copy_orders')).select('id').orderBy('id').limit(limit);
    const q = k
      .updateTable('live_copy_orders')
      .set({
        status: from === 'pending' ? 'sending' : from,
        claimed_by: owner,
        claimed_until: until,
        attempts: from === 'pending' ? sql`attempts + 1` : sql`attempts`,
        updated_at: now,
      })
      .where('id', 'in', ids)
      .where('status', '=', from)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .returningAll();
    return (await this.db.all(compile(q))).map((r) => toOrder(r as Row));
  }

  /** Records an outcome, if `owner` still holds the claim; false when another instance took the row. */
  async record(
    id: number,
    owner: string,
    o: LiveOrderOutcome,
    now: number,
    tx: SqlExecutor,
  ): Promise<boolean> {
    const done = o.status !== 'open' && o.status !== 'sending';
    const q = this.db.kysely
      .updateTable('live_copy_orders')
      .set({
        status: o.status,
        ...(o.venueOrderId !== undefined ? { venue_order_id: o.venueOrderId } : {}),
        ...(o.filled !== undefined ? { filled: o.filled } : {}),
        ...(o.averagePrice !== undefined ? { average_price: o.averagePrice } : {}),
        ...(o.fee !== undefined ? { fee: o.fee } : {}),
        ...(o.realizedPnl !== undefined ? { realized_pnl: o.realizedPnl } : {}),
        ...(o.error !== undefined ? { error: o.error } : {}),
        ...(o.filledAt !== undefined ? { filled_at: o.filledAt } : {}),
        ...(done ? { claimed_by: null, claimed_until: null } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .where('claimed_by', '=', owner);
    return (await tx.run(compile(q))) > 0;
  }

  /** Puts a claimed order back to be sent (the venue said it never got it). */
  async release(id: number, owner: string, now: number): Promise<boolean> {
    const q = this.db.kysely
      .updateTable('live_copy_orders')
      .set({ status: 'pending', claimed_by: null, claimed_until: null, updated_at: now })
      .where('id', '=', id)
      .where('claimed_by', '=', owner);
    return (await this.db.run(compile(q))) > 0;
  }

  async byClientOrderId(clientOrderId: string): Promise<LiveOrder | undefined> {
    const q = this.db.kysely
      .selectFrom('live_copy_orders')
      .selectAll()
      .where('client_order_id', '=', clientOrderId);
    const r = await this.db.first(compile(q));
    return r && toOrder(r as Row);
  }

  async ofUser(userId: number, limit: number): Promise<LiveOrder[]> {
    const q = this.db.kysely
      .selectFrom('live_copy_orders')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('id', 'desc')
      .limit(limit);
    return (await this.db.all(compile(q))).map((r) => toOrder(r as Row));
  }

  /** Holdings of these follows on `venue`, by `traderId:symbol`. */
  async holdings(
    traderIds: readonly number[],
    venue: string,
    ex: SqlExecutor,
  ): Promise<Map<string, LiveHolding>> {
    const out = new Map<string, LiveHolding>();
    if (traderIds.length === 0) return out;
    const q = this.db.kysely
      .selectFrom('live_copy_holdings')
      .selectAll()
      .where('trader_id', 'in', [...traderIds])
      .where('venue', '=', venue);
    for (const r of await ex.all(compile(q))) {
      out.set(`${r.trader_id}:${r.symbol}`, {
        quantity: canonicalAmount(r.quantity),
        averagePrice: canonicalAmount(r.average_price),
      });
    }
    return out;
  }

  async saveHolding(
    traderId: number,
    venue: string,
    symbol: string,
    h: LiveHolding,
    tx: SqlExecutor,
  ): Promise<void> {
    const values = {
      trader_id: traderId,
      venue,
      symbol,
      quantity: h.quantity,
      average_price: h.averagePrice,
    };
    await tx.run(
      compile(
        this.db.kysely
          .insertInto('live_copy_holdings')
          .values(values)
          .onConflict((oc) =>
            oc
              .columns(['trader_id', 'venue', 'symbol'])
              .doUpdateSet({ quantity: h.quantity, average_price: h.averagePrice }),
          ),
      ),
    );
  }

  /** Each user's realised PnL (net of fees) of live copies filled since `since`. */
  async realizedSince(
    userIds: readonly number[],
    since: number,
    ex: SqlExecutor,
  ): Promise<Map<number, Decimal>> {
    const out = new Map<number, Decimal>();
    if (userIds.length === 0) return out;
    const q = this.db.kysely
      .selectFrom('live_copy_orders')
      .select(['user_id', 'realized_pnl'])
      .where('user_id', 'in', [...userIds])
      .where('filled_at', '>=', since)
      .where('realized_pnl', 'is not', null);
    const sums = new Map<number, string[]>();
    for (const r of await ex.all(compile(q))) {
      const list = sums.get(Number(r.user_id)) ?? [];
      list.push(String(r.realized_pnl));
      sums.set(Number(r.user_id), list);
    }
    for (const [u, list] of sums) out.set(u, dec.sum(list.map(canonicalAmount)));
    return out;
  }

  /** Paused scopes among `all` and these users' (the kill switch). */
  async paused(
    userIds: readonly number[],
    ex: SqlExecutor = this.db,
  ): Promise<{ all: boolean; users: Set<number> }> {
    const scopes = ['all', ...userIds.map((u) => `user:${u}`)];
    const q = this.db.kysely.selectFrom('copy_pauses').select('scope').where('scope', 'in', scopes);
    const rows = await ex.all(compile(q));
    const users = new Set<number>();
    let all = false;
    for (const r of rows) {
      if (r.scope === 'all') all = true;
      else users.add(Number(r.scope.slice('user:'.length)));
    }
    return { all, users };
  }

  async pause(scope: string, by: number, now: number): Promise<void> {
    await this.db.run(
      compile(
        this.db.kysely
          .insertInto('copy_pauses')
          .values({ scope, paused_by: by, paused_at: now })
          .onConflict((oc) => oc.column('scope').doNothing()),
      ),
    );
  }

  async resume(scope: string): Promise<void> {
    await this.db.run(compile(this.db.kysely.deleteFrom('copy_pauses').where('scope', '=', scope)));
  }
}
