/**
 * Positions and the last price of every market (their close events are the
 * outbox in `position-event-repository.ts`).
 * User edits and closes are single guarded statements (owner, status,
 * version), so a position closes exactly once however many ticks race. A
 * price flush is two statements for the whole batch — upsert the markets'
 * prices, update every open position on them — whatever the number of
 * positions; their SQL differs per dialect only in how the batch is unpacked.
 */
import type { Decimal } from '../domain/decimal.js';
import {
  type CloseReason,
  netRealizedPnl,
  type Position,
  type PositionSide,
  type PositionStatus,
} from '../domain/position.js';
import { canonicalAmount as canon } from './amounts.js';
import type { Database, Query, SqlExecutor } from './database.js';
import { PositionEventRepository } from './position-event-repository.js';
import { COLUMNS, FLUSH_SQL, fromTuple, repriceParameters } from './position-rows.js';
import { compile, prepare } from './prepared.js';

export interface NewPosition {
  venue: string;
  marketId: string;
  symbol: string;
  side: PositionSide;
  outcome: string | null;
  outcomeIndex: number | null;
  size: Decimal;
  entryPrice: Decimal;
  takeProfit: Decimal | null;
  stopLoss: Decimal | null;
  /** Copied positions: the trader copied and the follow's trailing stop. */
  traderId?: number | null;
  trailingStopPct?: Decimal | null;
  /** Copied positions: the entry's fee, paid by the paper account. @default 0 */
  fees?: Decimal;
}

/** One market's prices in a flush: the first outcome's (or the pair's) and, for binary markets, the second's. */
export interface MarketPriceUpdate {
  marketId: string;
  symbol: string;
  price: Decimal;
  /** Price of outcome index 1 (binary markets): 1 - price. */
  otherPrice: Decimal;
  ts: number;
}

/** A position a price flush moved. */
export interface Repriced {
  id: number;
  userId: number;
  /** Whether it has a take-profit, stop-loss or trailing stop to check. */
  armed: boolean;
}

export type PositionFilter = PositionStatus | 'all';

export class PositionRepository {
  private readonly byId;
  private readonly listQueries = new Map<string, (v: Record<string, unknown>) => Query>();
  private readonly setTpSlQuery;
  private readonly closeQuery;
  private readonly lastPrice;
  private readonly openMarketsQuery;
  private readonly resizeQuery;

  constructor(
    private readonly db: Database,
    readonly events = new PositionEventRepository(db),
  ) {
    const k = db.kysely;
    this.byId = prepare(k, (p) => k.selectFrom('positions').select(COLUMNS).where('id', '=', p('id')));
    this.setTpSlQuery = prepare(k, (p) =>
      k
        .updateTable('positions')
        .set((eb) => ({
          take_profit: p('tp'),
          stop_loss: p('sl'),
          // Armed now: watched from the next flush; idle: its next turn comes after now (migration 020).
          reprice_at: 0,
          version: eb('version', '+', 1),
          updated_at: p('now'),
        }))
        .where('id', '=', p('id'))
        .where('user_id', '=', p('userId'))
        .where('status', '=', 'open')
        .where('version', '=', p('version'))
        .returning(COLUMNS),
    );
    this.closeQuery = prepare(k, (p) =>
      k
        .updateTable('positions')
        .set((eb) => ({
          status: 'closed',
          close_reason: p('reason'),
          close_price: p('price'),
          current_price: p('price'),
          realized_pnl: p('pnl'),
          fees: p('fees'),
          unrealized_pnl: '0',
          version: eb('version', '+', 1),
          updated_at: p('now'),
          closed_at: p('now'),
        }))
        .where('id', '=', p('id'))
        .where('status', '=', 'open')
        .returning(COLUMNS),
    );
    this.resizeQuery = prepare(k, (p) =>
      k
        .updateTable('positions')
        .set((eb) => ({
          size: p('size'),
          entry_price: p('entry'),
          realized_pnl: p('realized'),
          unrealized_pnl: p('unrealized'),
          take_profit: p('tp'),
          stop_loss: p('sl'),
          high_water: p('highWater'),
          reprice_at: 0,
          version: eb('version', '+', 1),
          updated_at: p('now'),
        }))
        .where('id', '=', p('id'))
        .where('status', '=', 'open')
        .returning(COLUMNS),
    );
    this.openMarketsQuery = prepare(k, (p) =>
      k
        .selectFrom('positions')
        .select(['market_id', 'symbol'])
        .distinct()
        .where('status', '=', 'open')
        .where('venue', '=', p('venue')),
    );
    this.lastPrice = prepare(k, (p) =>
      k
        .selectFrom('market_prices')
        .select(['price', 'ts'])
        .where('venue', '=', p('venue'))
        .where('market_id', '=', p('marketId')),
    );
  }

  async insert(userId: number, n: NewPosition, now: number, ex: SqlExecutor = this.db): Promise<Position> {
    const q = this.db.kysely
      .insertInto('positions')
      .values({
        user_id: userId,
        venue: n.venue,
        market_id: n.marketId,
        symbol: n.symbol,
        side: n.side,
        outcome: n.outcome,
        outcome_index: n.outcomeIndex,
        size: n.size,
        entry_price: n.entryPrice,
        current_price: n.entryPrice,
        unrealized_pnl: '0',
        realized_pnl: '0',
        take_profit: n.takeProfit,
        stop_loss: n.stopLoss,
        trader_id: n.traderId ?? null,
        trailing_stop_pct: n.trailingStopPct ?? null,
        high_water: n.trailingStopPct ? n.entryPrice : null,
        status: 'open',
        version: 1,
        opened_at: now,
        updated_at: now,
      })
      .returning(COLUMNS);
    return (await this.one(compile(q), ex))!;
  }

  async findById(id: number, ex: SqlExecutor = this.db): Promise<Position | undefined> {
    return this.one(this.byId({ id }), ex);
  }

  /** The first row of `q` as a position (every read selects COLUMNS, in order). */
  private async one(q: Query, ex: SqlExecutor): Promise<Position | undefined> {
    const r = (await ex.tuples(q))[0];
    return r && fromTuple(r);
  }

  /** A user's positions, newest first, after the position `beforeId` when given. */
  async list(
    userId: number,
    status: PositionFilter,
    limit: number,
    beforeId: number | null,
  ): Promise<Position[]> {
    const shape = `${status === 'all' ? 'all' : 'one'}:${beforeId === null ? 'first' : 'after'}`;
    let q = this.listQueries.get(shape);
    if (!q) {
      const k = this.db.kysely;
      q = prepare(k, (p) => {
        let b = k.selectFrom('positions').select(COLUMNS).where('user_id', '=', p('userId'));
        if (status !== 'all') b = b.where('status', '=', p('status'));
        if (beforeId !== null) b = b.where('id', '<', p('beforeId'));
        return b.orderBy('id', 'desc').limit(p('limit'));
      });
      this.listQueries.set(shape, q);
    }
    const rows = await this.db.tuples(q({ userId, status, beforeId, limit }));
    return rows.map(fromTuple);
  }

  /** Sets both levels if the position is the user's, open and at `version`; undefined otherwise. */
  async setTpSl(
    id: number,
    userId: number,
    tp: Decimal | null,
    sl: Decimal | null,
    version: number,
    now: number,
    ex: SqlExecutor = this.db,
  ): Promise<Position | undefined> {
    return this.one(this.setTpSlQuery({ id, userId, tp, sl, version, now }), ex);
  }

  /**
   * Closes an open position at `price` and records its event, in the caller's
   * transaction: `pnl` is its realised PnL before fees, `fees` every fee it
   * has paid once closed (a copy's exit fee included); the event says the PnL
   * net of them. Undefined when it was already closed: the close that lost a
   * race writes nothing.
   */
  async close(
    id: number,
    reason: CloseReason,
    price: Decimal,
    pnl: Decimal,
    fees: Decimal,
    now: number,
    tx: SqlExecutor,
  ): Promise<Position | undefined> {
    const p = await this.one(this.closeQuery({ id, reason, price, pnl, fees, now }), tx);
    if (!p) return undefined;
    await this.events.record(
      { userId: p.userId, positionId: p.id, kind: reason, price, pnl: netRealizedPnl(p), now },
      tx,
    );
    return p;
  }

  /**
   * Writes a batch of market prices and reprices the open positions on those
   * markets, two statements whatever the number of positions: every armed one
   * (TP, SL or trailing stop: their triggers are checked on this price), the
   * others once every `idleEveryMs`, at a point of the interval of their own
   * (IDLE_PHASE), or always when it is 0 (their PnL is for display; rewriting
   * tens of thousands of rows on every flush was most of a busy server's
   * work, and rewriting them all in the same flush made that flush the
   * stream's slowest). Returns the
   * positions whose price moved, as (id, user, whether TP or SL is set): full
   * rows cost more to return than the update itself, and only armed ones need them.
   */
  async applyPrices(
    venue: string,
    updates: readonly MarketPriceUpdate[],
    now: number,
    tx: SqlExecutor,
    /** Positions without TP, SL or trailing stop are repriced once in this many ms; 0: now. */
    idleEveryMs = 0,
  ): Promise<Repriced[]> {
    const sqls = FLUSH_SQL[this.db.dialect];
    const batch = JSON.stringify(
      updates.map((u) => ({ m: u.marketId, s: u.symbol, p0: u.price, p1: u.otherPrice, ts: u.ts })),
    );
    await tx.run({ sql: sqls.upsertPrices, parameters: [venue, now, batch] });
    const rows = await tx.tuples({
      sql: sqls.reprice,
      parameters: repriceParameters(this.db.dialect, { now, batch, venue, idleEveryMs }),
    });
    return rows.map((r) => ({ id: Number(r[0]), userId: Number(r[1]), armed: Boolean(r[2]) }));
  }

  /**
   * Changes an open copied position's size and entry (a leader added to or
   * reduced its position); undefined when it was closed meanwhile.
   */
  async resize(
    id: number,
    v: {
      size: Decimal;
      entryPrice: Decimal;
      realizedPnl: Decimal;
      unrealizedPnl: Decimal;
      takeProfit: Decimal | null;
      stopLoss: Decimal | null;
      highWater: Decimal | null;
    },
    now: number,
    tx: SqlExecutor,
  ): Promise<Position | undefined> {
    return this.one(
      this.resizeQuery({
        id,
        size: v.size,
        entry: v.entryPrice,
        realized: v.realizedPnl,
        unrealized: v.unrealizedPnl,
        tp: v.takeProfit,
        sl: v.stopLoss,
        highWater: v.highWater,
        now,
      }),
      tx,
    );
  }

  /** Moves trailing stops' best prices, one statement for the batch. */
  async setHighWaters(moves: readonly { id: number; highWater: Decimal }[], tx: SqlExecutor): Promise<void> {
    if (moves.length === 0) return;
    await tx.run({
      sql: FLUSH_SQL[this.db.dialect].highWaters,
      parameters: [JSON.stringify(moves.map((m) => ({ id: m.id, h: m.highWater })))],
    });
  }

  /** Full rows of these positions (any order), in one statement. */
  async byIds(ids: readonly number[], ex: SqlExecutor = this.db): Promise<Position[]> {
    if (ids.length === 0) return [];
    const rows = await ex.tuples({
      sql: FLUSH_SQL[this.db.dialect].byIds,
      parameters: [JSON.stringify(ids)],
    });
    return rows.map(fromTuple);
  }

  /** Markets with open positions on `venue` (what a venue without a stream must be polled for). */
  async openMarkets(venue: string): Promise<{ marketId: string; symbol: string }[]> {
    const rows = await this.db.all(this.openMarketsQuery({ venue }));
    return rows.map((r) => ({ marketId: r.market_id, symbol: r.symbol }));
  }

  /** The last streamed price of a market, if any. */
  async marketPrice(venue: string, marketId: string): Promise<{ price: Decimal; ts: number } | undefined> {
    const r = await this.db.first(this.lastPrice({ venue, marketId }));
    return r && { price: canon(r.price), ts: Number(r.ts) };
  }
}
