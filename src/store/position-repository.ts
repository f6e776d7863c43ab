/**
 * Positions, their close events (outbox) and the last price of every market.
 * User edits and closes are single guarded statements (owner, status,
 * version), so a position closes exactly once however many ticks race. A
 * price flush is two statements for the whole batch — upsert the markets'
 * prices, update every open position on them — whatever the number of
 * positions; their SQL differs per dialect only in how the batch is unpacked.
 */
import type { Selectable } from 'kysely';
import { type Decimal, tryParseDecimal } from '../domain/decimal.js';
import type { CloseReason, Position, PositionSide, PositionStatus } from '../domain/position.js';
import type { Database, Dialect, Query, SqlExecutor } from './database.js';
import { compile, prepare } from './prepared.js';
import type { PositionsTable } from './schema.js';

type PositionRow = Selectable<PositionsTable>;

/** A position close waiting to be told to the user's notifiers. */
export interface PositionEvent {
  id: number;
  userId: number;
  positionId: number;
  kind: CloseReason;
  price: Decimal;
  realizedPnl: Decimal;
  createdAt: number;
  /** Delivery attempts so far, this one included once claimed. */
  attempts: number;
  symbol: string;
  side: PositionSide;
  outcome: string | null;
  size: Decimal;
}

/**
 * PostgreSQL NUMERIC keeps trailing zeros ("0.50"); the API speaks canonical
 * decimals. SQLite's values are canonical already and skip the parse.
 */
function canon(v: unknown): Decimal {
  const s = String(v);
  if (s.charCodeAt(s.length - 1) !== 48 || s.indexOf('.') < 0) return s;
  return tryParseDecimal(s);
}
const canonOrNull = (v: unknown): Decimal | null => (v === null || v === undefined ? null : canon(v));

export function toPosition(r: PositionRow): Position {
  return {
    id: Number(r.id),
    userId: Number(r.user_id),
    venue: r.venue,
    marketId: r.market_id,
    symbol: r.symbol,
    side: r.side as PositionSide,
    outcome: r.outcome,
    outcomeIndex: r.outcome_index,
    size: canon(r.size),
    entryPrice: canon(r.entry_price),
    currentPrice: canon(r.current_price),
    unrealizedPnl: canon(r.unrealized_pnl),
    realizedPnl: canon(r.realized_pnl),
    takeProfit: canonOrNull(r.take_profit),
    stopLoss: canonOrNull(r.stop_loss),
    status: r.status as PositionStatus,
    closeReason: r.close_reason as CloseReason | null,
    closePrice: canonOrNull(r.close_price),
    version: r.version,
    openedAt: Number(r.opened_at),
    updatedAt: Number(r.updated_at),
    closedAt: r.closed_at === null ? null : Number(r.closed_at),
  };
}

/** Every column, in the order `fromTuple` reads them. */
const COLUMNS = [
  'id',
  'user_id',
  'venue',
  'market_id',
  'symbol',
  'side',
  'outcome',
  'outcome_index',
  'size',
  'entry_price',
  'current_price',
  'unrealized_pnl',
  'realized_pnl',
  'take_profit',
  'stop_loss',
  'status',
  'close_reason',
  'close_price',
  'version',
  'opened_at',
  'updated_at',
  'closed_at',
] as const;

function fromTuple(r: unknown[]): Position {
  return {
    id: Number(r[0]),
    userId: Number(r[1]),
    venue: r[2] as string,
    marketId: r[3] as string,
    symbol: r[4] as string,
    side: r[5] as PositionSide,
    outcome: r[6] as string | null,
    outcomeIndex: r[7] as number | null,
    size: canon(r[8]),
    entryPrice: canon(r[9]),
    currentPrice: canon(r[10]),
    unrealizedPnl: canon(r[11]),
    realizedPnl: canon(r[12]),
    takeProfit: canonOrNull(r[13]),
    stopLoss: canonOrNull(r[14]),
    status: r[15] as PositionStatus,
    closeReason: r[16] as CloseReason | null,
    closePrice: canonOrNull(r[17]),
    version: Number(r[18]),
    openedAt: Number(r[19]),
    updatedAt: Number(r[20]),
    closedAt: r[21] === null ? null : Number(r[21]),
  };
}

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
  /** Whether it has a take-profit or stop-loss to check. */
  armed: boolean;
}

export type PositionFilter = PositionStatus | 'all';

/** How each dialect unpacks a JSON batch `[{m, s, p0, p1, ts}]` into rows. */
const FLUSH_SQL: Record<Dialect, { upsertPrices: string; reprice: string; byIds: string }> = {
  sqlite: {
    upsertPrices: `insert into market_prices (venue, market_id, symbol, price, ts, updated_at)
      select ?, value ->> 'm', value ->> 's', value ->> 'p0', value ->> 'ts', ? from json_each(?)
      where true
      on conflict (venue, market_id) do update set
        symbol = excluded.symbol, price = excluded.price, ts = excluded.ts, updated_at = excluded.updated_at`,
    byIds: `select ${COLUMNS.join(', ')} from positions where id in (select value from json_each(?))`,
    reprice: `update positions set
        current_price = case when positions.outcome_index = 1 then j.p1 else j.p0 end,
        unrealized_pnl = dec_pnl(positions.side, positions.size, positions.entry_price,
          case when positions.outcome_index = 1 then j.p1 else j.p0 end),
        updated_at = ?
      from (select value ->> 'm' as m, value ->> 'p0' as p0, value ->> 'p1' as p1 from json_each(?)) as j
      where positions.market_id = j.m and positions.status = 'open' and positions.venue = ?
        and positions.current_price <> case when positions.outcome_index = 1 then j.p1 else j.p0 end
      returning positions.id, positions.user_id,
        positions.take_profit is not null or positions.stop_loss is not null`,
  },
  postgres: {
    upsertPrices: `insert into market_prices (venue, market_id, symbol, price, ts, updated_at)
      select $1, j.m, j.s, j.p0, j.ts, $2 from jsonb_to_recordset($3::jsonb) as j(m text, s text, p0 numeric, ts bigint)
      on conflict (venue, market_id) do update set
        symbol = excluded.symbol, price = excluded.price, ts = excluded.ts, updated_at = excluded.updated_at`,
    byIds: `select ${COLUMNS.join(', ')} from positions where id in (select jsonb_array_elements_text($1::jsonb)::bigint)`,
    reprice: `update positions as p set
        current_price = case when p.outcome_index = 1 then j.p1 else j.p0 end,
        unrealized_pnl = dec_pnl(p.side, p.size, p.entry_price,
          case when p.outcome_index = 1 then j.p1 else j.p0 end),
        updated_at = $1
      from jsonb_to_recordset($2::jsonb) as j(m text, p0 numeric, p1 numeric)
      where p.market_id = j.m and p.status = 'open' and p.venue = $3
        and p.current_price <> case when p.outcome_index = 1 then j.p1 else j.p0 end
      returning p.id, p.user_id, p.take_profit is not null or p.stop_loss is not null`,
  },
};

const EVENT_LEASE_MS = 30_000;

export class PositionRepository {
  private readonly byId;
  private readonly listQueries = new Map<string, (v: Record<string, unknown>) => Query<PositionRow>>();
  private readonly setTpSlQuery;
  private readonly closeQuery;
  private readonly insertEvent;
  private readonly pendingEvents;
  private readonly claimEvent;
  private readonly markDelivered;
  private readonly releaseEvent;
  private readonly lastPrice;
  private readonly openMarketsQuery;

  constructor(private readonly db: Database) {
    const k = db.kysely;
    this.byId = prepare(k, (p) => k.selectFrom('positions').selectAll().where('id', '=', p('id')));
    this.setTpSlQuery = prepare(k, (p) =>
      k
        .updateTable('positions')
        .set((eb) => ({
          take_profit: p('tp'),
          stop_loss: p('sl'),
          version: eb('version', '+', 1),
          updated_at: p('now'),
        }))
        .where('id', '=', p('id'))
        .where('user_id', '=', p('userId'))
        .where('status', '=', 'open')
        .where('version', '=', p('version'))
        .returningAll(),
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
          unrealized_pnl: '0',
          version: eb('version', '+', 1),
          updated_at: p('now'),
          closed_at: p('now'),
        }))
        .where('id', '=', p('id'))
        .where('status', '=', 'open')
        .returningAll(),
    );
    this.insertEvent = prepare(k, (p) =>
      k.insertInto('position_events').values({
        user_id: p('userId'),
        position_id: p('positionId'),
        kind: p('kind'),
        price: p('price'),
        realized_pnl: p('pnl'),
        created_at: p('now'),
      }),
    );
    this.pendingEvents = prepare(k, (p) =>
      k
        .selectFrom('position_events as e')
        .innerJoin('positions as p', 'p.id', 'e.position_id')
        .select([
          'e.id',
          'e.user_id',
          'e.position_id',
          'e.kind',
          'e.price',
          'e.realized_pnl',
          'e.created_at',
          'e.attempts',
          'p.symbol',
          'p.side',
          'p.outcome',
          'p.size',
        ])
        .where('e.delivered_at', 'is', null)
        .where((eb) => eb.or([eb('e.claimed_until', 'is', null), eb('e.claimed_until', '<', p('now'))]))
        .orderBy('e.id')
        .limit(p('limit')),
    );
    this.claimEvent = prepare(k, (p) =>
      k
        .updateTable('position_events')
        .set((eb) => ({ claimed_until: p('until'), attempts: eb('attempts', '+', 1) }))
        .where('id', '=', p('id'))
        .where('delivered_at', 'is', null)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', p('now'))])),
    );
    this.markDelivered = prepare(k, (p) =>
      k
        .updateTable('position_events')
        .set({ delivered_at: p('now') })
        .where('id', '=', p('id')),
    );
    this.releaseEvent = prepare(k, (p) =>
      k
        .updateTable('position_events')
        .set({ claimed_until: p('retryAt') })
        .where('id', '=', p('id')),
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
        status: 'open',
        version: 1,
        opened_at: now,
        updated_at: now,
      })
      .returningAll();
    return toPosition((await ex.first(compile(q))) as PositionRow);
  }

  async findById(id: number, ex: SqlExecutor = this.db): Promise<Position | undefined> {
    const r = await ex.first(this.byId({ id }));
    return r && toPosition(r);
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
        let b = k.selectFrom('positions').selectAll().where('user_id', '=', p('userId'));
        if (status !== 'all') b = b.where('status', '=', p('status'));
        if (beforeId !== null) b = b.where('id', '<', p('beforeId'));
        return b.orderBy('id', 'desc').limit(p('limit'));
      });
      this.listQueries.set(shape, q);
    }
    const rows = await this.db.all(q({ userId, status, beforeId, limit }));
    return rows.map(toPosition);
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
    const r = await ex.first(this.setTpSlQuery({ id, userId, tp, sl, version, now }));
    return r && toPosition(r);
  }

  /**
   * Closes an open position at `price` and records its event, in the caller's
   * transaction. Undefined when it was already closed: the close that lost a
   * race writes nothing.
   */
  async close(
    id: number,
    reason: CloseReason,
    price: Decimal,
    pnl: Decimal,
    now: number,
    tx: SqlExecutor,
  ): Promise<Position | undefined> {
    const r = await tx.first(this.closeQuery({ id, reason, price, pnl, now }));
    if (!r) return undefined;
    const p = toPosition(r);
    await tx.run(this.insertEvent({ userId: p.userId, positionId: p.id, kind: reason, price, pnl, now }));
    return p;
  }

  /**
   * Writes a batch of market prices and reprices every open position on those
   * markets, two statements whatever the number of positions. Returns the
   * positions whose price moved, as (id, user, whether TP or SL is set): full
   * rows cost more to return than the update itself, and only armed ones need them.
   */
  async applyPrices(
    venue: string,
    updates: readonly MarketPriceUpdate[],
    now: number,
    tx: SqlExecutor,
  ): Promise<Repriced[]> {
    const sqls = FLUSH_SQL[this.db.dialect];
    const batch = JSON.stringify(
      updates.map((u) => ({ m: u.marketId, s: u.symbol, p0: u.price, p1: u.otherPrice, ts: u.ts })),
    );
    await tx.run({ sql: sqls.upsertPrices, parameters: [venue, now, batch] });
    const rows = await tx.tuples({ sql: sqls.reprice, parameters: [now, batch, venue] });
    return rows.map((r) => ({ id: Number(r[0]), userId: Number(r[1]), armed: Boolean(r[2]) }));
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

  /** Undelivered events whose lease is free, oldest first. */
  async pending(now: number, limit: number): Promise<PositionEvent[]> {
    const rows = await this.db.all(this.pendingEvents({ now, limit }));
    return rows.map((r) => ({
      id: Number(r.id),
      userId: Number(r.user_id),
      positionId: Number(r.position_id),
      kind: r.kind as CloseReason,
      price: canon(r.price),
      realizedPnl: canon(r.realized_pnl),
      createdAt: Number(r.created_at),
      attempts: Number(r.attempts),
      symbol: r.symbol,
      side: r.side as PositionSide,
      outcome: r.outcome,
      size: canon(r.size),
    }));
  }

  /** Takes the delivery lease of an event; false when another instance holds it or it was delivered. */
  async claim(id: number, now: number): Promise<boolean> {
    return (await this.db.run(this.claimEvent({ id, now, until: now + EVENT_LEASE_MS }))) === 1;
  }

  async delivered(id: number, now: number): Promise<void> {
    await this.db.run(this.markDelivered({ id, now }));
  }

  /** Gives a claimed event back, to be retried at `retryAt`. */
  async release(id: number, retryAt: number): Promise<void> {
    await this.db.run(this.releaseEvent({ id, retryAt }));
  }
}
