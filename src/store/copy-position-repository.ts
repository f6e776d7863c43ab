/**
 * The copy engine's writes to positions: each batch written for all the
 * follows of a page of leader trades together, inside the page's transaction. A copy closed meanwhile (a TP/SL flush racing) is left
 * alone and not reported back, as `PositionRepository.close` does for one.
 */
import type { Decimal } from '../domain/decimal.js';
import { type CloseReason, netRealizedPnl, type OpenCopy } from '../domain/position.js';
import { canonicalAmount as canon } from './amounts.js';
import type { Dialect, SqlExecutor } from './database.js';
import type { NewPosition } from './position-repository.js';
import { FLUSH_SQL, INSERT_COLUMNS, openCopyFromTuple } from './position-rows.js';

/**
 * Resizes and closes of a page's copies. SQLite: one cached statement per
 * copy (in-process, cheaper than unpacking a JSON batch); PostgreSQL: one
 * statement over a JSON batch (one round trip). Only open positions change.
 */
const SQLITE_ROW = {
  resize: `update positions set size = ?, entry_price = ?, realized_pnl = ?, unrealized_pnl = ?, take_profit = ?,
      stop_loss = ?, fees = ?, reprice_at = 0, version = version + 1, updated_at = ?
    where id = ? and status = 'open'`,
  close: `update positions set status = 'closed', close_reason = ?, close_price = ?, current_price = ?,
      realized_pnl = ?, fees = ?, unrealized_pnl = '0', version = version + 1, updated_at = ?, closed_at = ?
    where id = ? and status = 'open'`,
};

const PG_BATCH = {
  resize: `update positions as p set size = j.size, entry_price = j.entry, realized_pnl = j.realized,
      unrealized_pnl = j.unrealized, take_profit = j.tp, stop_loss = j.sl, fees = j.fees, reprice_at = 0,
      version = p.version + 1, updated_at = $1
    from jsonb_to_recordset($2::jsonb) as j(id bigint, size numeric, entry numeric, realized numeric,
      unrealized numeric, tp numeric, sl numeric, fees numeric)
    where p.id = j.id and p.status = 'open'
    returning p.id`,
  close: `update positions as p set status = 'closed', close_reason = j.reason, close_price = j.price,
      current_price = j.price, realized_pnl = j.pnl, fees = j.fees, unrealized_pnl = 0, version = p.version + 1,
      updated_at = $1, closed_at = $2
    from jsonb_to_recordset($3::jsonb) as j(id bigint, reason text, price numeric, pnl numeric, fees numeric)
    where p.id = j.id and p.status = 'open'
    returning p.id, p.user_id, p.close_reason, p.close_price, p.realized_pnl - p.fees`,
};

export class CopyPositionRepository {
  constructor(private readonly dialect: Dialect) {}

  /** Inserts new copied positions in one batch; returns their ids in order. */
  async insertMany(
    rows: readonly { userId: number; position: NewPosition }[],
    now: number,
    tx: SqlExecutor,
  ): Promise<number[]> {
    if (rows.length === 0) return [];
    return tx.insertMany(
      'positions',
      INSERT_COLUMNS,
      rows.map(({ userId, position: n }) => [
        userId,
        n.venue,
        n.marketId,
        n.symbol,
        n.side,
        n.outcome,
        n.outcomeIndex,
        n.size,
        n.entryPrice,
        n.entryPrice,
        '0',
        '0',
        n.takeProfit,
        n.stopLoss,
        'open',
        1,
        now,
        now,
        n.traderId ?? null,
        n.trailingStopPct ?? null,
        n.trailingStopPct ? n.entryPrice : null,
        n.fees ?? '0',
      ]),
    );
  }

  /** Resizes open positions; returns the ids that were still open. */
  async resizeMany(
    rows: readonly {
      id: number;
      size: Decimal;
      entryPrice: Decimal;
      realizedPnl: Decimal;
      unrealizedPnl: Decimal;
      takeProfit: Decimal | null;
      stopLoss: Decimal | null;
      fees: Decimal;
    }[],
    now: number,
    tx: SqlExecutor,
  ): Promise<Set<number>> {
    if (rows.length === 0) return new Set();
    if (this.dialect === 'sqlite') {
      const changed = await tx.runEach(
        SQLITE_ROW.resize,
        rows.map((r) => [
          r.size,
          r.entryPrice,
          r.realizedPnl,
          r.unrealizedPnl,
          r.takeProfit,
          r.stopLoss,
          r.fees,
          now,
          r.id,
        ]),
      );
      return new Set(rows.filter((_, i) => changed[i] === 1).map((r) => r.id));
    }
    const batch = JSON.stringify(
      rows.map((r) => ({
        id: r.id,
        size: r.size,
        entry: r.entryPrice,
        realized: r.realizedPnl,
        unrealized: r.unrealizedPnl,
        tp: r.takeProfit,
        sl: r.stopLoss,
        fees: r.fees,
      })),
    );
    const out = await tx.tuples({ sql: PG_BATCH.resize, parameters: [now, batch] });
    return new Set(out.map((r) => Number(r[0])));
  }

  /**
   * Closes open positions and records their events (the outbox) in one
   * batch; returns the ids that were still open. A position closed meanwhile
   * is left alone, as with `close`. `pnl` is before fees, `fees` all the
   * position paid; the event says the PnL net of them.
   */
  async closeMany(
    rows: readonly {
      id: number;
      userId: number;
      reason: CloseReason;
      price: Decimal;
      pnl: Decimal;
      fees: Decimal;
    }[],
    now: number,
    tx: SqlExecutor,
  ): Promise<Set<number>> {
    if (rows.length === 0) return new Set();
    let events: unknown[][];
    if (this.dialect === 'sqlite') {
      const changed = await tx.runEach(
        SQLITE_ROW.close,
        rows.map((r) => [r.reason, r.price, r.price, r.pnl, r.fees, now, now, r.id]),
      );
      events = rows
        .filter((_, i) => changed[i] === 1)
        .map((r) => [
          r.userId,
          r.id,
          r.reason,
          r.price,
          netRealizedPnl({ realizedPnl: r.pnl, fees: r.fees }),
          now,
        ]);
    } else {
      const batch = JSON.stringify(
        rows.map(({ id, reason, price, pnl, fees }) => ({ id, reason, price, pnl, fees })),
      );
      const closed = await tx.tuples({ sql: PG_BATCH.close, parameters: [now, now, batch] });
      events = closed.map((r) => [Number(r[1]), Number(r[0]), r[2], canon(r[3]), canon(r[4]), now]);
    }
    await tx.insertMany(
      'position_events',
      ['user_id', 'position_id', 'kind', 'price', 'realized_pnl', 'created_at'],
      events,
    );
    return new Set(events.map((e) => e[1] as number));
  }

  /** Open copied positions of these followed traders, in one statement. */
  async openCopies(traderIds: readonly number[], ex: SqlExecutor): Promise<OpenCopy[]> {
    if (traderIds.length === 0) return [];
    const rows = await ex.tuples({
      sql: FLUSH_SQL[this.dialect].openCopies,
      parameters: [JSON.stringify(traderIds)],
    });
    return rows.map(openCopyFromTuple);
  }
}
