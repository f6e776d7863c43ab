/**
 * Positions as rows: the column list every read selects, the tuple mapping,
 * and the batch statements (price flushes, copy fan-outs) written per dialect,
 * which differ only in how a JSON batch is unpacked into rows.
 */
import type { CloseReason, OpenCopy, Position, PositionSide, PositionStatus } from '../domain/position.js';
import { canonicalAmount as canon, canonicalAmountOrNull as canonOrNull } from './amounts.js';
import type { Dialect } from './database.js';

/** Every column, in the order `fromTuple` reads them. */
export const COLUMNS = [
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
  'trader_id',
  'trailing_stop_pct',
  'high_water',
  'fees',
] as const;

/** What a new row writes: every column but the id and the close fields, in the same order. */
export const INSERT_COLUMNS = COLUMNS.filter(
  (c) => c !== 'id' && !c.startsWith('close') && c !== 'closed_at',
);

export function fromTuple(r: unknown[]): Position {
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
    traderId: r[22] === null ? null : Number(r[22]),
    trailingStopPct: canonOrNull(r[23]),
    highWater: canonOrNull(r[24]),
    fees: canon(r[25]),
  };
}

/** The columns of an open copy as a fan-out reads it, in the order `openCopyFromTuple` reads them. */
const OPEN_COPY_COLUMNS = [
  'id',
  'user_id',
  'trader_id',
  'market_id',
  'outcome_index',
  'side',
  'size',
  'entry_price',
  'realized_pnl',
  'take_profit',
  'stop_loss',
  'trailing_stop_pct',
  'high_water',
  'status',
  'fees',
] as const;

export function openCopyFromTuple(r: unknown[]): OpenCopy {
  return {
    id: Number(r[0]),
    userId: Number(r[1]),
    traderId: r[2] === null ? null : Number(r[2]),
    marketId: r[3] as string,
    outcomeIndex: r[4] as number | null,
    side: r[5] as PositionSide,
    size: canon(r[6]),
    entryPrice: canon(r[7]),
    realizedPnl: canon(r[8]),
    takeProfit: canonOrNull(r[9]),
    stopLoss: canonOrNull(r[10]),
    trailingStopPct: canonOrNull(r[11]),
    highWater: canonOrNull(r[12]),
    status: r[13] as PositionStatus,
    fees: canon(r[14]),
  };
}

/**
 * Where in the idle interval a position's turn falls: its id, modulo the
 * interval (ms). An idle position is repriced by the first flush after each
 * of its turns (once an interval, as IdleRepricePace sets it), so a whole
 * book opened at once is repriced a slice per flush instead of all in one
 * flush every interval (10,000 positions were one 100 ms flush a second).
 * Consecutive ids take consecutive turns, so a flush's slice is runs of
 * neighbouring rows, which share table pages: each page a flush rewrites is
 * one more page to log at its commit.
 */
const IDLE_PHASE = (t: string) => `${t}.id`;

/** Whether a position is armed (TP, SL or trailing stop): repriced on every flush. */
const ARMED = (t: string) =>
  `(${t}.take_profit is not null or ${t}.stop_loss is not null or ${t}.trailing_stop_pct is not null)`;

/**
 * The reprice statement's parameters in its dialect's order. `dueBy` bounds
 * the positions' `reprice_at`: now, or every position when the interval is 0
 * (each flush reprices everything, as a settling pass does).
 */
export function repriceParameters(
  dialect: Dialect,
  p: { now: number; batch: string; venue: string; idleEveryMs: number },
): unknown[] {
  const every = Math.max(0, Math.round(p.idleEveryMs));
  const dueBy = every === 0 ? Number.MAX_SAFE_INTEGER : p.now;
  return dialect === 'sqlite'
    ? [p.now, every, dueBy, p.batch, p.venue]
    : [p.now, p.batch, p.venue, every, dueBy];
}

/** How each dialect unpacks a JSON batch `[{m, s, p0, p1, ts}]` into rows. */
export const FLUSH_SQL: Record<
  Dialect,
  {
    upsertPrices: string;
    reprice: string;
    byIds: string;
    highWaters: string;
    openCopies: string;
  }
> = {
  sqlite: {
    highWaters: `update positions set high_water = j.h
      from (select value ->> 'id' as id, value ->> 'h' as h from json_each(?)) as j
      where positions.id = j.id and positions.status = 'open'`,
    openCopies: `select ${OPEN_COPY_COLUMNS.join(', ')} from positions
      where trader_id in (select value from json_each(?)) and status = 'open'`,
    upsertPrices: `insert into market_prices (venue, market_id, symbol, price, ts, updated_at)
      select ?, value ->> 'm', value ->> 's', value ->> 'p0', value ->> 'ts', ? from json_each(?)
      where true
      on conflict (venue, market_id) do update set
        symbol = excluded.symbol, price = excluded.price, ts = excluded.ts, updated_at = excluded.updated_at`,
    byIds: `select ${COLUMNS.join(', ')} from positions where id in (select value from json_each(?))`,
    // Forced through the (market_id, status, reprice_at) index: one search per market of the
    // batch for its due positions. Left to the planner, the open-markets index on (venue, ...)
    // could make every open position scan the batch instead (2.5 s instead of milliseconds for
    // 400 markets over 10,000 positions). A due position is armed (reprice_at 0), past its
    // next turn (reprice_at set by the flush that last repriced it), or not yet repriced by a
    // flush (reprice_at 0) and past its first turn after updated_at.
    reprice: `update positions indexed by positions_market_status_idx set
        current_price = case when positions.outcome_index = 1 then j.p1 else j.p0 end,
        unrealized_pnl = dec_pnl(positions.side, positions.size, positions.entry_price,
          case when positions.outcome_index = 1 then j.p1 else j.p0 end),
        updated_at = j.now,
        reprice_at = case when ${ARMED('positions')} or j.every = 0 then 0
          else j.now + j.every - (j.now + ${IDLE_PHASE('positions')} % j.every) % j.every end
      from (select value ->> 'm' as m, value ->> 'p0' as p0, value ->> 'p1' as p1,
          cast(? as integer) as now, cast(? as integer) as every, cast(? as integer) as due_by
        from json_each(?)) as j
      where positions.market_id = j.m and positions.status = 'open' and positions.reprice_at <= j.due_by
        and positions.venue = ?
        and positions.current_price <> case when positions.outcome_index = 1 then j.p1 else j.p0 end
        and (positions.reprice_at > 0 or ${ARMED('positions')} or j.every = 0
          or (positions.updated_at + ${IDLE_PHASE('positions')} % j.every) / j.every
            < (j.now + ${IDLE_PHASE('positions')} % j.every) / j.every)
      returning positions.id, positions.user_id, ${ARMED('positions')}`,
  },
  postgres: {
    highWaters: `update positions as p set high_water = j.h
      from jsonb_to_recordset($1::jsonb) as j(id bigint, h numeric)
      where p.id = j.id and p.status = 'open'`,
    openCopies: `select ${OPEN_COPY_COLUMNS.join(', ')} from positions
      where trader_id in (select jsonb_array_elements_text($1::jsonb)::bigint) and status = 'open'`,
    upsertPrices: `insert into market_prices (venue, market_id, symbol, price, ts, updated_at)
      select $1, j.m, j.s, j.p0, j.ts, $2 from jsonb_to_recordset($3::jsonb) as j(m text, s text, p0 numeric, ts bigint)
      on conflict (venue, market_id) do update set
        symbol = excluded.symbol, price = excluded.price, ts = excluded.ts, updated_at = excluded.updated_at`,
    byIds: `select ${COLUMNS.join(', ')} from positions where id in (select jsonb_array_elements_text($1::jsonb)::bigint)`,
    // The same due positions as on SQLite; reprice_at is not indexed here (the flush rewrites
    // it, and an update of an indexed column is never HOT, migration 019): a filter of the
    // (market_id, status) search.
    reprice: `update positions as p set
        current_price = case when p.outcome_index = 1 then j.p1 else j.p0 end,
        unrealized_pnl = dec_pnl(p.side, p.size, p.entry_price,
          case when p.outcome_index = 1 then j.p1 else j.p0 end),
        updated_at = $1,
        reprice_at = case when ${ARMED('p')} or $4::bigint = 0 then 0
          else $1::bigint + $4::bigint - ($1::bigint + ${IDLE_PHASE('p')} % nullif($4::bigint, 0)) % nullif($4::bigint, 0) end
      from jsonb_to_recordset($2::jsonb) as j(m text, p0 numeric, p1 numeric)
      where p.market_id = j.m and p.status = 'open' and p.venue = $3 and p.reprice_at <= $5::bigint
        and p.current_price <> case when p.outcome_index = 1 then j.p1 else j.p0 end
        and (p.reprice_at > 0 or ${ARMED('p')} or $4::bigint = 0
          or (p.updated_at + ${IDLE_PHASE('p')} % nullif($4::bigint, 0)) / nullif($4::bigint, 0)
            < ($1::bigint + ${IDLE_PHASE('p')} % nullif($4::bigint, 0)) / nullif($4::bigint, 0))
      returning p.id, p.user_id, ${ARMED('p')}`,
  },
};
